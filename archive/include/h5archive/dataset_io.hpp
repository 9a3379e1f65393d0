// Writing and reading archive quantities in HDF5 files, with NOMAD's
// "require dataset" rules. Every function opens and closes the file itself.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "h5archive/array.hpp"

namespace h5archive {

/// A value for an HDF5 attribute: a string, a list of strings, or an array
/// (an empty float64 array stands for NOMAD's `paths=[]`).
struct AttributeValue {
  enum class Kind { string, strings, array } kind = Kind::string;
  std::string string;
  std::vector<std::string> strings;
  Array array;

  static AttributeValue of(std::string s);
  static AttributeValue of(std::vector<std::string> s);
  static AttributeValue of(Array a);
};

/// Name/value pairs written in order.
using Attributes = std::vector<std::pair<std::string, AttributeValue>>;

/// Writes `value` at `dataset_path` in `file` (created if missing; the folder
/// must exist, else NotFoundError naming it). Intermediate groups are created.
/// If a dataset exists there: the shape must be identical, else
/// TypeMismatchError "Shapes do not match (existing (3,) vs new (4,))"; the new
/// dtype must cast safely into the stored one, which is kept, else
/// "Datatypes cannot be safely cast (existing float64 vs new complex128)".
/// A group in the way gives TypeMismatchError
/// "Incompatible object (Group) already exists". On any error the file keeps
/// its previous content. New datasets are contiguous, uncompressed.
/// `attributes` are written on the dataset (overwriting same-named ones).
void write_dataset(const std::filesystem::path& file, const std::string& dataset_path,
                   const Array& value, const Attributes& attributes = {});
/// write_dataset() of numbers or bools straight from a view's buffer: no
/// copy when the stored dtype is the view's (HDF5 reads the buffer itself).
/// Same rules and messages.
void write_dataset(const std::filesystem::path& file, const std::string& dataset_path,
                   ArrayView value, const Attributes& attributes = {});

/// Writes `attributes` on the group at `group_path` (created if missing).
void write_group_attributes(const std::filesystem::path& file, const std::string& group_path,
                            const Attributes& attributes);

/// Creates (or replaces) an external link at `link_path` in `file` pointing to
/// `target_path` in `target_file` (stored as given: pass a relative name).
void write_external_link(const std::filesystem::path& file, const std::string& link_path,
                         const std::string& target_file, const std::string& target_path);

/// A hyperslab: start and count per dimension (no stride).
struct Hyperslab {
  std::vector<std::uint64_t> start;
  std::vector<std::uint64_t> count;
};

/// Reads a whole dataset, or a hyperslab of it, in its stored dtype.
/// NotFoundError names the file or the dataset if missing; ValueError names
/// the selection if it does not fit the dataset's shape.
Array read_dataset(const std::filesystem::path& file, const std::string& dataset_path,
                   const std::optional<Hyperslab>& slab = std::nullopt);

/// Reads and requires `expected` as the stored dtype: TypeMismatchError
/// "Dataset /data/value in <file> is float64, not int32" otherwise.
Array read_dataset_as(const std::filesystem::path& file, const std::string& dataset_path,
                      DType expected, const std::optional<Hyperslab>& slab = std::nullopt);

/// A strided hyperslab (numpy's `start:stop:step` on every axis) and the
/// shape the selected elements are returned in: it has the same element count
/// as `count` but may drop axes (an integer index) or be 0-d. Built by
/// resolve() in selection.hpp; every vector has the dataset's rank.
struct StridedSlab {
  std::vector<std::uint64_t> start;
  std::vector<std::uint64_t> count;
  std::vector<std::uint64_t> stride;  ///< >= 1 on every axis
  Shape result_shape;
};

/// Reads the elements of `slab` in the stored dtype (strings too) with one
/// strided HDF5 hyperslab selection. ValueError names the slab, dataset and
/// shape if it does not fit; NotFoundError as read_dataset().
Array read_dataset_strided(const std::filesystem::path& file, const std::string& dataset_path,
                           const StridedSlab& slab);

/// Reads the elements of `slab` straight into `buffer` (row-major, native
/// byte order, `mem_dtype` elements; bool as one byte 0/1) with no
/// intermediate copy when HDF5 converts the stored type itself (same type,
/// integer/float widening, complex widening). Other safe casts (bool or
/// integer to complex, bool to a number) go through one temporary of the
/// slab's size. Numeric and bool only: TypeMismatchError for string datasets
/// or `mem_dtype`s, or unless can_cast_safely(stored, mem_dtype), naming both
/// dtypes; ValueError naming both sizes if `buffer_bytes` is too small.
void read_dataset_into(const std::filesystem::path& file, const std::string& dataset_path,
                       const StridedSlab& slab, void* buffer, std::size_t buffer_bytes,
                       DType mem_dtype);

/// Shape and dtype of a stored dataset without reading its data.
struct DatasetInfo {
  Shape shape;
  DType dtype;
  std::size_t string_size = 0;
};
DatasetInfo dataset_info(const std::filesystem::path& file, const std::string& dataset_path);

/// Reads a string (or string-list joined by none) attribute; nullopt if absent.
std::optional<std::string> read_string_attribute(const std::filesystem::path& file,
                                                 const std::string& object_path,
                                                 const std::string& name);

}  // namespace h5archive
