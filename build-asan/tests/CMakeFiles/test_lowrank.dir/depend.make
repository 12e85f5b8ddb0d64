# Empty dependencies file for test_lowrank.
# This may be replaced when dependencies are built.
