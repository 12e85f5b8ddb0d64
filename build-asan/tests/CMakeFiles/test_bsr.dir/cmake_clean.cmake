file(REMOVE_RECURSE
  "CMakeFiles/test_bsr.dir/test_bsr.c.o"
  "CMakeFiles/test_bsr.dir/test_bsr.c.o.d"
  "test_bsr"
  "test_bsr.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_bsr.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
