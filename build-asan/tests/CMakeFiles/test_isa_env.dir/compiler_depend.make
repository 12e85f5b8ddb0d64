# Empty compiler generated dependencies file for test_isa_env.
# This may be replaced when dependencies are built.
