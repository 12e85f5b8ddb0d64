# Empty dependencies file for test_bsr.
# This may be replaced when dependencies are built.
