// What is at in-file paths (hdf5::InFilePath): probing objects without following links (writers) or
// through them (readers), creating parent groups, dataspace shapes.
#include <hdf5.h>

#include <string>
#include <vector>

#include "dataset_io_internal.hpp"
#include "h5archive/checked_size.hpp"
#include "h5archive/errors.hpp"
#include "hdf5_handle.hpp"
#include "staged_open.hpp"

namespace h5archive::detail {

namespace fs = std::filesystem;

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

// Checks that every parent of the object at `path` is a group or missing,
// and returns what is at the object itself.
Kind probe_path(hid_t f, const InFilePath& path, const fs::path& file) {
  const std::string wanted = path.str();
  for (std::size_t n = 1; n <= path.size(); ++n) {
    const std::string step = path.prefix(n).str();
    const Kind k = probe(f, step, Links::stop, wanted);
    if (n == path.size() || k == Kind::missing) return k;  // missing parent: all missing
    if (k != Kind::group) incompatible(k, step, file);
  }
  return Kind::group;  // the root
}

// What is at `path` for a reader: missing if any parent is missing or is
// not a group (HDF5 cannot resolve the path then either).
Kind find(hid_t f, const InFilePath& path) {
  const std::string wanted = path.str();
  Kind k = Kind::group;  // the root
  for (std::size_t n = 1; n <= path.size(); ++n) {
    k = probe(f, path.prefix(n).str(), Links::follow, wanted);
    if (n < path.size() && k != Kind::group) return Kind::missing;
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
void require_groups(hid_t f, const InFilePath& object, std::size_t count, const fs::path& file) {
  const std::string wanted = object.str();
  for (std::size_t n = 1; n <= count; ++n) {
    const std::string path = object.prefix(n).str();
    const Kind k = probe(f, path, Links::stop, wanted);
    if (k == Kind::group) continue;
    if (k != Kind::missing) incompatible(k, path, file);
    const std::string what = "group " + path + " in " + file.string();
    Hid group =
        checked(H5Gcreate_anon(f, H5P_DEFAULT, H5P_DEFAULT), [&] { return "Creating " + what; });
    check(H5Fflush(f, H5F_SCOPE_LOCAL), [&] { return "Flushing " + file.string(); });
    check(H5Olink(group.get(), f, path.c_str(), H5P_DEFAULT, H5P_DEFAULT),
          [&] { return "Linking " + what; });
  }
}

InFilePath non_root_path(const std::string& path, const char* what) {
  InFilePath parsed(path);
  if (parsed.is_root())
    throw ValueError(std::string("Invalid ") + what + " path \"" + path + "\": it names the root");
  return parsed;
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
                 [&] { return "Creating a dataspace of shape " + shape_str(shape); });
}

}  // namespace h5archive::detail
