# Empty compiler generated dependencies file for test_mtx_write.
# This may be replaced when dependencies are built.
