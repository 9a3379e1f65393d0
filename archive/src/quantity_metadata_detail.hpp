// Internal: a quantity's metadata read from a dataset that is already open,
// so that a writer can record it without opening the file again.
#pragma once

#include <hdf5.h>

#include <filesystem>
#include <string>

#include "h5archive/quantity_metadata.hpp"

namespace h5archive::detail {

/// read_quantity_metadata() of the open `dataset` at normalised `path` of
/// `file` (both only name it in messages): the same shape, dtype, unit,
/// layout and statistics, read from the handle.
QuantityMetadata dataset_metadata(hid_t dataset, const std::filesystem::path& file,
                                  const std::string& path);

}  // namespace h5archive::detail
