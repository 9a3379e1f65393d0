// HDF5 datatypes as h5py and h5grove describe them: numpy dtype strings,
// h5grove's TypeMeta JSON, and the memory types the API reads values in.
#pragma once

#include <hdf5.h>

#include <nlohmann/json.hpp>

#include "api_error.hpp"

namespace h5archive::serve {

/// numpy's dtype string for `type` as h5py maps it ("<f4", "|b1", "|S10",
/// "|O", "<c8"), or an object {member: dtype} for a compound that is not
/// h5py's complex {r, i}.
nlohmann::json numpy_dtype(hid_t type);

/// h5grove's TypeMeta: {"class", "dtype", "size"} plus the class's keys
/// (order, sign, cset, strpad, vlen, tag, members, base, dims).
nlohmann::json type_metadata(hid_t type);

/// h5py reads an enum {FALSE: 0, TRUE: 1} as numpy bool.
bool is_bool_enum(hid_t type);
/// h5py reads a compound of two floats named r and i as numpy complex.
bool is_complex_compound(hid_t type);
/// numpy counts it as a number or a bool: integers, floats, bitfields,
/// enums, complex. `dtype=safe` and `format=npy` take only these.
bool is_numeric(hid_t type);
/// `format=bin` also sends the raw bytes of fixed-length strings and opaque
/// data (H5Web asks for opaque values as bytes).
bool has_raw_bytes(hid_t type);

/// The type numeric values are read in for `format=bin|npy`: the stored
/// type as is (byte order kept, as h5py's `origin`), or with `safe` the
/// little-endian type of a JavaScript typed array (float16 -> float32,
/// wider floats -> float64). Compounds come packed.
Id binary_memory_type(hid_t file_type, bool safe);

/// The native type JSON values are read in (json_values.hpp walks it).
Id json_memory_type(hid_t file_type);

}  // namespace h5archive::serve
