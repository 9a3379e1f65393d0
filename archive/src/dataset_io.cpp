#include "h5archive/dataset_io.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <system_error>

#include "dataset_io_detail.hpp"
#include "dataset_io_internal.hpp"
#include "h5archive/checked_size.hpp"
#include "h5archive/staging_driver.hpp"
#include "hdf5_handle.hpp"
#include "hdf5_types.hpp"
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

}  // namespace

// In-file paths and what is at them: shared with the readers (dataset_read.cpp)
// through dataset_io_internal.hpp.
namespace detail {

// ---------------------------------------------------------------- paths

// The components of an in-file path: NOMAD hands paths to h5py unchanged, and
// HDF5 resolves "a/b", "/a/b" and "a//b" to the same object, so empty parts
// are dropped.
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// "/a/b" from the first n parts ("/" for none).
std::string join_path(const std::vector<std::string>& parts, std::size_t n) {
  if (n == 0) return "/";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += "/" + parts[i];
  return s;
}

std::string join_path(const std::vector<std::string>& parts) {
  return join_path(parts, parts.size());
}

// ---------------------------------------------------------------- objects

// broken: a hard link whose object HDF5 cannot read (AbandonedObjectError).

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::group:
      return "Group";
    case Kind::dataset:
      return "Dataset";
    case Kind::datatype:
      return "Datatype";
    case Kind::link:
      return "Soft or external link";
    case Kind::broken:
      return "Unreadable object";
    case Kind::missing:
      break;
  }
  return "Nothing";
}

// What is at `path`, whose parent group is known to exist. A failure here is
// an answer, not an error, so HDF5 stays quiet. Readers follow soft and
// external links (a dangling one reads as missing); writers do not.
enum class Links { follow, stop };
// The name of the open file `obj` belongs to, for messages.
std::string file_name_of(hid_t obj) {
  const ssize_t n = H5Fget_name(obj, nullptr, 0);
  if (n <= 0) return "the file";
  std::string name(static_cast<std::size_t>(n), '\0');
  H5Fget_name(obj, name.data(), name.size() + 1);
  return name;
}

// A file HDF5 cannot read (corrupt object headers, an external link into a
// broken file) is reported as such with HDF5's reason, never as "not found".
// `wanted` is the object asked for, `path` the part of it that failed.
[[noreturn]] void unreadable(hid_t file, const std::string& path, const std::string& wanted) {
  std::string cause = detail::innermost_hdf5_error();
  // HDF5 tries an external link's target under several names and reports
  // only "can't open file"; the staging driver kept why it refused.
  const detail::OpenFailure refused = detail::take_driver_failure();
  if (refused.kind != detail::OpenFailure::Kind::none) {
    std::string target;
    H5L_info2_t link;
    if (H5Lget_info2(file, path.c_str(), &link, H5P_DEFAULT) >= 0 &&
        link.type == H5L_TYPE_EXTERNAL) {
      std::string value(link.u.val_size, '\0');
      const char* target_file = nullptr;
      const char* target_path = nullptr;
      if (H5Lget_val(file, path.c_str(), value.data(), value.size(), H5P_DEFAULT) >= 0 &&
          H5Lunpack_elink_val(value.data(), value.size(), nullptr, &target_file, &target_path) >= 0)
        target =
            std::string("external link to '") + target_file + "' (" + target_path + ") refused: ";
    }
    detail::innermost_hdf5_error();
    cause = target + refused.message;
    if (refused.kind == detail::OpenFailure::Kind::escape)
      throw SecurityError("Cannot read " + wanted + " in " + file_name_of(file) +
                          (path == wanted ? "" : " (at " + path + ")") + ": " + cause);
  }
  throw HDF5Error("Cannot read " + wanted + " in " + file_name_of(file) +
                  (path == wanted ? "" : " (at " + path + ")") +
                  (cause.empty() ? "" : ": " + cause));
}

