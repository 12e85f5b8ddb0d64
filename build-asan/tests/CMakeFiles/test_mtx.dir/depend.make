# Empty dependencies file for test_mtx.
# This may be replaced when dependencies are built.
