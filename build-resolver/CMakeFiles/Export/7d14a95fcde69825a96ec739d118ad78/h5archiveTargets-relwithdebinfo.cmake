#----------------------------------------------------------------
# Generated CMake target import file for configuration "RelWithDebInfo".
#----------------------------------------------------------------

# Commands may need to know the format version.
set(CMAKE_IMPORT_FILE_VERSION 1)

# Import target "h5archive::h5archive" for configuration "RelWithDebInfo"
set_property(TARGET h5archive::h5archive APPEND PROPERTY IMPORTED_CONFIGURATIONS RELWITHDEBINFO)
set_target_properties(h5archive::h5archive PROPERTIES
  IMPORTED_LINK_DEPENDENT_LIBRARIES_RELWITHDEBINFO "fmt::fmt"
  IMPORTED_LOCATION_RELWITHDEBINFO "${_IMPORT_PREFIX}/lib/libh5archive.so.0.1.0"
  IMPORTED_SONAME_RELWITHDEBINFO "libh5archive.so.0"
  )

list(APPEND _cmake_import_check_targets h5archive::h5archive )
list(APPEND _cmake_import_check_files_for_h5archive::h5archive "${_IMPORT_PREFIX}/lib/libh5archive.so.0.1.0" )

# Import target "h5archive::h5archive_vol" for configuration "RelWithDebInfo"
set_property(TARGET h5archive::h5archive_vol APPEND PROPERTY IMPORTED_CONFIGURATIONS RELWITHDEBINFO)
set_target_properties(h5archive::h5archive_vol PROPERTIES
  IMPORTED_LINK_DEPENDENT_LIBRARIES_RELWITHDEBINFO "h5archive::h5archive;fmt::fmt"
  IMPORTED_LOCATION_RELWITHDEBINFO "${_IMPORT_PREFIX}/lib/hdf5/plugin/libh5archive_vol.so"
  IMPORTED_SONAME_RELWITHDEBINFO "libh5archive_vol.so"
  )

list(APPEND _cmake_import_check_targets h5archive::h5archive_vol )
list(APPEND _cmake_import_check_files_for_h5archive::h5archive_vol "${_IMPORT_PREFIX}/lib/hdf5/plugin/libh5archive_vol.so" )

# Commands beyond this point should not need to know the version.
set(CMAKE_IMPORT_FILE_VERSION)
