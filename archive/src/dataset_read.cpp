// Reading datasets and attributes: whole, by hyperslab, strided, into a
// caller's buffer; every buffer's size checked before it is allocated.
#include <hdf5.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "dataset_io_detail.hpp"
#include "dataset_io_internal.hpp"
#include "dataset_reader.hpp"
#include "h5archive/checked_size.hpp"
#include "h5archive/dataset_io.hpp"
#include "h5archive/selection.hpp"
#include "hdf5_handle.hpp"
#include "hdf5_types.hpp"

namespace h5archive {
namespace {

using detail::check;
using detail::checked;
using detail::find;
using detail::Hid;
using detail::InFilePath;
using detail::Kind;
using detail::kind_name;
using detail::list_str;
using detail::make_space;
using detail::OpenDataset;
using detail::QuietErrors;
using detail::space_shape;

namespace fs = std::filesystem;

// Reads the selected elements (`mem_shape` of them) of a dataset or attribute
// of `stored` type into an Array; `read` does the HDF5 call. `what` names the
// selection in the error thrown, before any allocation, if it is too large.
template <class Read>
Array read_elements(const detail::StoredType& stored, const Shape& mem_shape,
                    const std::string& what, Read&& read) {
  check_allocatable(stored.dtype, stored.string_size, mem_shape, what);
  const std::uint64_t n = element_count(mem_shape);
  Hid mtype = detail::memory_type(stored.dtype, stored.string_size);
  if (stored.dtype == DType::variable_string) {
    std::vector<char*> pointers(n, nullptr);
    if (n > 0) read(mtype.get(), static_cast<void*>(pointers.data()));
    std::vector<std::string> strings;
    strings.reserve(n);
    for (char* p : pointers) strings.emplace_back(p != nullptr ? p : "");
    if (n > 0) {
      // HDF5 allocated the strings; hand them back the way it allocated them.
      Hid space = make_space(mem_shape);
      H5Treclaim(mtype.get(), space.get(), H5P_DEFAULT, pointers.data());
    }
    return Array::of_strings(std::move(strings), mem_shape);
  }
  if (stored.dtype == DType::fixed_string) {
    std::vector<char> records(allocatable(mem_shape, stored.string_size, what));
    if (n > 0) read(mtype.get(), static_cast<void*>(records.data()));
    std::vector<std::string> strings;
    strings.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const char* r = records.data() + i * stored.string_size;
      std::size_t len = stored.string_size;
      while (len > 0 && r[len - 1] == '\0') --len;  // null padding is not content
      strings.emplace_back(r, len);
    }
    return Array::of_strings(std::move(strings), mem_shape, stored.string_size);
  }
  Array a = Array::zeros(stored.dtype, mem_shape);
  if (n > 0) read(mtype.get(), static_cast<void*>(a.bytes().data()));
  return a;
}

}  // namespace

OpenDataset detail::open_for_reading(const fs::path& file, const std::string& dataset_path) {
  OpenDataset d;
  const InFilePath path(dataset_path);
  d.path = path.str();
  d.what = "Dataset " + d.path + " in " + file.string();
  d.file = detail::open_file_for_reading(file, d.path);
  const Kind k = find(d.file.get(), path);
  if (k == Kind::missing)
    throw NotFoundError("Dataset " + d.path + " not found in " + file.string());
  if (k != Kind::dataset)
    throw TypeMismatchError("Object " + d.path + " in " + file.string() + " is a " + kind_name(k) +
                            ", not a dataset");
  d.dataset = detail::open_dataset(d.file.get(), d.path, H5P_DEFAULT, file, d.what);
  return d;
}

Array read_dataset(const fs::path& file, const std::string& dataset_path,
                   const std::optional<Hyperslab>& slab) {
  const OpenDataset d = detail::open_for_reading(file, dataset_path);
  Hid type = checked(H5Dget_type(d.dataset.get()), [&] { return "Reading the type of " + d.what; });
  const detail::StoredType stored = detail::stored_type(type.get(), d.what);
  Hid file_space =
      checked(H5Dget_space(d.dataset.get()), [&] { return "Reading the dataspace of " + d.what; });
  const Shape shape = space_shape(file_space.get(), d.what, H5Tget_size(type.get()));
  Shape mem_shape = shape;
  if (slab && !shape.empty()) {
    const auto& start = slab->start;
    const auto& count = slab->count;
    bool fits = start.size() == shape.size() && count.size() == shape.size();
    for (std::size_t i = 0; fits && i < shape.size(); ++i)
      fits = start[i] <= shape[i] && count[i] <= shape[i] - start[i];
    if (!fits)
      throw ValueError("Selection start " + list_str(start) + " count " + list_str(count) +
                       " does not fit " + d.what + " of shape " + shape_str(shape));
    std::vector<hsize_t> s(start.begin(), start.end()), c(count.begin(), count.end());
    mem_shape = count;
    if (element_count(count) > 0)
      check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, s.data(), nullptr, c.data(),
                                nullptr),
            [&] {
              return "Selecting " + list_str(start) + " count " + list_str(count) + " of " + d.what;
            });
  } else if (slab && (!slab->start.empty() || !slab->count.empty())) {
    throw ValueError("Selection start " + list_str(slab->start) + " count " +
                     list_str(slab->count) + " does not fit " + d.what + " of shape ()");
  }
  Hid mem_space = make_space(mem_shape);
  return read_elements(stored, mem_shape, "Reading " + d.what, [&](hid_t mtype, void* buf) {
    check(H5Dread(d.dataset.get(), mtype, mem_space.get(), file_space.get(), H5P_DEFAULT, buf),
          [&] { return "Reading " + d.what; });
  });
}

