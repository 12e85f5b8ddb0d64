file(REMOVE_RECURSE
  "CMakeFiles/test_sum.dir/test_sum.c.o"
  "CMakeFiles/test_sum.dir/test_sum.c.o.d"
  "test_sum"
  "test_sum.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_sum.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
