# Empty compiler generated dependencies file for test_nm.
# This may be replaced when dependencies are built.
