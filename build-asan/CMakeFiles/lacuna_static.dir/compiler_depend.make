# Empty compiler generated dependencies file for lacuna_static.
# This may be replaced when dependencies are built.
