// Internal: the pieces of dataset_io.cpp's require-dataset logic that other
// writers (the streaming QuantityWriter) share, so the rules exist once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "h5archive/dataset_io.hpp"
#include "hdf5_handle.hpp"
#include "hdf5_types.hpp"

namespace h5archive::detail {

/// "[1, 2, 3]": an offset or count in messages.
std::string list_str(const std::vector<std::uint64_t>& v);

/// "/a/b" for "a//b/" etc.; ValueError if the path names the root.
std::string normalized_dataset_path(const std::string& path);

/// Opens `file` read-only (NotFoundError naming `object_path` if missing);
/// below a staging root through the staging driver.
Hid open_file_for_reading(const std::filesystem::path& file, const std::string& object_path);

/// Opens dataset `path` of the open file `f` (named `file`) with access list
/// `dapl`; in a staged file, refuses one with external storage or outside virtual sources
/// (refuse_unsafe_storage). `what` names it in messages.
Hid open_dataset(hid_t f, const std::string& path, hid_t dapl, const std::filesystem::path& file,
                 const std::string& what);

/// Opens `file` read-write, creating it if missing (NotFoundError if its
/// folder does not exist), with file-access list `fapl`.
Hid open_file_for_writing(const std::filesystem::path& file, hid_t fapl = H5P_DEFAULT);

/// Closes a file that was written, throwing HDF5Error if the final flush fails.
void close_written_file(Hid& file, const std::filesystem::path& name);

/// The dataset at normalised `path` of open file `f`, opened for rewriting, or
/// an invalid Hid if nothing is there. A group, link or other object in the
/// way (or as a parent) gives h5py's "Incompatible object (...)" error.
Hid open_existing_dataset_for_writing(hid_t f, const std::string& path,
                                      const std::filesystem::path& file);

/// h5py's require-dataset shape rule: TypeMismatchError "Shapes do not match
/// (existing <e> vs new <n>) for <what>" unless `same`. The shapes are passed
/// as text so that an unlimited axis can be shown ("(None, 3)").
void check_reassigned_shape(bool same, const std::string& existing, const std::string& requested,
                            const std::string& what);

/// h5py's require-dataset dtype rule: returns the stored type, which is kept;
/// TypeMismatchError "Datatypes cannot be safely cast (existing <e> vs new
/// <n>) for <what>" unless `dtype` casts safely into it.
StoredType check_reassigned_dtype(hid_t dataset, DType dtype, std::size_t string_size,
                                  const std::string& what);

/// A link-creation property list that creates missing parent groups.
Hid intermediate_groups_lcpl();

/// The shape of a dataspace (empty for scalars).
Shape dataspace_shape(hid_t space, const std::string& what);

/// Writes (replacing same-named) attributes on an open object.
void write_object_attributes(hid_t obj, const Attributes& attributes, const std::string& where);

}  // namespace h5archive::detail
