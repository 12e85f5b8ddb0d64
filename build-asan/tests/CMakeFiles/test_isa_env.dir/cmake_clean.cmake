file(REMOVE_RECURSE
  "CMakeFiles/test_isa_env.dir/test_isa_env.c.o"
  "CMakeFiles/test_isa_env.dir/test_isa_env.c.o.d"
  "test_isa_env"
  "test_isa_env.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_isa_env.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
