
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/wt-lowrank/tools/args.c" "tools/CMakeFiles/lacuna_tool.dir/args.c.o" "gcc" "tools/CMakeFiles/lacuna_tool.dir/args.c.o.d"
  "/work/wt-lowrank/tools/bench_mm.c" "tools/CMakeFiles/lacuna_tool.dir/bench_mm.c.o" "gcc" "tools/CMakeFiles/lacuna_tool.dir/bench_mm.c.o.d"
  "/work/wt-lowrank/tools/bench_mm_ref.c" "tools/CMakeFiles/lacuna_tool.dir/bench_mm_ref.c.o" "gcc" "tools/CMakeFiles/lacuna_tool.dir/bench_mm_ref.c.o.d"
  "/work/wt-lowrank/tools/bench_mm_run.c" "tools/CMakeFiles/lacuna_tool.dir/bench_mm_run.c.o" "gcc" "tools/CMakeFiles/lacuna_tool.dir/bench_mm_run.c.o.d"
  "/work/wt-lowrank/tools/bench_stream.c" "tools/CMakeFiles/lacuna_tool.dir/bench_stream.c.o" "gcc" "tools/CMakeFiles/lacuna_tool.dir/bench_stream.c.o.d"
  "/work/wt-lowrank/tools/convert.c" "tools/CMakeFiles/lacuna_tool.dir/convert.c.o" "gcc" "tools/CMakeFiles/lacuna_tool.dir/convert.c.o.d"
  "/work/wt-lowrank/tools/gen.c" "tools/CMakeFiles/lacuna_tool.dir/gen.c.o" "gcc" "tools/CMakeFiles/lacuna_tool.dir/gen.c.o.d"
  "/work/wt-lowrank/tools/json.c" "tools/CMakeFiles/lacuna_tool.dir/json.c.o" "gcc" "tools/CMakeFiles/lacuna_tool.dir/json.c.o.d"
  "/work/wt-lowrank/tools/lacuna.c" "tools/CMakeFiles/lacuna_tool.dir/lacuna.c.o" "gcc" "tools/CMakeFiles/lacuna_tool.dir/lacuna.c.o.d"
  "/work/wt-lowrank/tools/report.c" "tools/CMakeFiles/lacuna_tool.dir/report.c.o" "gcc" "tools/CMakeFiles/lacuna_tool.dir/report.c.o.d"
  "/work/wt-lowrank/tools/sysinfo.c" "tools/CMakeFiles/lacuna_tool.dir/sysinfo.c.o" "gcc" "tools/CMakeFiles/lacuna_tool.dir/sysinfo.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/wt-lowrank/build-asan/CMakeFiles/lacuna_static.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
