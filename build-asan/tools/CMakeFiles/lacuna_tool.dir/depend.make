# Empty dependencies file for lacuna_tool.
# This may be replaced when dependencies are built.
