# Empty dependencies file for test_nm_build.
# This may be replaced when dependencies are built.