Kind probe(hid_t file, const std::string& path, Links links, const std::string& wanted) {
  QuietErrors quiet;
  detail::take_driver_failure();  // only a refusal of this probe counts
  const htri_t exists = H5Lexists(file, path.c_str(), H5P_DEFAULT);
  if (exists < 0) unreadable(file, path, wanted);
  if (exists == 0) return Kind::missing;
  // Never look (or write) through a soft or external link: it may lead into
  // another file, e.g. a raw file an HDF5Reference string points at.
  H5L_info2_t link;
  if (links == Links::stop &&
      (H5Lget_info2(file, path.c_str(), &link, H5P_DEFAULT) < 0 || link.type != H5L_TYPE_HARD))
    return Kind::link;
  H5O_info2_t info;
  if (H5Oget_info_by_name3(file, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    // A hard link to an object HDF5 cannot read: what a writer killed before
    // it flushed the new object's header leaves behind.
    if (links == Links::stop) return Kind::broken;
    unreadable(file, path, wanted);  // the link is there, what it leads to is not readable
  }
  switch (info.type) {
    case H5O_TYPE_GROUP:
      return Kind::group;
    case H5O_TYPE_DATASET:
      return Kind::dataset;
    default:
      return Kind::datatype;
  }
}

[[noreturn]] void incompatible(Kind k, const std::string& path, const fs::path& file) {
  if (k == Kind::broken)
    throw AbandonedObjectError("Unreadable object at " + path + " in " + file.string() +
                                   " is in the way (HDF5 cannot read what the link leads to: "
                                   "left half-created by a writer that stopped?)",
                               file.string(), path);
  // h5py's "require" wording, which NOMAD users see.
  throw TypeMismatchError(std::string("Incompatible object (") + kind_name(k) +
                          ") already exists at " + path + " in " + file.string());
}

// Checks that every parent of the object at `parts` is a group or missing,
// and returns what is at the object itself.
Kind probe_path(hid_t f, const std::vector<std::string>& parts, const fs::path& file) {
  for (std::size_t n = 1; n <= parts.size(); ++n) {
    const std::string path = join_path(parts, n);
    const Kind k = probe(f, path, Links::stop, join_path(parts, parts.size()));
    if (n == parts.size() || k == Kind::missing) return k;  // missing parent: all missing
    if (k != Kind::group) incompatible(k, path, file);
  }
  return Kind::group;  // the root
}

// What is at `parts` for a reader: missing if any parent is missing or is
// not a group (HDF5 cannot resolve the path then either).
Kind find(hid_t f, const std::vector<std::string>& parts) {
  Kind k = Kind::group;  // the root
  for (std::size_t n = 1; n <= parts.size(); ++n) {
    k = probe(f, join_path(parts, n), Links::follow, join_path(parts, parts.size()));
    if (n < parts.size() && k != Kind::group) return Kind::missing;
  }
  return k;
}

// Creates the missing groups among the first `count` parts of a path, each
// written to the file before any link leads to it (created anonymous,
// flushed, then linked). A writer killed in a flush can leave a link whose
// object header never reached the file; at a fresh address that is an
// unreadable object, but at an address freed earlier it is whatever object
// was there before. Flushing each new header first makes every link lead to
// a header that was written.
void require_groups(hid_t f, const std::vector<std::string>& parts, std::size_t count,
                    const fs::path& file) {
  for (std::size_t n = 1; n <= count; ++n) {
    const std::string path = join_path(parts, n);
    const Kind k = probe(f, path, Links::stop, join_path(parts));
    if (k == Kind::group) continue;
    if (k != Kind::missing) incompatible(k, path, file);
    const std::string what = "group " + path + " in " + file.string();
    Hid group = checked(H5Gcreate_anon(f, H5P_DEFAULT, H5P_DEFAULT), "Creating " + what);
    check(H5Fflush(f, H5F_SCOPE_LOCAL), "Flushing " + file.string());
    check(H5Olink(group.get(), f, path.c_str(), H5P_DEFAULT, H5P_DEFAULT), "Linking " + what);
  }
}

std::vector<std::string> nonempty_parts(const std::string& path, const char* what) {
  auto parts = split_path(path);
  if (parts.empty())
    throw ValueError(std::string("Invalid ") + what + " path \"" + path + "\": it names the root");
  return parts;
}

// The shape of a dataspace, checked (a file may hold a dataspace of any
// dims): its element count, and its size in bytes with elements of
// `item_size` bytes (the stored type's), must fit in 64 bits, else
// ValueError naming `what` and the shape.
Shape space_shape(hid_t space, const std::string& what, std::size_t item_size) {
  const H5S_class_t cls = H5Sget_simple_extent_type(space);
  if (cls == H5S_SCALAR) return {};
  if (cls != H5S_SIMPLE) throw TypeMismatchError(what + " has a null dataspace (no shape)");
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw detail::hdf5_error("Reading the shape of " + what);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  Shape shape(dims.begin(), dims.end());
  checked_byte_size(shape, item_size, what);
  return shape;
}

Hid make_space(const Shape& shape) {
  if (shape.empty()) return checked(H5Screate(H5S_SCALAR), "Creating a scalar dataspace");
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  return checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                 "Creating a dataspace of shape " + shape_str(shape));
}

}  // namespace detail

