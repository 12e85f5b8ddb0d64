# Empty dependencies file for test_bsr_build.
# This may be replaced when dependencies are built.
