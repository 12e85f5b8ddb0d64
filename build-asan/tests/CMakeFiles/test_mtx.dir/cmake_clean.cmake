file(REMOVE_RECURSE
  "CMakeFiles/test_mtx.dir/test_mtx.c.o"
  "CMakeFiles/test_mtx.dir/test_mtx.c.o.d"
  "test_mtx"
  "test_mtx.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_mtx.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
