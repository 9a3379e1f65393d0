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

// ---------------------------------------------------------------- files

// A file-access list for `file`, based on `base`: below a staging root the
// staging driver (the kernel's walk, for the file and whatever HDF5 opens
// from it), elsewhere `base` as it is.
Hid file_access(const fs::path& file, hid_t base = H5P_DEFAULT) {
  Hid fapl = checked(base == H5P_DEFAULT ? H5Pcreate(H5P_FILE_ACCESS) : H5Pcopy(base),
                     "Creating a file-access property list");
  use_staging_driver(fapl.get(), file);
  return fapl;
}

// After a failed H5Fopen/H5Fcreate: the staging driver's typed error (missing
// file, escape, not a regular file) if it refused, else HDF5's.
[[noreturn]] void open_failed(const std::string& what) {
  const detail::OpenFailure failure = detail::take_driver_failure();
  if (failure.kind == detail::OpenFailure::Kind::none) throw detail::hdf5_error(what);
  detail::innermost_hdf5_error();  // consumed: the typed error says it all
  detail::throw_open_failure(failure);
}

Hid open_file(const fs::path& file, unsigned flags, hid_t fapl, const std::string& what) {
  detail::take_driver_failure();
  const hid_t id = H5Fopen(file.c_str(), flags, fapl);
  if (id < 0) open_failed(what);
  return Hid(id);
}

// True if `file` exists. Below a staging root the answer comes from the
// kernel's walk (a folder, FIFO or escape is an error, not "missing"); other
// files are asked of HDF5 (through whatever VOL connector the default fapl
// selects), the file system first so a missing file is cheap.
bool file_exists(const fs::path& file) {
  if (const auto staged = detail::find_staged(file)) {
    detail::OpenFailure failure;
    const int fd = detail::open_staged(
        staged->root, staged->upload_dir.empty() ? staged->root : staged->upload_dir, staged->file,
        O_PATH, failure);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    if (failure.kind == detail::OpenFailure::Kind::missing) return false;
    detail::throw_open_failure(failure);
  }
  std::error_code ec;
  if (fs::exists(file, ec)) return true;
  QuietErrors quiet;
  return H5Fis_accessible(file.c_str(), H5P_DEFAULT) > 0;
}

// Opens `file` read-write, creating it if missing. The folder must exist:
// creating folders is the staging area's business, not this layer's.
// A writer in SWMR mode that stops without closing the file (killed, power
// cut) leaves its superblock marked "open for write", and HDF5 then refuses
// every later open. A live writer also holds the file lock, so a file that
// locks but carries the mark was left by a writer that is gone: the mark is
// cleared (what `h5clear -s` does, through the same file-access property) and
// the user is told on standard error.
void close_written(Hid& f, const fs::path& file);

Hid open_existing_for_writing(const fs::path& file, hid_t base_fapl) {
  const Hid fapl = file_access(file, base_fapl);
  hid_t id;
  std::string cause;
  {
    QuietErrors quiet;
    detail::take_driver_failure();
    id = H5Fopen(file.c_str(), H5F_ACC_RDWR, fapl.get());
    if (id < 0) {
      const detail::OpenFailure failure = detail::take_driver_failure();
      if (failure.kind != detail::OpenFailure::Kind::none) {
        detail::innermost_hdf5_error();
        detail::throw_open_failure(failure);
      }
      cause = detail::innermost_hdf5_error();
    }
  }
  if (id >= 0) return Hid(id);
  if (cause.find("already open for write") == std::string::npos)
    throw HDF5Error("Opening " + file.string() + " for writing" +
                    (cause.empty() ? "" : ": " + cause));
  {
    // h5clear -s -i: clear the mark, and move the end-of-allocation past
    // whatever the stopped writer had already put in the file.
    Hid clearing = file_access(file);
    hbool_t on = true;
    for (const char* property : {"clear_status_flags", "skip_eof_check", "null_fsm_addr"})
      check(H5Pset(clearing.get(), property, &on),
            "Preparing to clear the open-for-write mark of " + file.string());
    Hid f = open_file(file, H5F_ACC_RDWR, clearing.get(),
                      "Clearing the open-for-write mark of " + file.string());
    check(H5Fincrement_filesize(f.get(), 0), "Repairing the file size of " + file.string());
    close_written(f, file);
  }
  std::cerr << "h5archive: note: " << file.string()
            << " was marked open for write by a writer that stopped without closing it; the mark "
               "was cleared (as h5clear -s -i does)\n";
  return open_file(file, H5F_ACC_RDWR, fapl.get(), "Opening " + file.string() + " for writing");
}

