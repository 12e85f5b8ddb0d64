# Empty dependencies file for lacuna_testutil.
# This may be replaced when dependencies are built.