Array read_dataset_as(const fs::path& file, const std::string& dataset_path, DType expected,
                      const std::optional<Hyperslab>& slab) {
  const DatasetInfo info = dataset_info(file, dataset_path);
  if (info.dtype != expected)
    throw TypeMismatchError("Dataset " + InFilePath(dataset_path).str() + " in " + file.string() +
                            " is " + dtype_name(info.dtype, info.string_size) + ", not " +
                            dtype_name(expected));
  return read_dataset(file, dataset_path, slab);
}

namespace {

// Selects `slab` in the dataset's file space after checking that it fits the
// shape, and returns the memory space of its result shape.
Hid select_strided(const OpenDataset& d, hid_t file_space, std::size_t item_size,
                   const StridedSlab& slab) {
  const Shape shape = space_shape(file_space, d.what, item_size);
  const auto& start = slab.start;
  const auto& count = slab.count;
  const auto& stride = slab.stride;
  const std::string described = "Selection start " + list_str(start) + " count " + list_str(count) +
                                " stride " + list_str(stride);
  bool fits = start.size() == shape.size() && count.size() == shape.size() &&
              stride.size() == shape.size() &&
              checked_element_count(slab.result_shape, described + " of " + d.what) ==
                  checked_element_count(count, described + " of " + d.what);
  for (std::size_t i = 0; fits && i < shape.size(); ++i)
    fits = stride[i] >= 1 &&
           (count[i] == 0 ||
            (start[i] < shape[i] && (count[i] - 1) <= (shape[i] - 1 - start[i]) / stride[i]));
  if (!fits)
    throw ValueError(described + " (result shape " + shape_str(slab.result_shape) +
                     ") does not fit " + d.what + " of shape " + shape_str(shape));
  if (!shape.empty() && element_count(count) > 0) {
    std::vector<hsize_t> s(start.begin(), start.end()), c(count.begin(), count.end()),
        st(stride.begin(), stride.end());
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, s.data(), st.data(), c.data(), nullptr),
          [&] { return "Selecting " + described + " of " + d.what; });
  } else if (!shape.empty()) {
    check(H5Sselect_none(file_space), [&] { return "Selecting nothing of " + d.what; });
  }
  return make_space(slab.result_shape);
}

// Numeric conversions HDF5 performs itself between native types: integers
// and floats among themselves, complex compounds member by member.
bool hdf5_converts(DType from, DType to) {
  auto real = [](DType t) {
    return t != DType::boolean && t != DType::complex64 && t != DType::complex128 && !is_string(t);
  };
  auto complex = [](DType t) { return t == DType::complex64 || t == DType::complex128; };
  return from == to || (real(from) && real(to)) || (complex(from) && complex(to));
}

}  // namespace

Array read_dataset_strided(const fs::path& file, const std::string& dataset_path,
                           const StridedSlab& slab) {
  return detail::read_strided(detail::open_for_reading(file, dataset_path), slab);
}

Array detail::read_strided(const OpenDataset& d, const StridedSlab& slab) {
  Hid type = checked(H5Dget_type(d.dataset.get()), [&] { return "Reading the type of " + d.what; });
  const detail::StoredType stored = detail::stored_type(type.get(), d.what);
  Hid file_space =
      checked(H5Dget_space(d.dataset.get()), [&] { return "Reading the dataspace of " + d.what; });
  Hid mem_space = select_strided(d, file_space.get(), H5Tget_size(type.get()), slab);
  return read_elements(stored, slab.result_shape, "Reading " + d.what, [&](hid_t mtype, void* buf) {
    check(H5Dread(d.dataset.get(), mtype, mem_space.get(), file_space.get(), H5P_DEFAULT, buf),
          [&] { return "Reading " + d.what; });
  });
}

void read_dataset_into(const fs::path& file, const std::string& dataset_path,
                       const StridedSlab& slab, void* buffer, std::size_t buffer_bytes,
                       DType mem_dtype) {
  detail::read_into(detail::open_for_reading(file, dataset_path), slab, buffer, buffer_bytes,
                    mem_dtype);
}

