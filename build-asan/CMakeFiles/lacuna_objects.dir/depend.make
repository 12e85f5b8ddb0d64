# Empty dependencies file for lacuna_objects.
# This may be replaced when dependencies are built.
