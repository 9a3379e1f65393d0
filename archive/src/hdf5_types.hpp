// Internal: how each DType is stored in HDF5 and read back. The stored types
// are the ones h5py writes for the matching numpy dtype, so files written here
// read in h5py as the same numpy arrays.
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <string>

#include "h5archive/dtype.hpp"
#include "hdf5_handle.hpp"

namespace h5archive::detail {

/// The HDF5 type of new datasets and attributes: little-endian integers and
/// IEEE floats; bool as an enum of int8 {FALSE=0, TRUE=1}; complex as a
/// compound {"r", "i"}; fixed strings as null-padded UTF-8 of `string_size`
/// bytes; variable strings as variable-length UTF-8.
Hid file_type(DType dtype, std::size_t string_size = 0);

/// The HDF5 type describing an Array's elements in memory (native byte
/// order; bool one byte 0/1; variable strings as `char*` pointers).
Hid memory_type(DType dtype, std::size_t string_size = 0);

/// The dtype an HDF5 type reads as.
struct StoredType {
  DType dtype;
  std::size_t string_size = 0;  ///< fixed strings only
};

/// Maps a dataset's or attribute's HDF5 type back to a DType; throws
/// TypeMismatchError naming the HDF5 type class (e.g. "H5T_OPAQUE") for types
/// h5archive does not handle. `what` names the object in the message.
StoredType stored_type(hid_t type, const std::string& what);

/// "H5T_INTEGER", "H5T_COMPOUND", ...
std::string type_class_name(H5T_class_t cls);

}  // namespace h5archive::detail
