# An HDF5 given as one shared library plus a folder of headers, instead of an
# installed HDF5 with its CMake package: how the Python wheel (python/, `make
# wheel`) builds against the libhdf5 inside h5py's wheel (h5py.libs/, renamed
# by auditwheel, no headers, no CMake files). The headers come from elsewhere
# (tools/bootstrap.sh unpacks Debian's libhdf5-dev for 2.x) and must be of the
# library's major.minor: that is checked here against H5ARCHIVE_HDF5_LIBRARY_VERSION
# when the caller knows it (the wheel build asks h5py).
#
# Defines the imported target hdf5-shared the rest of the build links to, and
# HDF5_VERSION, H5ARCHIVE_HDF5_PREFIX, H5ARCHIVE_HDF5_LIBDIR, H5ARCHIVE_HDF5_BIN.
set(H5ARCHIVE_HDF5_INCLUDE_DIR "" CACHE PATH "Headers of the HDF5 given by H5ARCHIVE_HDF5_LIBRARY")
set(H5ARCHIVE_HDF5_LIBRARY_VERSION "" CACHE STRING "Version the given libhdf5 reports (checked against the headers)")

if(NOT EXISTS "${H5ARCHIVE_HDF5_LIBRARY}")
  message(FATAL_ERROR "H5ARCHIVE_HDF5_LIBRARY=${H5ARCHIVE_HDF5_LIBRARY} does not exist")
endif()
if(NOT EXISTS "${H5ARCHIVE_HDF5_INCLUDE_DIR}/H5public.h")
  message(FATAL_ERROR "H5ARCHIVE_HDF5_INCLUDE_DIR=${H5ARCHIVE_HDF5_INCLUDE_DIR} has no H5public.h; "
                      "tools/bootstrap.sh unpacks HDF5 2.x headers into ~/.cache/h5archive")
endif()

file(STRINGS "${H5ARCHIVE_HDF5_INCLUDE_DIR}/H5public.h" _h5_vers
     REGEX "^#define H5_VERS_(MAJOR|MINOR|RELEASE)[ \t]+[0-9]+")
foreach(_part MAJOR MINOR RELEASE)
  string(REGEX REPLACE ".*#define H5_VERS_${_part}[ \t]+([0-9]+).*" "\\1" _h5_${_part} "${_h5_vers}")
endforeach()
set(HDF5_VERSION "${_h5_MAJOR}.${_h5_MINOR}.${_h5_RELEASE}")
if(NOT (HDF5_VERSION VERSION_GREATER_EQUAL 1.14 AND HDF5_VERSION VERSION_LESS 3))
  message(FATAL_ERROR "HDF5 headers ${HDF5_VERSION} in ${H5ARCHIVE_HDF5_INCLUDE_DIR}: h5archive "
                      "needs 1.14.x or 2.x")
endif()
# A release within the same major.minor keeps the VOL and driver structures
# (checked for 2.0 against 2.2, docs/python.md); across minors it need not.
if(H5ARCHIVE_HDF5_LIBRARY_VERSION)
  string(REGEX MATCH "^[0-9]+\\.[0-9]+" _lib_minor "${H5ARCHIVE_HDF5_LIBRARY_VERSION}")
  if(NOT _lib_minor STREQUAL "${_h5_MAJOR}.${_h5_MINOR}" AND NOT
     (_h5_MAJOR EQUAL 2 AND _lib_minor MATCHES "^2\\."))
    message(FATAL_ERROR "libhdf5 ${H5ARCHIVE_HDF5_LIBRARY_VERSION} (${H5ARCHIVE_HDF5_LIBRARY}) "
                        "does not match the headers ${HDF5_VERSION} in ${H5ARCHIVE_HDF5_INCLUDE_DIR}")
  endif()
endif()

add_library(hdf5-shared SHARED IMPORTED GLOBAL)
set_target_properties(hdf5-shared PROPERTIES
  IMPORTED_LOCATION "${H5ARCHIVE_HDF5_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${H5ARCHIVE_HDF5_INCLUDE_DIR}")
message(STATUS "HDF5 headers ${HDF5_VERSION} from ${H5ARCHIVE_HDF5_INCLUDE_DIR}, "
               "library ${H5ARCHIVE_HDF5_LIBRARY} (${H5ARCHIVE_HDF5_LIBRARY_VERSION})")
get_filename_component(H5ARCHIVE_HDF5_LIBDIR "${H5ARCHIVE_HDF5_LIBRARY}" DIRECTORY)
get_filename_component(H5ARCHIVE_HDF5_PREFIX "${H5ARCHIVE_HDF5_LIBDIR}/.." ABSOLUTE)
# No HDF5 tools come with a wheel's library: tests that run h5dump are not built.
set(H5ARCHIVE_HDF5_BIN "")
# Proof at link time that every HDF5 symbol the libraries use is exported by
# this very library (2.2 headers may declare what a 2.0 library lacks).
add_link_options(LINKER:--no-undefined)
# Some wheels' libhdf5 (h5py 3.14's) has no RPATH to find its own libsz and
# libaec beside it; a program's old-style DT_RPATH also serves the libraries
# it loads (a RUNPATH serves only the program's direct needs), so programs
# reach them through their own path to the library's folder.
add_link_options("$<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-Wl,--disable-new-dtags>")
