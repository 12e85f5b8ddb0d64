# CMake generated Testfile for 
# Source directory: /work/wt-lowrank
# Build directory: /work/wt-lowrank/build-asan
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("tools")
subdirs("tests")
