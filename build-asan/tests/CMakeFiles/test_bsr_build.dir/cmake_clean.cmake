file(REMOVE_RECURSE
  "CMakeFiles/test_bsr_build.dir/test_bsr_build.c.o"
  "CMakeFiles/test_bsr_build.dir/test_bsr_build.c.o.d"
  "test_bsr_build"
  "test_bsr_build.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_bsr_build.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