Hid open_for_writing(const fs::path& file, hid_t base_fapl = H5P_DEFAULT) {
  if (file_exists(file)) return open_existing_for_writing(file, base_fapl);
  fs::path folder = file.parent_path();
  std::error_code ec;
  if (!detail::find_staged(file) && !folder.empty() && !fs::is_directory(folder, ec))
    throw NotFoundError("Cannot create " + file.string() + ": folder " + folder.string() +
                        " does not exist");
  const Hid fapl = file_access(file, base_fapl);
  detail::take_driver_failure();
  const hid_t id = H5Fcreate(file.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get());
  if (id < 0) open_failed("Creating " + file.string());
  return Hid(id);
}

Hid open_for_reading(const fs::path& file, const std::string& object_path) {
  if (!file_exists(file))
    throw NotFoundError("File " + file.string() + " not found (looking for " + object_path + ")");
  return open_file(file, H5F_ACC_RDONLY, file_access(file).get(),
                   "Opening " + file.string() + " for reading");
}

// Closes a file we wrote, reporting a failed final flush.
void close_written(Hid& f, const fs::path& file) {
  if (f.close() < 0) throw detail::hdf5_error("Closing " + file.string() + " after writing");
}

// ---------------------------------------------------------------- objects

// broken: a hard link whose object HDF5 cannot read (AbandonedObjectError).
enum class Kind { missing, group, dataset, datatype, link, broken };

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
Shape space_shape(hid_t space, const std::string& what, std::size_t item_size = 1) {
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

// ---------------------------------------------------------------- reading

struct OpenDataset {
  Hid file;
  Hid dataset;
  std::string path;  // normalised
  std::string what;  // "Dataset /x in <file>"
};

OpenDataset open_dataset(const fs::path& file, const std::string& dataset_path) {
  OpenDataset d;
  const auto parts = split_path(dataset_path);
  d.path = join_path(parts);
  d.what = "Dataset " + d.path + " in " + file.string();
  d.file = open_for_reading(file, d.path);
  const Kind k = find(d.file.get(), parts);
  if (k == Kind::missing)
    throw NotFoundError("Dataset " + d.path + " not found in " + file.string());
  if (k != Kind::dataset)
    throw TypeMismatchError("Object " + d.path + " in " + file.string() + " is a " + kind_name(k) +
                            ", not a dataset");
  d.dataset = detail::open_dataset(d.file.get(), d.path, H5P_DEFAULT, file, d.what);
  return d;
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

Hid open_file_for_writing(const fs::path& file, hid_t fapl) { return open_for_writing(file, fapl); }

void close_written_file(Hid& f, const fs::path& name) { close_written(f, name); }

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

Hid open_file_for_reading(const fs::path& file, const std::string& object_path) {
  return open_for_reading(file, object_path);
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

SpaceReservation::SpaceReservation(hid_t f) noexcept {
  void* handle = nullptr;
  QuietErrors quiet;
  // The descriptor of drivers that have one (sec2 and the like); a duplicate,
  // so that it outlives HDF5's close and needs no second open by name.
  if (H5Fget_vfd_handle(f, H5P_DEFAULT, &handle) >= 0 && handle != nullptr)
    fd_ = ::fcntl(*static_cast<int*>(handle), F_DUPFD_CLOEXEC, 0);
}

void SpaceReservation::reserve(std::uint64_t bytes, const fs::path& file, const std::string& what) {
  if (fd_ < 0) return;
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return;
  const auto end = static_cast<std::uint64_t>(st.st_size);
  // The file-size limit (ulimit -f) bounds the file's size, which a
  // reservation does not change: checked by hand.
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      end + bytes > limit.rlim_cur)
    throw Error("Not enough space to write " + what + ": the file would grow past the " +
                "process's file-size limit (ulimit -f) of " + std::to_string(limit.rlim_cur) +
                " bytes");
  if (end + bytes <= reserved_end_) return;
  int status;
  do {
    status =
        ::fallocate(fd_, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(end), static_cast<off_t>(bytes));
  } while (status != 0 && errno == EINTR);
  if (status == 0) {
    reserved_end_ = end + bytes;
    return;
  }
  if (errno != ENOSPC && errno != EDQUOT && errno != EFBIG) return;  // cannot reserve here
  throw Error("Not enough space to write " + what + ": reserving " + std::to_string(bytes) +
              " bytes past the end of " + file.string() + " failed: " + std::strerror(errno));
}

void SpaceReservation::release() noexcept {
  if (fd_ < 0) return;
  struct stat st {};
  if (reserved_end_ > 0 && ::fstat(fd_, &st) == 0 &&
      reserved_end_ > static_cast<std::uint64_t>(st.st_size))
    ::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, st.st_size,
                static_cast<off_t>(reserved_end_ - static_cast<std::uint64_t>(st.st_size)));
  ::close(fd_);
  fd_ = -1;
  reserved_end_ = 0;
}

std::uint64_t bytes_to_reserve(std::uint64_t block_bytes, std::uint64_t handed_before,
                               std::uint64_t chunk_bytes, std::uint64_t cache_bytes) {
  std::uint64_t pending = block_bytes + std::min(handed_before, cache_bytes);
  if (chunk_bytes > 0) pending = (pending + chunk_bytes - 1) / chunk_bytes * chunk_bytes;
  return pending + chunk_bytes + (256u << 10);
}

Hid create_staged_dataset(hid_t f, hid_t type, hid_t space, hid_t dcpl, hid_t dapl,
                          const std::string& what) {
  return checked(H5Dcreate_anon(f, type, space, dcpl, dapl), "Creating the new value of " + what);
}

void flush_file(hid_t f, const fs::path& file) {
  check(H5Fflush(f, H5F_SCOPE_LOCAL), "Flushing " + file.string());
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
  Hid f = open_for_writing(file);
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
  close_written(f, file);
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

  Hid f = open_for_writing(file);
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
  close_written(f, file);
  reservation.release();
}

void write_group_attributes(const fs::path& file, const std::string& group_path,
                            const Attributes& attributes) {
  const auto parts = split_path(group_path);
  const std::string path = join_path(parts);
  Hid f = open_for_writing(file);
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
  close_written(f, file);
}

void write_external_link(const fs::path& file, const std::string& link_path,
                         const std::string& target_file, const std::string& target_path) {
  const auto parts = nonempty_parts(link_path, "link");
  const std::string path = join_path(parts);
  Hid f = open_for_writing(file);
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
  close_written(f, file);
}

Array read_dataset(const fs::path& file, const std::string& dataset_path,
                   const std::optional<Hyperslab>& slab) {
  OpenDataset d = open_dataset(file, dataset_path);
  Hid type = checked(H5Dget_type(d.dataset.get()), "Reading the type of " + d.what);
  const detail::StoredType stored = detail::stored_type(type.get(), d.what);
  Hid file_space = checked(H5Dget_space(d.dataset.get()), "Reading the dataspace of " + d.what);
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
            "Selecting " + list_str(start) + " count " + list_str(count) + " of " + d.what);
  } else if (slab && (!slab->start.empty() || !slab->count.empty())) {
    throw ValueError("Selection start " + list_str(slab->start) + " count " +
                     list_str(slab->count) + " does not fit " + d.what + " of shape ()");
  }
  Hid mem_space = make_space(mem_shape);
  return read_elements(stored, mem_shape, "Reading " + d.what, [&](hid_t mtype, void* buf) {
    check(H5Dread(d.dataset.get(), mtype, mem_space.get(), file_space.get(), H5P_DEFAULT, buf),
          "Reading " + d.what);
  });
}

