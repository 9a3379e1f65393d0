// Walking an HDF5 group with the C API: links in name order, without
// following soft or external links (their targets are shown, and may be
// missing or unreadable: that is described, not thrown).
#include "h5archive/file_tree.hpp"

#include <hdf5.h>

#include <algorithm>
#include <utility>

#include "h5archive/errors.hpp"
#include "h5archive/staging_driver.hpp"
#include "hdf5_handle.hpp"

namespace h5archive {
namespace {

namespace fs = std::filesystem;
using detail::checked;
using detail::Hid;

Hid open_file(const fs::path& file) {
  if (!fs::exists(file)) throw NotFoundError("File not found: " + file.string());
  // Below a staging root, through the staging driver: the kernel's walk.
  Hid fapl = checked(H5Pcreate(H5P_FILE_ACCESS), "Creating a file-access property list");
  use_staging_driver(fapl.get(), file);
  return checked(H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl.get()),
                 [&] { return "Cannot open " + file.string() + " as an HDF5 file"; });
}

ObjectKind kind_of(H5O_type_t type) {
  switch (type) {
    case H5O_TYPE_GROUP:
      return ObjectKind::group;
    case H5O_TYPE_DATASET:
      return ObjectKind::dataset;
    default:
      return ObjectKind::named_datatype;
  }
}

std::string child_path(const std::string& parent, const std::string& name) {
  return parent.empty() || parent.back() == '/' ? parent + name : parent + "/" + name;
}

// A dataset's metadata, or why it cannot be read.
void add_metadata(ObjectSummary& summary, const fs::path& file, const std::string& path) {
  if (summary.kind != ObjectKind::dataset) return;
  try {
    summary.metadata = read_quantity_metadata(file, path);
  } catch (const std::exception& e) {
    summary.reason = e.what();
  }
}

// The names of a group's links, in name order.
std::vector<std::string> link_names(hid_t file, const std::string& path,
                                    const std::string& file_name) {
  std::vector<std::string> names;
  // Only collects: nothing in it can throw into HDF5.
  auto collect = [](hid_t, const char* name, const H5L_info2_t*, void* data) noexcept -> herr_t {
    try {
      static_cast<std::vector<std::string>*>(data)->emplace_back(name);
      return 0;
    } catch (...) {
      return -1;
    }
  };
  hsize_t idx = 0;
  if (H5Literate_by_name2(file, path.c_str(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect, &names,
                          H5P_DEFAULT) < 0)
    throw hdf5_failure("Cannot list group " + path + " in " + file_name);
  return names;
}

// Sets the link kind and target of a soft or external link; false for a hard one.
bool read_link(hid_t file, TreeEntry& entry) {
  H5L_info2_t info;
  if (H5Lget_info2(file, entry.path.c_str(), &info, H5P_DEFAULT) < 0)
    throw HDF5Error("Cannot read link " + entry.path);
  if (info.type != H5L_TYPE_EXTERNAL && info.type != H5L_TYPE_SOFT) return false;
  std::string value(info.u.val_size, '\0');
  if (H5Lget_val(file, entry.path.c_str(), value.data(), value.size(), H5P_DEFAULT) < 0)
    throw HDF5Error("Cannot read link " + entry.path);
  if (info.type == H5L_TYPE_SOFT) {
    entry.link = LinkKind::soft;
    entry.target = value.c_str();
    return true;
  }
  const char* target_file = nullptr;
  const char* target_path = nullptr;
  unsigned flags = 0;
  if (H5Lunpack_elink_val(value.data(), value.size(), &flags, &target_file, &target_path) < 0)
    throw HDF5Error("Cannot read external link " + entry.path);
  entry.link = LinkKind::external;
  entry.target = std::string(target_file) + "#" + target_path;
  return true;
}

struct Walk {
  hid_t file;
  fs::path file_name;
  std::vector<TreeEntry> entries;
  std::vector<H5O_token_t> visited;

  bool seen(const H5O_token_t& token) {
    for (const auto& t : visited) {
      int cmp = 0;
      if (H5Otoken_cmp(file, &t, &token, &cmp) >= 0 && cmp == 0) return true;
    }
    visited.push_back(token);
    return false;
  }

  void group(const std::string& path, int depth) {
    for (const auto& name : link_names(file, path, file_name.string())) {
      TreeEntry entry;
      entry.path = child_path(path, name);
      entry.name = name;
      entry.depth = depth;
      if (read_link(file, entry)) {
        entries.push_back(std::move(entry));
        continue;
      }
      H5O_info2_t info;
      if (H5Oget_info_by_name3(file, entry.path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
        throw hdf5_failure("Cannot read object " + entry.path + " in " + file_name.string());
      entry.object.kind = kind_of(info.type);
      const bool descend = entry.object.kind == ObjectKind::group && !seen(info.token);
      const std::string entry_path = entry.path;
      entries.push_back(std::move(entry));
      if (descend) group(entry_path, depth + 1);
    }
  }
};

// After H5Oget_info_by_name failed for `object_path`: a missing link is "not
// found"; anything else (a corrupt file, a link into a broken file, a path
// through a dataset) is HDF5's reason.
[[noreturn]] void unreadable_object(hid_t f, const fs::path& file, const std::string& object_path) {
  std::string prefix;
  for (std::size_t start = 0; start < object_path.size();) {
    const std::size_t end = std::min(object_path.find('/', start), object_path.size());
    if (end > start) {
      prefix += "/" + object_path.substr(start, end - start);
      const htri_t exists = H5Lexists(f, prefix.c_str(), H5P_DEFAULT);
      if (exists == 0) throw NotFoundError("No object " + object_path + " in " + file.string());
      if (exists < 0) throw hdf5_failure("Cannot read " + object_path + " in " + file.string());
    }
    start = end + 1;
  }
  throw hdf5_failure("Cannot read " + object_path + " in " + file.string());
}

}  // namespace

ObjectKind object_kind(const fs::path& file, const std::string& object_path) {
  const Hid f = open_file(file);
  if (object_path == "/" || object_path.empty()) return ObjectKind::group;
  // H5Oget_info_by_name follows soft and external links.
  H5O_info2_t info;
  if (H5Oget_info_by_name3(f.get(), object_path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
    unreadable_object(f.get(), file, object_path);
  return kind_of(info.type);
}

ObjectSummary summarize(const fs::path& file, const std::string& object_path) {
  ObjectSummary summary;
  try {
    summary.kind = object_kind(file, object_path);
  } catch (const std::exception& e) {
    summary.reason = e.what();
    return summary;
  }
  add_metadata(summary, file, object_path);
  return summary;
}

std::vector<TreeEntry> walk_tree(const fs::path& file, const std::string& group_path) {
  std::vector<TreeEntry> entries;
  {
    const Hid f = open_file(file);
    Walk walk{f.get(), file, {}, {}};
    H5O_info2_t info;
    if (H5Oget_info_by_name3(f.get(), group_path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
      throw NotFoundError("No group " + group_path + " in " + file.string());
    walk.seen(info.token);
    walk.group(group_path, 0);
    entries = std::move(walk.entries);
  }
  // Described once the walk has closed the file: each description opens
  // what it reads (a link's target may be another file, or missing).
  for (TreeEntry& entry : entries) {
    if (entry.link == LinkKind::hard)
      add_metadata(entry.object, file, entry.path);
    else
      entry.object = summarize(file, entry.path);
  }
  return entries;
}

}  // namespace h5archive
