// Values read from HDF5 as JSON text the way h5grove (numpy + orjson) prints
// them: nested lists, float32 in its shortest form, NaN and infinities as
// null, complex as [re, im], strings decoded, compounds as lists.
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <string>
#include <vector>

namespace h5archive::serve {

/// Appends `count` elements of the native memory type `type` (see
/// json_memory_type) at `data` to `out`: as one value if `shape` is empty
/// (count 1), else nested by `shape` (a flat list when `flatten`).
void append_json_values(std::string& out, hid_t type, const unsigned char* data,
                        const std::vector<hsize_t>& shape, bool flatten);

/// Appends one JSON string (escaped; invalid UTF-8 replaced).
void append_json_string(std::string& out, const std::string& text);

}  // namespace h5archive::serve