Array read_dataset_as(const fs::path& file, const std::string& dataset_path, DType expected,
                      const std::optional<Hyperslab>& slab) {
  const DatasetInfo info = dataset_info(file, dataset_path);
  if (info.dtype != expected)
    throw TypeMismatchError("Dataset " + join_path(split_path(dataset_path)) + " in " +
                            file.string() + " is " + dtype_name(info.dtype, info.string_size) +
                            ", not " + dtype_name(expected));
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
          "Selecting " + described + " of " + d.what);
  } else if (!shape.empty()) {
    check(H5Sselect_none(file_space), "Selecting nothing of " + d.what);
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
  OpenDataset d = open_dataset(file, dataset_path);
  Hid type = checked(H5Dget_type(d.dataset.get()), "Reading the type of " + d.what);
  const detail::StoredType stored = detail::stored_type(type.get(), d.what);
  Hid file_space = checked(H5Dget_space(d.dataset.get()), "Reading the dataspace of " + d.what);
  Hid mem_space = select_strided(d, file_space.get(), H5Tget_size(type.get()), slab);
  return read_elements(stored, slab.result_shape, "Reading " + d.what, [&](hid_t mtype, void* buf) {
    check(H5Dread(d.dataset.get(), mtype, mem_space.get(), file_space.get(), H5P_DEFAULT, buf),
          "Reading " + d.what);
  });
}

