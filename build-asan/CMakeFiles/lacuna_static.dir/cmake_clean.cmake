file(REMOVE_RECURSE
  "liblacuna.a"
  "liblacuna.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lacuna_static.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