namespace {

using detail::find;
using detail::incompatible;
using detail::join_path;
using detail::Kind;
using detail::kind_name;
using detail::Links;
using detail::make_space;
using detail::nonempty_parts;
using detail::probe;
using detail::probe_path;
using detail::require_groups;
using detail::space_shape;
using detail::split_path;

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

WriteBuffer write_buffer(const Array& value, DType dtype, std::size_t string_size) {
  WriteBuffer b;
  b.type = detail::memory_type(dtype, string_size);
  if (!is_string(dtype)) {
    if (value.dtype() == dtype) {
      b.data = value.bytes().data();
    } else {
      b.converted = value.cast_to(dtype);
      b.data = b.converted.bytes().data();
    }
  } else if (dtype == DType::variable_string) {
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
      Hid old = checked(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "Opening the old " + what);
      Hid old_type = checked(H5Aget_type(old.get()), "Reading the type of " + what);
      Hid old_space = checked(H5Aget_space(old.get()), "Reading the dataspace of " + what);
      if (H5Tequal(old_type.get(), ftype.get()) > 0 &&
          H5Sextent_equal(old_space.get(), space.get()) > 0) {
        if (array->size() > 0)
          check(H5Awrite(old.get(), buffer.type.get(), buffer.data), "Writing " + what);
        return;
      }
      old.close();
      check(H5Adelete(obj, name.c_str()), "Deleting the old " + what);
    }
  }
  Hid attr =
      checked(H5Acreate2(obj, name.c_str(), ftype.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
              "Creating " + what);
  if (array->size() > 0)
    check(H5Awrite(attr.get(), buffer.type.get(), buffer.data), "Writing " + what);
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
  return join_path(nonempty_parts(path, "dataset"));
}

Hid open_existing_dataset_for_writing(hid_t f, const std::string& path, const fs::path& file) {
  const Kind k = probe_path(f, split_path(path), file);
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
  Hid type = checked(H5Dget_type(dataset), "Reading the type of " + what);
  const StoredType target = stored_type(type.get(), what);
  if (!can_cast_safely(dtype, string_size, target.dtype, target.string_size))
    throw TypeMismatchError("Datatypes cannot be safely cast (existing " +
                            dtype_name(target.dtype, target.string_size) + " vs new " +
                            dtype_name(dtype, string_size) + ") for " + what);
  return target;
}

Hid open_dataset(hid_t f, const std::string& path, hid_t dapl, const fs::path& file,
                 const std::string& what) {
  Hid dataset = checked(H5Dopen2(f, path.c_str(), dapl), "Opening " + what);
  // Reading or writing such a dataset would open its external files with
  // plain open(), or its virtual sources under names HDF5 picks.
  if (is_staged(file)) {
    Hid dcpl = checked(H5Dget_create_plist(dataset.get()), "Reading the creation list of " + what);
    refuse_unsafe_storage(dcpl.get(), file, path);
  }
  return dataset;
}

Shape dataspace_shape(hid_t space, const std::string& what) { return space_shape(space, what); }

void write_object_attributes(hid_t obj, const Attributes& attributes, const std::string& where) {
  write_attributes(obj, attributes, where);
}

Hid create_staged_dataset(hid_t f, hid_t type, hid_t space, hid_t dcpl, hid_t dapl,
                          const std::string& what) {
  return checked(H5Dcreate_anon(f, type, space, dcpl, dapl), "Creating the new value of " + what);
}

void commit_staged_dataset(hid_t f, hid_t dataset, const std::string& path, bool replacing,
                           const fs::path& file, const std::string& what) {
  flush_file(f, file);
  const auto parts = split_path(path);
  require_groups(f, parts, parts.size() - 1, file);
  if (replacing) check(H5Ldelete(f, path.c_str(), H5P_DEFAULT), "Unlinking the old " + what);
  check(H5Olink(dataset, f, path.c_str(), H5P_DEFAULT, H5P_DEFAULT), "Linking the new " + what);
  flush_file(f, file);
}

void discard_staged_dataset(Hid& dataset) noexcept {
  if (!dataset) return;
  {
    QuietErrors quiet;
    hid_t dcpl = H5Dget_create_plist(dataset.get());
    const bool chunked = dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED;
    if (dcpl >= 0) H5Pclose(dcpl);
    hid_t space = chunked ? H5Dget_space(dataset.get()) : H5I_INVALID_HID;
    const int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    if (space >= 0) H5Sclose(space);
    if (rank > 0) {
      const std::vector<hsize_t> nothing(static_cast<std::size_t>(rank), 0);
      H5Dset_extent(dataset.get(), nothing.data());
    }
  }
  QuietErrors quiet;
  dataset.close();
}

void remove_abandoned_object(const fs::path& file, const std::string& object_path) {
  const auto parts = nonempty_parts(object_path, "object");
  const std::string path = join_path(parts);
  if (parts.size() < 2)
    throw ValueError("Cannot remove the unreadable object " + path + " of " + file.string() +
                     ": it is in the root group, which cannot be rebuilt without it");
  const std::string parent_path = join_path(parts, parts.size() - 1);
  const std::string what = "group " + parent_path + " in " + file.string();
  Hid f = detail::open_file_for_writing(file);
  if (probe_path(f.get(), parts, file) != Kind::broken) return;  // gone or readable now
  Hid parent = checked(H5Gopen2(f.get(), parent_path.c_str(), H5P_DEFAULT), "Opening " + what);
  Hid gcpl =
      checked(H5Gget_create_plist(parent.get()), "Reading the creation properties of " + what);
  // The new group gets copies of the readable links (a hard link's object
  // gains a reference), so that until it has taken the parent's place every
  // object is still linked where it was: a failure on the way loses nothing.
  Hid fresh = checked(H5Gcreate_anon(f.get(), gcpl.get(), H5P_DEFAULT), "Rebuilding " + what);
  std::vector<std::string> names, copied;
  auto collect = [](hid_t, const char* name, const H5L_info2_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  check(H5Literate2(parent.get(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, collect, &names),
        "Listing " + what);
  for (const std::string& name : names) {
    const std::string child = (parent_path == "/" ? "" : parent_path) + "/" + name;
    if (probe(f.get(), child, Links::stop, child) == Kind::broken) continue;  // left behind
    check(H5Lcopy(parent.get(), name.c_str(), fresh.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
          "Copying the link " + child + " into the rebuilt " + what);
    copied.push_back(name);
  }
  detail::copy_attributes(parent.get(), fresh.get(), {}, what);
  flush_file(f.get(), file);  // the new group's header is written before a link leads to it
  // Swap: the old group moves aside, the new one takes its name (or the old
  // one moves back), then the old one is unlinked. One more reference keeps
  // it, and the unreadable objects HDF5 cannot delete, from being deleted:
  // it stays in the file, unreachable.
  const std::string aside = parent_path + ".h5archive-old-" + std::to_string(::getpid());
  check(H5Lmove(f.get(), parent_path.c_str(), f.get(), aside.c_str(), H5P_DEFAULT, H5P_DEFAULT),
        "Moving the old " + what + " aside");
  if (H5Olink(fresh.get(), f.get(), parent_path.c_str(), H5P_DEFAULT, H5P_DEFAULT) < 0) {
    HDF5Error error = hdf5_error("Linking the rebuilt " + what);
    H5Lmove(f.get(), aside.c_str(), f.get(), parent_path.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    throw error;
  }
  check(H5Oincr_refcount(parent.get()), "Detaching the old " + what);
  check(H5Ldelete(f.get(), aside.c_str(), H5P_DEFAULT), "Unlinking the old " + what);
  // The old group's copies of the moved links would keep their objects alive
  // for ever: dropped (a failure here only keeps some space in use).
  {
    QuietErrors quiet;
    for (const std::string& name : copied) H5Ldelete(parent.get(), name.c_str(), H5P_DEFAULT);
  }
  fresh.close();
  parent.close();
  detail::close_written_file(f, file);
}

void copy_attributes(hid_t from, hid_t to, const std::vector<std::string>& skip,
                     const std::string& what) {
  // Names first: no exception may cross H5Aiterate's C callback.
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  check(H5Aiterate2(from, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, collect, &names),
        "Listing the attributes of " + what);
  for (const std::string& name : names) {
    if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
    const std::string where = "attribute " + name + " of " + what;
    Hid attr = checked(H5Aopen(from, name.c_str(), H5P_DEFAULT), "Opening " + where);
    // The attribute's own type (in memory form) reads and writes its values
    // unchanged, variable-length strings included.
    Hid type = checked(H5Aget_type(attr.get()), "Reading the type of " + where);
    Hid space = checked(H5Aget_space(attr.get()), "Reading the dataspace of " + where);
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    const std::size_t size = H5Tget_size(type.get());
    if (n < 0 || size == 0) throw hdf5_error("Reading the size of " + where);
    std::vector<std::byte> buffer(static_cast<std::size_t>(n) * size);
    check(H5Aread(attr.get(), type.get(), buffer.data()), "Reading " + where);
    Hid copy(H5Acreate2(to, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    const bool written = copy && H5Awrite(copy.get(), type.get(), buffer.data()) >= 0;
    // Built before H5Treclaim, which would clear HDF5's error stack.
    std::optional<HDF5Error> error;
    if (!written) error = hdf5_error("Copying " + where);
    H5Treclaim(type.get(), space.get(), H5P_DEFAULT, buffer.data());  // variable-length data
    if (error) throw *error;
  }
}

}  // namespace detail

void write_dataset(const fs::path& file, const std::string& dataset_path, const Array& value,
                   const Attributes& attributes) {
  const auto parts = nonempty_parts(dataset_path, "dataset");
  const std::string path = join_path(parts);
  if (value.dtype() == DType::fixed_string && value.string_size() == 0)
    throw ValueError("Cannot write " + path + ": fixed-length strings need a size");

  Hid f = detail::open_file_for_writing(file);
  const std::string what = "dataset " + path + " in " + file.string();
  const Kind k = probe_path(f.get(), parts, file);
  // The new value goes into a staged dataset (dataset_io_detail.hpp): a
  // failed write leaves the old value and its attributes as they were.
  Hid ftype, space, dcpl;
  Hid old;
  detail::StoredType target{value.dtype(), value.string_size()};
  if (k == Kind::dataset) {
    // h5py's require_dataset: same shape, safely castable dtype, stored dtype
    // and layout kept. Every check comes before the first write.
    old = detail::open_dataset(f.get(), path, H5P_DEFAULT, file, what);
    space = checked(H5Dget_space(old.get()), "Reading the dataspace of " + what);
    const Shape existing = space_shape(space.get(), "Dataset " + path + " in " + file.string());
    detail::check_reassigned_shape(existing == value.shape(), shape_str(existing),
                                   shape_str(value.shape()), what);
    target = detail::check_reassigned_dtype(old.get(), value.dtype(), value.string_size(), what);
    ftype = checked(H5Dget_type(old.get()), "Reading the type of " + what);
    dcpl = checked(H5Dget_create_plist(old.get()), "Reading the creation properties of " + what);
  } else if (k != Kind::missing) {
    incompatible(k, path, file);
  } else {
    ftype = detail::file_type(value.dtype(), value.string_size());
    space = make_space(value.shape());
    // Default dcpl (no dcpl): contiguous, uncompressed, as h5py creates
    // NOMAD's data.
  }
  WriteBuffer buffer = write_buffer(value, target.dtype, target.string_size);
  // Variable-length strings go to the global heap: their bytes and a record each.
  std::uint64_t value_bytes = value.size() * std::max<std::size_t>(target.string_size, 1);
  if (!is_string(target.dtype)) value_bytes = value.size() * dtype_size(target.dtype);
  if (target.dtype == DType::variable_string)
    for (const auto& s : value.strings()) value_bytes += s.size() + 32;
  detail::SpaceReservation reservation(f.get());
  reservation.reserve(detail::bytes_to_reserve(value_bytes, 0, 0, 0), file, what);
  Hid dataset = detail::create_staged_dataset(f.get(), ftype.get(), space.get(),
                                              dcpl ? dcpl.get() : H5P_DEFAULT, H5P_DEFAULT, what);
  try {
    if (old) detail::copy_attributes(old.get(), dataset.get(), {}, what);
    old.close();
    if (value.size() > 0)
      check(H5Dwrite(dataset.get(), buffer.type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data),
            "Writing " + what);
    write_attributes(dataset.get(), attributes, what);
    detail::commit_staged_dataset(f.get(), dataset.get(), path, k == Kind::dataset, file, what);
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

void write_group_attributes(const fs::path& file, const std::string& group_path,
                            const Attributes& attributes) {
  const auto parts = split_path(group_path);
  const std::string path = join_path(parts);
  Hid f = detail::open_file_for_writing(file);
  const Kind k = probe_path(f.get(), parts, file);
  const std::string what = "group " + path + " in " + file.string();
  if (k == Kind::missing) {
    require_groups(f.get(), parts, parts.size(), file);
  } else if (k != Kind::group) {
    incompatible(k, path, file);
  }
  Hid group = checked(H5Oopen(f.get(), path.c_str(), H5P_DEFAULT), "Opening " + what);
  write_attributes(group.get(), attributes, what);
  group.close();
  detail::close_written_file(f, file);
}

void write_external_link(const fs::path& file, const std::string& link_path,
                         const std::string& target_file, const std::string& target_path) {
  const auto parts = nonempty_parts(link_path, "link");
  const std::string path = join_path(parts);
  Hid f = detail::open_file_for_writing(file);
  const std::string what = "link " + path + " in " + file.string();
  const Kind k = probe_path(f.get(), parts, file);
  // An old link is replaced; stored data never is (it would be lost silently).
  if (k == Kind::link)
    check(H5Ldelete(f.get(), path.c_str(), H5P_DEFAULT), "Deleting the old " + what);
  else if (k != Kind::missing)
    incompatible(k, path, file);
  require_groups(f.get(), parts, parts.size() - 1, file);
  check(H5Lcreate_external(target_file.c_str(), target_path.c_str(), f.get(), path.c_str(),
                           H5P_DEFAULT, H5P_DEFAULT),
        "Creating external " + what + " to " + target_file + "#" + target_path);
  detail::close_written_file(f, file);
}

}  // namespace h5archive