void read_dataset_into(const fs::path& file, const std::string& dataset_path,
                       const StridedSlab& slab, void* buffer, std::size_t buffer_bytes,
                       DType mem_dtype) {
  OpenDataset d = open_dataset(file, dataset_path);
  Hid type = checked(H5Dget_type(d.dataset.get()), "Reading the type of " + d.what);
  const detail::StoredType stored = detail::stored_type(type.get(), d.what);
  const std::string stored_name = dtype_name(stored.dtype, stored.string_size);
  if (is_string(stored.dtype) || is_string(mem_dtype))
    throw TypeMismatchError("Cannot read " + d.what + " (" + stored_name + ") into a " +
                            dtype_name(mem_dtype) + " buffer: buffers hold numbers and bools only");
  if (!can_cast_safely(stored.dtype, mem_dtype))
    throw TypeMismatchError("Cannot read " + d.what + " (" + stored_name + ") as " +
                            dtype_name(mem_dtype) + ": the cast is not safe");
  Hid file_space = checked(H5Dget_space(d.dataset.get()), "Reading the dataspace of " + d.what);
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
          "Reading " + d.what);
    return;
  }
  // Enum (bool) and integer-to-compound conversions are not HDF5's: read in
  // the stored type and let Array do numpy's cast.
  check_allocatable(stored.dtype, 0, slab.result_shape, "Reading " + d.what);
  Array raw = Array::zeros(stored.dtype, slab.result_shape);
  Hid stype = detail::memory_type(stored.dtype);
  check(H5Dread(d.dataset.get(), stype.get(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                raw.bytes().data()),
        "Reading " + d.what);
  const Array cast = raw.cast_to(mem_dtype);
  std::memcpy(buffer, cast.bytes().data(), cast.bytes().size());
}

DatasetInfo dataset_info(const fs::path& file, const std::string& dataset_path) {
  OpenDataset d = open_dataset(file, dataset_path);
  Hid type = checked(H5Dget_type(d.dataset.get()), "Reading the type of " + d.what);
  const detail::StoredType stored = detail::stored_type(type.get(), d.what);
  Hid space = checked(H5Dget_space(d.dataset.get()), "Reading the dataspace of " + d.what);
  return DatasetInfo{space_shape(space.get(), d.what, H5Tget_size(type.get())), stored.dtype,
                     stored.string_size};
}

std::optional<std::string> read_string_attribute(const fs::path& file,
                                                 const std::string& object_path,
                                                 const std::string& name) {
  const auto parts = split_path(object_path);
  const std::string path = join_path(parts);
  Hid f = open_for_reading(file, path);
  const Kind k = find(f.get(), parts);
  if (k == Kind::missing)
    throw NotFoundError("Object " + path + " not found in " + file.string() +
                        " (reading attribute " + name + ")");
  {
    QuietErrors quiet;
    if (H5Aexists_by_name(f.get(), path.c_str(), name.c_str(), H5P_DEFAULT) <= 0)
      return std::nullopt;
  }
  const std::string what = "Attribute " + name + " of " + path + " in " + file.string();
  Hid attr = checked(H5Aopen_by_name(f.get(), path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                     "Opening " + what);
  Hid type = checked(H5Aget_type(attr.get()), "Reading the type of " + what);
  const detail::StoredType stored = detail::stored_type(type.get(), what);
  if (!is_string(stored.dtype))
    throw TypeMismatchError(what + " is " + dtype_name(stored.dtype) + ", not a string");
  Hid space = checked(H5Aget_space(attr.get()), "Reading the dataspace of " + what);
  const Shape shape = space_shape(space.get(), what, H5Tget_size(type.get()));
  Array a = read_elements(stored, shape, "Reading " + what, [&](hid_t mtype, void* buf) {
    check(H5Aread(attr.get(), mtype, buf), "Reading " + what);
  });
  std::string joined;
  for (const auto& s : a.strings()) joined += s;
  return joined;
}

}  // namespace h5archive
