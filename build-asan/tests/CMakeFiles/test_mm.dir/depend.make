# Empty dependencies file for test_mm.
# This may be replaced when dependencies are built.
