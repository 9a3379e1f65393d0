// Writing a new value aside and putting it in place: a staged (unlinked)
// dataset linked only after a flush, so that a failed write leaves the old
// value readable; and the removal of objects a killed writer left
// half-created.
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dataset_io_detail.hpp"
#include "dataset_io_internal.hpp"
#include "h5archive/checked_size.hpp"
#include "h5archive/errors.hpp"
#include "hdf5_handle.hpp"

namespace h5archive::detail {

namespace fs = std::filesystem;

Hid create_staged_dataset(hid_t f, hid_t type, hid_t space, hid_t dcpl, hid_t dapl,
                          const std::string& what) {
  return checked(H5Dcreate_anon(f, type, space, dcpl, dapl),
                 [&] { return "Creating the new value of " + what; });
}

void commit_staged_dataset(hid_t f, hid_t dataset, const std::string& path, bool replacing,
                           const fs::path& file, const std::string& what) {
  flush_file(f, file);
  const InFilePath parsed(path);
  require_groups(f, parsed, parsed.size() - 1, file);
  if (replacing)
    check(H5Ldelete(f, path.c_str(), H5P_DEFAULT), [&] { return "Unlinking the old " + what; });
  check(H5Olink(dataset, f, path.c_str(), H5P_DEFAULT, H5P_DEFAULT),
        [&] { return "Linking the new " + what; });
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
  const InFilePath object = non_root_path(object_path, "object");
  const std::string path = object.str();
  if (object.size() < 2)
    throw ValueError("Cannot remove the unreadable object " + path + " of " + file.string() +
                     ": it is in the root group, which cannot be rebuilt without it");
  const std::string parent_path = object.parent().str();
  const std::string what = "group " + parent_path + " in " + file.string();
  Hid f = detail::open_file_for_writing(file);
  if (probe_path(f.get(), object, file) != Kind::broken) return;  // gone or readable now
  Hid parent = checked(H5Gopen2(f.get(), parent_path.c_str(), H5P_DEFAULT),
                       [&] { return "Opening " + what; });
  Hid gcpl = checked(H5Gget_create_plist(parent.get()),
                     [&] { return "Reading the creation properties of " + what; });
  // The new group gets copies of the readable links (a hard link's object
  // gains a reference), so that until it has taken the parent's place every
  // object is still linked where it was: a failure on the way loses nothing.
  Hid fresh = checked(H5Gcreate_anon(f.get(), gcpl.get(), H5P_DEFAULT),
                      [&] { return "Rebuilding " + what; });
  std::vector<std::string> names, copied;
  auto collect = [](hid_t, const char* name, const H5L_info2_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->emplace_back(name);
    return 0;
  };
  check(H5Literate2(parent.get(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, collect, &names),
        [&] { return "Listing " + what; });
  for (const std::string& name : names) {
    const std::string child = (parent_path == "/" ? "" : parent_path) + "/" + name;
    if (probe(f.get(), child, Links::stop, child) == Kind::broken) continue;  // left behind
    check(H5Lcopy(parent.get(), name.c_str(), fresh.get(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
          [&] { return "Copying the link " + child + " into the rebuilt " + what; });
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
        [&] { return "Moving the old " + what + " aside"; });
  if (H5Olink(fresh.get(), f.get(), parent_path.c_str(), H5P_DEFAULT, H5P_DEFAULT) < 0) {
    HDF5Error error = hdf5_error("Linking the rebuilt " + what);
    H5Lmove(f.get(), aside.c_str(), f.get(), parent_path.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    throw error;
  }
  check(H5Oincr_refcount(parent.get()), [&] { return "Detaching the old " + what; });
  check(H5Ldelete(f.get(), aside.c_str(), H5P_DEFAULT),
        [&] { return "Unlinking the old " + what; });
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
        [&] { return "Listing the attributes of " + what; });
  for (const std::string& name : names) {
    if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
    const std::string where = "attribute " + name + " of " + what;
    Hid attr =
        checked(H5Aopen(from, name.c_str(), H5P_DEFAULT), [&] { return "Opening " + where; });
    // The attribute's own type (in memory form) reads and writes its values
    // unchanged, variable-length strings included.
    Hid type = checked(H5Aget_type(attr.get()), [&] { return "Reading the type of " + where; });
    Hid space =
        checked(H5Aget_space(attr.get()), [&] { return "Reading the dataspace of " + where; });
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    const std::size_t size = H5Tget_size(type.get());
    if (n < 0 || size == 0) throw hdf5_error("Reading the size of " + where);
    const std::uint64_t count = static_cast<std::uint64_t>(n);
    std::vector<std::byte> buffer(allocatable(std::span(&count, 1), size, where));
    check(H5Aread(attr.get(), type.get(), buffer.data()), [&] { return "Reading " + where; });
    Hid copy(H5Acreate2(to, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
    const bool written = copy && H5Awrite(copy.get(), type.get(), buffer.data()) >= 0;
    // Built before H5Treclaim, which would clear HDF5's error stack.
    std::optional<HDF5Error> error;
    if (!written) error = hdf5_error("Copying " + where);
    H5Treclaim(type.get(), space.get(), H5P_DEFAULT, buffer.data());  // variable-length data
    if (error) throw *error;
  }
}

}  // namespace h5archive::detail
