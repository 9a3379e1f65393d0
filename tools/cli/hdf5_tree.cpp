// Walking an HDF5 group with the C API: links in name order, without
// following external links (their targets are shown, and may be missing).
#include "hdf5_tree.hpp"

#include <hdf5.h>

#include <algorithm>
#include <functional>

#include "h5archive/errors.hpp"
#include "h5archive/staging_driver.hpp"

namespace h5archive::cli {
namespace {

// Closes an HDF5 identifier on scope exit.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

hid_t open_file(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) throw NotFoundError("File not found: " + file.string());
  // Below a staging root, through the staging driver: the kernel's walk.
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  use_staging_driver(fapl.get(), file);
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl.get());
  if (f < 0) throw hdf5_failure("Cannot open " + file.string() + " as an HDF5 file");
  return f;
}

TreeNode::Kind kind_of(H5O_type_t type) {
  switch (type) {
    case H5O_TYPE_GROUP:
      return TreeNode::Kind::group;
    case H5O_TYPE_DATASET:
      return TreeNode::Kind::dataset;
    default:
      return TreeNode::Kind::other;
  }
}

std::string child_path(const std::string& parent, const std::string& name) {
  return parent.empty() || parent.back() == '/' ? parent + name : parent + "/" + name;
}

struct Walk {
  hid_t file;
  std::string file_name;  // for messages
  std::vector<TreeNode> nodes;
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
    std::vector<std::string> names;
    auto collect = [](hid_t, const char* name, const H5L_info2_t*, void* data) -> herr_t {
      static_cast<std::vector<std::string>*>(data)->emplace_back(name);
      return 0;
    };
    hsize_t idx = 0;
    if (H5Literate_by_name2(file, path.c_str(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect, &names,
                            H5P_DEFAULT) < 0)
      throw hdf5_failure("Cannot list group " + path + " in " + file_name);
    for (const auto& name : names) {
      TreeNode node;
      node.path = child_path(path, name);
      node.name = name;
      node.depth = depth;
      H5L_info2_t info;
      if (H5Lget_info2(file, node.path.c_str(), &info, H5P_DEFAULT) < 0)
        throw HDF5Error("Cannot read link " + node.path);
      if (info.type == H5L_TYPE_EXTERNAL || info.type == H5L_TYPE_SOFT) {
        std::string value(info.u.val_size, '\0');
        if (H5Lget_val(file, node.path.c_str(), value.data(), value.size(), H5P_DEFAULT) < 0)
          throw HDF5Error("Cannot read link " + node.path);
        if (info.type == H5L_TYPE_SOFT) {
          node.kind = TreeNode::Kind::soft_link;
          node.target = value.c_str();
        } else {
          const char* target_file = nullptr;
          const char* target_path = nullptr;
          unsigned flags = 0;
          if (H5Lunpack_elink_val(value.data(), value.size(), &flags, &target_file, &target_path) <
              0)
            throw HDF5Error("Cannot read external link " + node.path);
          node.kind = TreeNode::Kind::external_link;
          node.target = std::string(target_file) + "#" + target_path;
        }
        nodes.push_back(std::move(node));
        continue;
      }
      H5O_info2_t oinfo;
      if (H5Oget_info_by_name3(file, node.path.c_str(), &oinfo, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
        throw hdf5_failure("Cannot read object " + node.path + " in " + file_name);
      node.kind = kind_of(oinfo.type);
      const bool descend = node.kind == TreeNode::Kind::group && !seen(oinfo.token);
      const std::string node_path = node.path;
      nodes.push_back(std::move(node));
      if (descend) group(node_path, depth + 1);
    }
  }
};

}  // namespace

TreeNode::Kind object_kind(const std::filesystem::path& file, const std::string& object_path) {
  Handle f(open_file(file), H5Fclose);
  if (object_path == "/" || object_path.empty()) return TreeNode::Kind::group;
  // H5Oget_info_by_name follows soft and external links.
  H5O_info2_t info;
  if (H5Oget_info_by_name3(f.get(), object_path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    // A missing link is "not found"; anything else (a corrupt file, a link
    // into a broken file, a path through a dataset) is HDF5's reason.
    std::string prefix;
    for (std::size_t start = 0; start < object_path.size();) {
      const std::size_t end = std::min(object_path.find('/', start), object_path.size());
      if (end > start) {
        prefix += "/" + object_path.substr(start, end - start);
        const htri_t exists = H5Lexists(f.get(), prefix.c_str(), H5P_DEFAULT);
        if (exists == 0) throw NotFoundError("No object " + object_path + " in " + file.string());
        if (exists < 0) throw hdf5_failure("Cannot read " + object_path + " in " + file.string());
      }
      start = end + 1;
    }
    throw hdf5_failure("Cannot read " + object_path + " in " + file.string());
  }
  return kind_of(info.type);
}

std::vector<TreeNode> walk_tree(const std::filesystem::path& file, const std::string& group_path) {
  Handle f(open_file(file), H5Fclose);
  Walk walk{f.get(), file.string(), {}, {}};
  H5O_info2_t info;
  if (H5Oget_info_by_name3(f.get(), group_path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
    throw NotFoundError("No group " + group_path + " in " + file.string());
  walk.seen(info.token);
  walk.group(group_path, 0);
  return walk.nodes;
}

}  // namespace h5archive::cli
