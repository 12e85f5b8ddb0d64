file(REMOVE_RECURSE
  "CMakeFiles/test_nm.dir/test_nm.c.o"
  "CMakeFiles/test_nm.dir/test_nm.c.o.d"
  "test_nm"
  "test_nm.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_nm.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
