// The objects of an HDF5 file below a group, for `h5archive ls`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace h5archive::cli {

/// One link met while walking a group, in name order, depth first.
struct TreeNode {
  enum class Kind { group, dataset, external_link, soft_link, other } kind = Kind::other;
  std::string path;    ///< absolute path in the file ("/data/value")
  std::string name;    ///< last part of the path
  int depth = 0;       ///< 0 for the start object's children
  std::string target;  ///< links: "file#/path" (external) or "/path" (soft)
};

/// What `object_path` in `file` is (group, dataset, ...), following links.
/// NotFoundError naming the object and the file if it is missing.
TreeNode::Kind object_kind(const std::filesystem::path& file, const std::string& object_path);

/// Every link below the group `group_path` of `file`, recursively (external
/// and soft links are listed, not followed; a group reached twice through
/// hard links is listed once).
std::vector<TreeNode> walk_tree(const std::filesystem::path& file, const std::string& group_path);

}  // namespace h5archive::cli
