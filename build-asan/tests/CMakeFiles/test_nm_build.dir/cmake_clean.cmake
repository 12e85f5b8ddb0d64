file(REMOVE_RECURSE
  "CMakeFiles/test_nm_build.dir/test_nm_build.c.o"
  "CMakeFiles/test_nm_build.dir/test_nm_build.c.o.d"
  "test_nm_build"
  "test_nm_build.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_nm_build.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
