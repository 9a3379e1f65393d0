# Wheel build (scikit-build-core): the HDF5 to link is the one inside the h5py
# installed next to the building Python. Sets H5ARCHIVE_HDF5_LIBRARY and
# H5ARCHIVE_HDF5_LIBRARY_VERSION for cmake/GivenHDF5.cmake, and
# H5ARCHIVE_H5PY_VERSION for the package (python/CMakeLists.txt).
# The headers are given: H5ARCHIVE_HDF5_INCLUDE_DIR (tools/wheel.sh passes them).
find_package(Python COMPONENTS Interpreter REQUIRED)
execute_process(
  COMMAND "${Python_EXECUTABLE}" -c [=[
import glob, os, h5py
libs = os.path.join(os.path.dirname(os.path.dirname(h5py.__file__)), "h5py.libs")
found = sorted(glob.glob(os.path.join(libs, "libhdf5-*.so*")))
print(";".join([h5py.__version__, h5py.version.hdf5_version] + found))
]=]
  OUTPUT_VARIABLE _h5py OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${Python_EXECUTABLE} cannot import h5py: the wheel is built against "
                      "the HDF5 inside h5py's wheel (pip install h5py)")
endif()
list(LENGTH _h5py _n)
if(NOT _n EQUAL 3)
  message(FATAL_ERROR "h5py in ${Python_EXECUTABLE} bundles no single h5py.libs/libhdf5-*.so "
                      "(found: ${_h5py}); a wheel from PyPI does, a source build does not")
endif()
list(GET _h5py 0 H5ARCHIVE_H5PY_VERSION)
list(GET _h5py 1 _hdf5_version)
list(GET _h5py 2 _hdf5_library)
set(H5ARCHIVE_HDF5_LIBRARY "${_hdf5_library}" CACHE FILEPATH "" FORCE)
set(H5ARCHIVE_HDF5_LIBRARY_VERSION "${_hdf5_version}" CACHE STRING "" FORCE)
message(STATUS "h5py ${H5ARCHIVE_H5PY_VERSION} bundles HDF5 ${_hdf5_version}: ${_hdf5_library}")
# Without H5ARCHIVE_HDF5_INCLUDE_DIR (a plain `pip wheel .`): the bootstrap's
# headers for that HDF5, as tools/wheel.sh would pass them.
if(NOT H5ARCHIVE_HDF5_INCLUDE_DIR)
  set(_cache "$ENV{H5ARCHIVE_CACHE}")
  if(NOT _cache)
    set(_cache "$ENV{HOME}/.cache/h5archive")
  endif()
  if(_hdf5_version MATCHES "^2\\.")
    set(_headers "$ENV{H5ARCHIVE_HDF5_2_HEADERS}")
    if(NOT _headers)
      set(_headers "${_cache}/hdf5-headers-2.2.0")
    endif()
  else()
    set(_headers "$ENV{H5ARCHIVE_HDF5_PREFIX}")
    if(NOT _headers)
      set(_headers "${_cache}/hdf5-1.14.5")
    endif()
  endif()
  set(H5ARCHIVE_HDF5_INCLUDE_DIR "${_headers}/include" CACHE PATH "")
endif()

# The wheel should need nothing from the system beyond the C/C++ runtime:
# fmt is used header-only there, so no libfmt.so.9 is needed (--as-needed
# drops the library the imported target still names).
find_package(fmt REQUIRED)
set_target_properties(fmt::fmt PROPERTIES INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY=1)
add_link_options(LINKER:--as-needed)
