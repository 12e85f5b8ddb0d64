
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-lowrank/tests/test_nn.c" "tests/CMakeFiles/test_nn.dir/test_nn.c.o" "gcc" "tests/CMakeFiles/test_nn.dir/test_nn.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt-lowrank/build-asan/tests/CMakeFiles/lacuna_testutil.dir/DependInfo.cmake"
  "/work/wt-lowrank/build-asan/CMakeFiles/lacuna_static.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
