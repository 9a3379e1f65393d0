// Internal: a dataset opened once for any number of reads, so that streaming
// a selection block by block opens the file and walks the path once, not
// once per block (selection_stream.cpp).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "h5archive/dataset_io.hpp"
#include "h5archive/selection.hpp"
#include "hdf5_handle.hpp"

namespace h5archive::detail {

/// A dataset open for reading, with the file that holds it open.
struct OpenDataset {
  Hid file;
  Hid dataset;
  std::string path;  ///< normalised
  std::string what;  ///< "Dataset /x in <file>", for messages
};

/// Opens the dataset at `dataset_path` in `file`: NotFoundError if nothing is
/// there, TypeMismatchError naming the kind of a group or other object.
OpenDataset open_for_reading(const std::filesystem::path& file, const std::string& dataset_path);

/// dataset_info() of an open dataset.
DatasetInfo info_of(const OpenDataset& d);
/// dataset_info() of an open dataset handle, named `what` in messages.
DatasetInfo info_of(hid_t dataset, const std::string& what);

/// read_string_attribute() of an open object (nullopt if it has no attribute
/// `name`); `what` names the attribute in messages.
std::optional<std::string> string_attribute(hid_t object, const std::string& name,
                                            const std::string& what);
/// The value of an open string attribute, its elements joined; TypeMismatchError
/// "<what> is <dtype>, not a string" for another type.
std::string string_attribute_value(hid_t attr, const std::string& what);

/// read_dataset_strided() from an open dataset.
Array read_strided(const OpenDataset& d, const StridedSlab& slab);

/// read_dataset_into() from an open dataset (the same checks and errors).
void read_into(const OpenDataset& d, const StridedSlab& slab, void* buffer,
               std::size_t buffer_bytes, DType mem_dtype);

}  // namespace h5archive::detail
