file(REMOVE_RECURSE
  "CMakeFiles/test_optimize.dir/test_optimize.c.o"
  "CMakeFiles/test_optimize.dir/test_optimize.c.o.d"
  "test_optimize"
  "test_optimize.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_optimize.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
