file(REMOVE_RECURSE
  "liblacuna.pdb"
  "liblacuna.so"
  "liblacuna.so.0"
  "liblacuna.so.0.1.0"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/lacuna.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
