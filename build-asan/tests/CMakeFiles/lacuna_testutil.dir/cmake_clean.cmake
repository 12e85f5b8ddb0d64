file(REMOVE_RECURSE
  "CMakeFiles/lacuna_testutil.dir/common/bsr_raw.c.o"
  "CMakeFiles/lacuna_testutil.dir/common/bsr_raw.c.o.d"
  "CMakeFiles/lacuna_testutil.dir/common/nm_cases.c.o"
  "CMakeFiles/lacuna_testutil.dir/common/nm_cases.c.o.d"
  "CMakeFiles/lacuna_testutil.dir/common/testutil.c.o"
  "CMakeFiles/lacuna_testutil.dir/common/testutil.c.o.d"
  "liblacuna_testutil.a"
  "liblacuna_testutil.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lacuna_testutil.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
