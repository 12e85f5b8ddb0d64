file(REMOVE_RECURSE
  "CMakeFiles/test_lowrank.dir/test_lowrank.c.o"
  "CMakeFiles/test_lowrank.dir/test_lowrank.c.o.d"
  "test_lowrank"
  "test_lowrank.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_lowrank.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
