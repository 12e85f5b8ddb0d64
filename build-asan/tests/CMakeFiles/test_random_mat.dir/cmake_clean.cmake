file(REMOVE_RECURSE
  "CMakeFiles/test_random_mat.dir/test_random_mat.c.o"
  "CMakeFiles/test_random_mat.dir/test_random_mat.c.o.d"
  "test_random_mat"
  "test_random_mat.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_random_mat.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
