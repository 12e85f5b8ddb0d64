# Empty dependencies file for test_optimize.
# This may be replaced when dependencies are built.
