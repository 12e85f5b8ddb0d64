# Empty dependencies file for lacuna.
# This may be replaced when dependencies are built.
