file(REMOVE_RECURSE
  "CMakeFiles/lacuna_tool.dir/args.c.o"
  "CMakeFiles/lacuna_tool.dir/args.c.o.d"
  "CMakeFiles/lacuna_tool.dir/bench_mm.c.o"
  "CMakeFiles/lacuna_tool.dir/bench_mm.c.o.d"
  "CMakeFiles/lacuna_tool.dir/bench_mm_ref.c.o"
  "CMakeFiles/lacuna_tool.dir/bench_mm_ref.c.o.d"
  "CMakeFiles/lacuna_tool.dir/bench_mm_run.c.o"
  "CMakeFiles/lacuna_tool.dir/bench_mm_run.c.o.d"
  "CMakeFiles/lacuna_tool.dir/bench_stream.c.o"
  "CMakeFiles/lacuna_tool.dir/bench_stream.c.o.d"
  "CMakeFiles/lacuna_tool.dir/convert.c.o"
  "CMakeFiles/lacuna_tool.dir/convert.c.o.d"
  "CMakeFiles/lacuna_tool.dir/gen.c.o"
  "CMakeFiles/lacuna_tool.dir/gen.c.o.d"
  "CMakeFiles/lacuna_tool.dir/json.c.o"
  "CMakeFiles/lacuna_tool.dir/json.c.o.d"
  "CMakeFiles/lacuna_tool.dir/lacuna.c.o"
  "CMakeFiles/lacuna_tool.dir/lacuna.c.o.d"
  "CMakeFiles/lacuna_tool.dir/report.c.o"
  "CMakeFiles/lacuna_tool.dir/report.c.o.d"
  "CMakeFiles/lacuna_tool.dir/sysinfo.c.o"
  "CMakeFiles/lacuna_tool.dir/sysinfo.c.o.d"
  "lacuna"
  "lacuna.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lacuna_tool.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
