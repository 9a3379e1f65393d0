// The objects of an HDF5 file below a group, read from metadata alone: what
// `h5archive ls` lists, and what a Python `ls` can list the same way.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "h5archive/quantity_metadata.hpp"

namespace h5archive {

/// What an object in an HDF5 file is.
enum class ObjectKind { group, dataset, named_datatype };

/// What a path leads to, following soft and external links. An object that
/// cannot be read is described, not thrown: `kind` or `metadata` is empty and
/// `reason` says why (a listing goes on past a broken link).
struct ObjectSummary {
  std::optional<ObjectKind> kind;            ///< empty: nothing readable there
  std::optional<QuantityMetadata> metadata;  ///< a dataset whose metadata reads
  std::string reason;                        ///< why kind or metadata is missing
};

/// How a group holds a link.
enum class LinkKind { hard, soft, external };

/// One link met while walking a group, in name order, depth first.
struct TreeEntry {
  std::string path;  ///< absolute path in the file ("/data/value")
  std::string name;  ///< last part of the path
  int depth = 0;     ///< 0 for the start group's children
  LinkKind link = LinkKind::hard;
  std::string target;    ///< soft: "/path"; external: "file#/path"; hard: ""
  ObjectSummary object;  ///< what the link leads to (links are not descended into)
};

/// What `object_path` in `file` is, following links ("/" or "" is the root
/// group). NotFoundError "No object <path> in <file>" if a link on the way is
/// missing, "File not found: <file>" if the file is; HDF5Error with HDF5's
/// reason for a file or object that cannot be read.
ObjectKind object_kind(const std::filesystem::path& file, const std::string& object_path);

/// object_kind() and, for a dataset, read_quantity_metadata(), with their
/// errors as `reason` ("No object ...") instead of thrown.
ObjectSummary summarize(const std::filesystem::path& file, const std::string& object_path);

/// Every link below the group `group_path` of `file`, recursively. Soft and
/// external links are listed with their target and what it leads to, never
/// descended into; a group reached twice through hard links is listed each
/// time but descended into once. Files below a staging root are opened
/// through the staging driver. NotFoundError for a missing file or group;
/// HDF5Error naming the group or object and the file for one HDF5 cannot read.
std::vector<TreeEntry> walk_tree(const std::filesystem::path& file, const std::string& group_path);

}  // namespace h5archive
