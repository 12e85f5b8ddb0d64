#----------------------------------------------------------------
# Generated CMake target import file for configuration "Debug".
#----------------------------------------------------------------

# Commands may need to know the format version.
set(CMAKE_IMPORT_FILE_VERSION 1)

# Import target "lacuna::lacuna" for configuration "Debug"
set_property(TARGET lacuna::lacuna APPEND PROPERTY IMPORTED_CONFIGURATIONS DEBUG)
set_target_properties(lacuna::lacuna PROPERTIES
  IMPORTED_LOCATION_DEBUG "${_IMPORT_PREFIX}/lib/liblacuna.so.0.1.0"
  IMPORTED_SONAME_DEBUG "liblacuna.so.0"
  )

list(APPEND _cmake_import_check_targets lacuna::lacuna )
list(APPEND _cmake_import_check_files_for_lacuna::lacuna "${_IMPORT_PREFIX}/lib/liblacuna.so.0.1.0" )

# Import target "lacuna::lacuna_static" for configuration "Debug"
set_property(TARGET lacuna::lacuna_static APPEND PROPERTY IMPORTED_CONFIGURATIONS DEBUG)
set_target_properties(lacuna::lacuna_static PROPERTIES
  IMPORTED_LINK_INTERFACE_LANGUAGES_DEBUG "C"
  IMPORTED_LOCATION_DEBUG "${_IMPORT_PREFIX}/lib/liblacuna.a"
  )

list(APPEND _cmake_import_check_targets lacuna::lacuna_static )
list(APPEND _cmake_import_check_files_for_lacuna::lacuna_static "${_IMPORT_PREFIX}/lib/liblacuna.a" )

# Commands beyond this point should not need to know the version.
set(CMAKE_IMPORT_FILE_VERSION)
