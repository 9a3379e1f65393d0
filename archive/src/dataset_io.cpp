#include "h5archive/dataset_io.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <system_error>

#include "dataset_io_detail.hpp"
#include "dataset_io_internal.hpp"
#include "h5archive/checked_size.hpp"
#include "h5archive/staging_driver.hpp"
#include "hdf5_handle.hpp"
#include "hdf5_types.hpp"
#include "require_dataset.hpp"
#include "staged_open.hpp"

namespace h5archive {

AttributeValue AttributeValue::of(std::string s) {
  AttributeValue v;
  v.kind = Kind::string;
  v.string = std::move(s);
  return v;
}

AttributeValue AttributeValue::of(std::vector<std::string> s) {
  AttributeValue v;
  v.kind = Kind::strings;
  v.strings = std::move(s);
  return v;
}

AttributeValue AttributeValue::of(Array a) {
  AttributeValue v;
  v.kind = Kind::array;
  v.array = std::move(a);
  return v;
}

namespace {

using detail::check;
using detail::checked;
using detail::Hid;
using detail::list_str;
using detail::QuietErrors;

namespace fs = std::filesystem;

using detail::find;
using detail::incompatible;
using detail::InFilePath;
using detail::Kind;
using detail::kind_name;
using detail::Links;
using detail::make_space;
using detail::non_root_path;
using detail::probe;
using detail::probe_path;
using detail::require_groups;
using detail::space_shape;

// ---------------------------------------------------------------- buffers

// An Array's elements laid out for HDF5 in a given dtype. Numeric arrays of
// that dtype are used in place (no copy: a quantity can be gigabytes);
// other dtypes are cast first; strings become char* or fixed-size records.
struct WriteBuffer {
  Hid type;
  const void* data = nullptr;
  Array converted;
  std::vector<const char*> pointers;
  std::vector<char> records;
};

WriteBuffer write_buffer(ArrayView value, DType dtype) {
  WriteBuffer b;
  b.type = detail::memory_type(dtype, 0);
  if (value.dtype() == dtype) {
    b.data = value.data();
  } else {
    b.converted = value.cast_to(dtype);
    b.data = b.converted.bytes().data();
  }
  return b;
}

WriteBuffer write_buffer(const Array& value, DType dtype, std::size_t string_size) {
  if (!is_string(dtype)) return write_buffer(value.view(), dtype);
  WriteBuffer b;
  b.type = detail::memory_type(dtype, string_size);
  if (dtype == DType::variable_string) {
    for (const auto& s : value.strings()) b.pointers.push_back(s.c_str());
    b.data = b.pointers.data();
  } else {
    const auto& strings = value.strings();
    b.records.assign(
        allocatable(Shape{strings.size()}, string_size,
                    "The " + dtype_name(dtype, string_size) + " records of an array to write"),
        '\0');
    for (std::size_t i = 0; i < strings.size(); ++i)
      std::memcpy(b.records.data() + i * string_size, strings[i].data(),
                  std::min(strings[i].size(), string_size));
    b.data = b.records.data();
  }
  return b;
}

WriteBuffer write_buffer(ArrayView value, DType dtype, std::size_t) {
  return write_buffer(value, dtype);
}

// The bytes a value takes in the file as `target`: variable-length strings go
// to the global heap, their bytes and a record each.
std::uint64_t value_bytes(const Array& value, const detail::StoredType& target) {
  if (!is_string(target.dtype)) return value.size() * dtype_size(target.dtype);
  std::uint64_t bytes = value.size() * std::max<std::size_t>(target.string_size, 1);
  if (target.dtype == DType::variable_string)
    for (const auto& s : value.strings()) bytes += s.size() + 32;
  return bytes;
}

std::uint64_t value_bytes(ArrayView value, const detail::StoredType& target) {
  return value.size() * dtype_size(target.dtype);
}

// ---------------------------------------------------------------- attributes

void write_attribute(hid_t obj, const std::string& name, const AttributeValue& value,
                     const std::string& where) {
  const std::string what = "attribute " + name + " of " + where;
  Array strings;
  const Array* array = &value.array;
  if (value.kind == AttributeValue::Kind::string)
    strings = Array::of_strings({value.string}, Shape{});
  else if (value.kind == AttributeValue::Kind::strings)
    strings = Array::of_strings(value.strings, Shape{value.strings.size()});
  if (value.kind != AttributeValue::Kind::array) array = &strings;

  Hid ftype = detail::file_type(array->dtype(), array->string_size());
  WriteBuffer buffer = write_buffer(*array, array->dtype(), array->string_size());
  Hid space = make_space(array->shape());
  {
    QuietErrors quiet;
    if (H5Aexists(obj, name.c_str()) > 0) {
      // Same type and shape: overwritten in place, the only way open in SWMR
      // mode (which cannot create or delete attributes); else replaced.
      Hid old = checked(H5Aopen(obj, name.c_str(), H5P_DEFAULT),
                        [&] { return "Opening the old " + what; });
      Hid old_type = checked(H5Aget_type(old.get()), [&] { return "Reading the type of " + what; });
      Hid old_space =
          checked(H5Aget_space(old.get()), [&] { return "Reading the dataspace of " + what; });
      if (H5Tequal(old_type.get(), ftype.get()) > 0 &&
          H5Sextent_equal(old_space.get(), space.get()) > 0) {
        if (array->size() > 0)
          check(H5Awrite(old.get(), buffer.type.get(), buffer.data),
                [&] { return "Writing " + what; });
        return;
      }
      old.close();
      check(H5Adelete(obj, name.c_str()), [&] { return "Deleting the old " + what; });
    }
  }
  Hid attr =
      checked(H5Acreate2(obj, name.c_str(), ftype.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
              [&] { return "Creating " + what; });
  if (array->size() > 0)
    check(H5Awrite(attr.get(), buffer.type.get(), buffer.data), [&] { return "Writing " + what; });
}

void write_attributes(hid_t obj, const Attributes& attributes, const std::string& where) {
  for (const auto& [name, value] : attributes) write_attribute(obj, name, value, where);
}

}  // namespace

// ---------------------------------------------------------------- shared with
// other writers (dataset_io_detail.hpp): the require-dataset rules live here.
namespace detail {

std::string list_str(const std::vector<std::uint64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

std::string normalized_dataset_path(const std::string& path) {
  return non_root_path(path, "dataset").str();
}

Hid open_existing_dataset_for_writing(hid_t f, const std::string& path, const fs::path& file) {
  const Kind k = probe_path(f, InFilePath(path), file);
  if (k == Kind::missing) return Hid();
  if (k != Kind::dataset) incompatible(k, path, file);
  return open_dataset(f, path, H5P_DEFAULT, file, "dataset " + path + " in " + file.string());
}

void check_reassigned_shape(bool same, const std::string& existing, const std::string& requested,
                            const std::string& what) {
  if (!same)
    throw TypeMismatchError("Shapes do not match (existing " + existing + " vs new " + requested +
                            ") for " + what);
}

StoredType check_reassigned_dtype(hid_t dataset, DType dtype, std::size_t string_size,
                                  const std::string& what) {
  Hid type = checked(H5Dget_type(dataset), [&] { return "Reading the type of " + what; });
  const StoredType target = stored_type(type.get(), what);
  if (!can_cast_safely(dtype, string_size, target.dtype, target.string_size))
    throw TypeMismatchError("Datatypes cannot be safely cast (existing " +
                            dtype_name(target.dtype, target.string_size) + " vs new " +
                            dtype_name(dtype, string_size) + ") for " + what);
  return target;
}

Hid open_dataset(hid_t f, const std::string& path, hid_t dapl, const fs::path& file,
                 const std::string& what) {
  Hid dataset = checked(H5Dopen2(f, path.c_str(), dapl), [&] { return "Opening " + what; });
  // Reading or writing such a dataset would open its external files with
  // plain open(), or its virtual sources under names HDF5 picks.
  if (is_staged(file)) {
    Hid dcpl = checked(H5Dget_create_plist(dataset.get()),
                       [&] { return "Reading the creation list of " + what; });
    refuse_unsafe_storage(dcpl.get(), file, path);
  }
  return dataset;
}

Shape dataspace_shape(hid_t space, const std::string& what) { return space_shape(space, what); }

void write_object_attributes(hid_t obj, const Attributes& attributes, const std::string& where) {
  write_attributes(obj, attributes, where);
}

}  // namespace detail

namespace {

// write_dataset() of an Array (any dtype) or an ArrayView (numbers, bools).
template <class Value>
void write_value(const fs::path& file, const std::string& dataset_path, const Value& value,
                 const std::function<Attributes()>& attributes,
                 const std::function<void(hid_t)>& written) {
  const std::string path = non_root_path(dataset_path, "dataset").str();
  if (value.dtype() == DType::fixed_string && value.string_size() == 0)
    throw ValueError("Cannot write " + path + ": fixed-length strings need a size");

  Hid f = detail::open_file_for_writing(file);
  const std::string what = "dataset " + path + " in " + file.string();
  // h5py's require_dataset: same shape, safely castable dtype, stored dtype
  // and layout kept; the new value goes into a staged dataset
  // (dataset_io_detail.hpp), so a failed write leaves the old value and its
  // attributes as they were. A new one is contiguous and uncompressed, as
  // h5py creates NOMAD's data.
  detail::DatasetRequest request;
  request.dtype = value.dtype();
  request.string_size = value.string_size();
  request.extent = {value.shape(), false};
  detail::SpaceReservation reservation(f.get());
  WriteBuffer buffer;
  request.before_create = [&](const detail::StoredType& target) {
    buffer = write_buffer(value, target.dtype, target.string_size);
    reservation.reserve(detail::bytes_to_reserve(value_bytes(value, target), 0, 0, 0), file, what);
  };
  detail::RequiredDataset required;
  Hid& dataset = required.dataset;
  try {
    required = detail::require_dataset(f.get(), path, file, request, what);
    if (value.size() > 0)
      check(H5Dwrite(dataset.get(), buffer.type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data),
            [&] { return "Writing " + what; });
    write_attributes(dataset.get(), attributes(), what);
    if (written) written(dataset.get());
    detail::commit_staged_dataset(f.get(), dataset.get(), path, required.existed, file, what);
  } catch (...) {
    detail::discard_staged_dataset(dataset);
    detail::QuietErrors quiet;
    H5Fflush(f.get(), H5F_SCOPE_LOCAL);  // what is left to write is old metadata, in place
    f.close();
    reservation.release();
    throw;
  }
  if (dataset.close() < 0) throw detail::hdf5_error("Closing " + what);
  detail::close_written_file(f, file);
  reservation.release();
}

}  // namespace

void write_dataset(const fs::path& file, const std::string& dataset_path, const Array& value,
                   const Attributes& attributes) {
  detail::write_dataset_deferred(file, dataset_path, value, [&] { return attributes; });
}

void write_dataset(const fs::path& file, const std::string& dataset_path, ArrayView value,
                   const Attributes& attributes) {
  detail::write_dataset_deferred(file, dataset_path, value, [&] { return attributes; });
}

namespace detail {

void write_dataset_deferred(const fs::path& file, const std::string& dataset_path,
                            const Array& value, const std::function<Attributes()>& attributes,
                            const std::function<void(hid_t)>& written) {
  if (is_string(value.dtype())) return write_value(file, dataset_path, value, attributes, written);
  write_value(file, dataset_path, value.view(), attributes, written);
}

void write_dataset_deferred(const fs::path& file, const std::string& dataset_path, ArrayView value,
                            const std::function<Attributes()>& attributes,
                            const std::function<void(hid_t)>& written) {
  write_value(file, dataset_path, value, attributes, written);
}

}  // namespace detail

void write_group_attributes(const fs::path& file, const std::string& group_path,
                            const Attributes& attributes) {
  const InFilePath group_at(group_path);
  const std::string path = group_at.str();
  Hid f = detail::open_file_for_writing(file);
  const Kind k = probe_path(f.get(), group_at, file);
  const std::string what = "group " + path + " in " + file.string();
  if (k == Kind::missing) {
    require_groups(f.get(), group_at, group_at.size(), file);
  } else if (k != Kind::group) {
    incompatible(k, path, file);
  }
  Hid group =
      checked(H5Oopen(f.get(), path.c_str(), H5P_DEFAULT), [&] { return "Opening " + what; });
  write_attributes(group.get(), attributes, what);
  group.close();
  detail::close_written_file(f, file);
}

void write_external_link(const fs::path& file, const std::string& link_path,
                         const std::string& target_file, const std::string& target_path) {
  const InFilePath link = non_root_path(link_path, "link");
  const std::string path = link.str();
  Hid f = detail::open_file_for_writing(file);
  const std::string what = "link " + path + " in " + file.string();
  const Kind k = probe_path(f.get(), link, file);
  // An old link is replaced; stored data never is (it would be lost silently).
  if (k == Kind::link)
    check(H5Ldelete(f.get(), path.c_str(), H5P_DEFAULT),
          [&] { return "Deleting the old " + what; });
  else if (k != Kind::missing)
    incompatible(k, path, file);
  require_groups(f.get(), link, link.size() - 1, file);
  check(H5Lcreate_external(target_file.c_str(), target_path.c_str(), f.get(), path.c_str(),
                           H5P_DEFAULT, H5P_DEFAULT),
        [&] { return "Creating external " + what + " to " + target_file + "#" + target_path; });
  detail::close_written_file(f, file);
}

}  // namespace h5archive
