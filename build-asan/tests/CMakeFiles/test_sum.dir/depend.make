# Empty dependencies file for test_sum.
# This may be replaced when dependencies are built.
