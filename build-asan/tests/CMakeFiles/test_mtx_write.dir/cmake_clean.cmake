file(REMOVE_RECURSE
  "CMakeFiles/test_mtx_write.dir/test_mtx_write.c.o"
  "CMakeFiles/test_mtx_write.dir/test_mtx_write.c.o.d"
  "test_mtx_write"
  "test_mtx_write.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_mtx_write.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
