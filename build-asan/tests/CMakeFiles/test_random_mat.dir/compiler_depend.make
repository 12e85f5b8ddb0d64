# Empty compiler generated dependencies file for test_random_mat.
# This may be replaced when dependencies are built.