void detail::read_into(const OpenDataset& d, const StridedSlab& slab, void* buffer,
                       std::size_t buffer_bytes, DType mem_dtype) {
  Hid type = checked(H5Dget_type(d.dataset.get()), [&] { return "Reading the type of " + d.what; });
  const detail::StoredType stored = detail::stored_type(type.get(), d.what);
  const std::string stored_name = dtype_name(stored.dtype, stored.string_size);
  if (is_string(stored.dtype) || is_string(mem_dtype))
    throw TypeMismatchError("Cannot read " + d.what + " (" + stored_name + ") into a " +
                            dtype_name(mem_dtype) + " buffer: buffers hold numbers and bools only");
  if (!can_cast_safely(stored.dtype, mem_dtype))
    throw TypeMismatchError("Cannot read " + d.what + " (" + stored_name + ") as " +
                            dtype_name(mem_dtype) + ": the cast is not safe");
  Hid file_space =
      checked(H5Dget_space(d.dataset.get()), [&] { return "Reading the dataspace of " + d.what; });
  Hid mem_space = select_strided(d, file_space.get(), H5Tget_size(type.get()), slab);
  const std::uint64_t n = element_count(slab.result_shape);
  const std::uint64_t needed = checked_byte_size(slab.result_shape, dtype_size(mem_dtype), d.what);
  if (buffer_bytes < needed)
    throw ValueError("Buffer of " + std::to_string(buffer_bytes) + " bytes is too small for " +
                     std::to_string(n) + " " + dtype_name(mem_dtype) + " elements (" +
                     std::to_string(needed) + " bytes) of " + d.what);
  if (n == 0) return;
  if (hdf5_converts(stored.dtype, mem_dtype)) {
    Hid mtype = detail::memory_type(mem_dtype);
    check(H5Dread(d.dataset.get(), mtype.get(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                  buffer),
          [&] { return "Reading " + d.what; });
    return;
  }
  // Enum (bool) and integer-to-compound conversions are not HDF5's: read in
  // the stored type and let Array do numpy's cast.
  check_allocatable(stored.dtype, 0, slab.result_shape, "Reading " + d.what);
  Array raw = Array::zeros(stored.dtype, slab.result_shape);
  Hid stype = detail::memory_type(stored.dtype);
  check(H5Dread(d.dataset.get(), stype.get(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                raw.bytes().data()),
        [&] { return "Reading " + d.what; });
  const Array cast = raw.cast_to(mem_dtype);
  std::memcpy(buffer, cast.bytes().data(), cast.bytes().size());
}

DatasetInfo dataset_info(const fs::path& file, const std::string& dataset_path) {
  return detail::info_of(detail::open_for_reading(file, dataset_path));
}

DatasetInfo detail::info_of(const OpenDataset& d) { return info_of(d.dataset.get(), d.what); }

DatasetInfo detail::info_of(hid_t dataset, const std::string& what) {
  Hid type = checked(H5Dget_type(dataset), [&] { return "Reading the type of " + what; });
  const detail::StoredType stored = detail::stored_type(type.get(), what);
  Hid space = checked(H5Dget_space(dataset), [&] { return "Reading the dataspace of " + what; });
  return DatasetInfo{space_shape(space.get(), what, H5Tget_size(type.get())), stored.dtype,
                     stored.string_size};
}

std::optional<std::string> read_string_attribute(const fs::path& file,
                                                 const std::string& object_path,
                                                 const std::string& name) {
  const InFilePath object(object_path);
  const std::string path = object.str();
  Hid f = detail::open_file_for_reading(file, path);
  const Kind k = find(f.get(), object);
  if (k == Kind::missing)
    throw NotFoundError("Object " + path + " not found in " + file.string() +
                        " (reading attribute " + name + ")");
  const std::string where = path + " in " + file.string();
  Hid obj =
      checked(H5Oopen(f.get(), path.c_str(), H5P_DEFAULT), [&] { return "Opening " + where; });
  return detail::string_attribute(obj.get(), name, "Attribute " + name + " of " + where);
}

std::optional<std::string> detail::string_attribute(hid_t object, const std::string& name,
                                                    const std::string& what) {
  {
    QuietErrors quiet;
    if (H5Aexists(object, name.c_str()) <= 0) return std::nullopt;
  }
  Hid attr = checked(H5Aopen(object, name.c_str(), H5P_DEFAULT), [&] { return "Opening " + what; });
  return string_attribute_value(attr.get(), what);
}

std::string detail::string_attribute_value(hid_t attr, const std::string& what) {
  Hid type = checked(H5Aget_type(attr), [&] { return "Reading the type of " + what; });
  const detail::StoredType stored = detail::stored_type(type.get(), what);
  if (!is_string(stored.dtype))
    throw TypeMismatchError(what + " is " + dtype_name(stored.dtype) + ", not a string");
  Hid space = checked(H5Aget_space(attr), [&] { return "Reading the dataspace of " + what; });
  const Shape shape = space_shape(space.get(), what, H5Tget_size(type.get()));
  Array a = read_elements(stored, shape, "Reading " + what, [&](hid_t mtype, void* buf) {
    check(H5Aread(attr, mtype, buf), [&] { return "Reading " + what; });
  });
  std::string joined;
  for (const auto& s : a.strings()) joined += s;
  return joined;
}

}  // namespace h5archive
