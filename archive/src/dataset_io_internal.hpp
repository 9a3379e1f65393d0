// Internal: what is at in-file paths, shared by the writers
// (dataset_io.cpp) and the readers (dataset_read.cpp).
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "h5archive/array.hpp"
#include "h5archive/hdf5.hpp"
#include "hdf5_handle.hpp"

namespace h5archive::detail {

using hdf5::InFilePath;

/// What a path in a file leads to.
enum class Kind { missing, group, dataset, datatype, link, broken };
/// "Group", "Dataset", ... as h5py's messages name them.
const char* kind_name(Kind k);
/// What is at `path` in the open file `f`, following links (readers).
Kind find(hid_t f, const InFilePath& path);

/// Whether probe() looks through soft and external links (readers) or stops
/// at them (writers).
enum class Links { follow, stop };
/// What is at `path` in `file`, whose parent group exists; `wanted` names the
/// object asked for in messages (HDF5Error for an unreadable one).
Kind probe(hid_t file, const std::string& path, Links links, const std::string& wanted);

/// `path` parsed (ValueError naming `what` if it names the root).
InFilePath non_root_path(const std::string& path, const char* what);
/// Checks that every parent of the object at `path` is a group or missing
/// (TypeMismatchError otherwise) and returns what is at the object itself,
/// not following links (writers).
Kind probe_path(hid_t f, const InFilePath& path, const std::filesystem::path& file);
/// Creates the missing groups among the first `count` parts of `object`,
/// each written to disk before a link leads to it; `object` names what they
/// are for in messages.
void require_groups(hid_t f, const InFilePath& object, std::size_t count,
                    const std::filesystem::path& file);

/// h5py's "Incompatible object (<kind>) already exists at <path> in <file>".
[[noreturn]] void incompatible(Kind k, const std::string& path, const std::filesystem::path& file);

/// The shape of a dataspace, its element count and byte size (`item_size`
/// each) checked; `what` names it in messages.
Shape space_shape(hid_t space, const std::string& what, std::size_t item_size = 1);
/// A simple dataspace of `shape` (scalar for an empty shape).
Hid make_space(const Shape& shape);

}  // namespace h5archive::detail
