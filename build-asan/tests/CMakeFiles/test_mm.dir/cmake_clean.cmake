file(REMOVE_RECURSE
  "CMakeFiles/test_mm.dir/test_mm.c.o"
  "CMakeFiles/test_mm.dir/test_mm.c.o.d"
  "test_mm"
  "test_mm.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_mm.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
