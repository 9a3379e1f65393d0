// Internal: in-file paths and what is at them, shared by the writers
// (dataset_io.cpp) and the readers (dataset_read.cpp).
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "h5archive/array.hpp"
#include "hdf5_handle.hpp"

namespace h5archive::detail {

/// The components of an in-file path, empty parts dropped ("a//b" = "/a/b").
std::vector<std::string> split_path(const std::string& path);
/// "/a/b" from the first `n` parts ("/" for none), or from all of them.
std::string join_path(const std::vector<std::string>& parts, std::size_t n);
std::string join_path(const std::vector<std::string>& parts);

/// What a path in a file leads to.
enum class Kind { missing, group, dataset, datatype, link, broken };
/// "Group", "Dataset", ... as h5py's messages name them.
const char* kind_name(Kind k);
/// What is at `parts` in the open file `f`, following links (readers).
Kind find(hid_t f, const std::vector<std::string>& parts);

/// Whether probe() looks through soft and external links (readers) or stops
/// at them (writers).
enum class Links { follow, stop };
/// What is at `path` in `file`, whose parent group exists; `wanted` names the
/// object asked for in messages (HDF5Error for an unreadable one).
Kind probe(hid_t file, const std::string& path, Links links, const std::string& wanted);

/// The components of `path` (ValueError naming `what` if there are none).
std::vector<std::string> nonempty_parts(const std::string& path, const char* what);
/// Checks that every parent of the object at `parts` is a group or missing
/// (TypeMismatchError otherwise) and returns what is at the object itself,
/// not following links (writers).
Kind probe_path(hid_t f, const std::vector<std::string>& parts, const std::filesystem::path& file);
/// Creates the missing groups among the first `count` parts, each written to
/// disk before a link leads to it.
void require_groups(hid_t f, const std::vector<std::string>& parts, std::size_t count,
                    const std::filesystem::path& file);

/// h5py's "Incompatible object (<kind>) already exists at <path> in <file>".
[[noreturn]] void incompatible(Kind k, const std::string& path, const std::filesystem::path& file);

/// The shape of a dataspace, its element count and byte size (`item_size`
/// each) checked; `what` names it in messages.
Shape space_shape(hid_t space, const std::string& what, std::size_t item_size = 1);
/// A simple dataspace of `shape` (scalar for an empty shape).
Hid make_space(const Shape& shape);

}  // namespace h5archive::detail
