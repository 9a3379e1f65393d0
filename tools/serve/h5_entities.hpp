// Files and the objects in them as h5grove sees them: opening a staged file
// read-only through the staging driver, finding an entity by path with
// h5grove's link resolution, its /meta description and /paths listing, and
// the attribute and dataspace reading every endpoint shares.
#pragma once

#include <hdf5.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_error.hpp"

namespace h5archive::serve {

/// Opens `file` (a resolved, checked name below the staging root) read-only
/// with the staging driver, so HDF5 reaches it, and whatever it links to,
/// only through the kernel's walk below the root. ApiError 404 / 403 / 422
/// for a missing file, an escape, or a file HDF5 cannot read.
Id open_staged_file(const std::filesystem::path& file);

/// h5grove's `resolve_links`: none, only_valid (default) or all.
enum class LinkResolution { none, only_valid, all };
/// Parses the parameter (h5grove also takes true/false); 422 otherwise.
LinkResolution parse_link_resolution(const std::string* value);

/// One entity of a file, as h5grove's create_content() finds it.
struct Entity {
  enum class Kind { group, dataset, datatype, soft_link, external_link, other };
  Kind kind = Kind::other;
  std::string path;                      ///< as asked for ("/data/value")
  Id object;                             ///< the opened group, dataset or datatype
  std::string target_path, target_file;  ///< unresolved links
  std::string name() const;              ///< last segment of path
};

/// The entity at `path` of the open `file` (named `file_name` in messages):
/// 404 "<path> is not a valid path in <file_name>" if there is none, or
/// "Cannot resolve ..." for a broken link with `all`.
Entity open_entity(hid_t file, const std::string& path, LinkResolution resolution,
                   const std::string& file_name);

/// h5grove's /meta body for the entity; groups list their children (with
/// valid links resolved) when `depth` > 0.
nlohmann::json entity_metadata(hid_t file, const Entity& entity, int depth,
                               const std::string& file_name);

/// h5grove's /paths body: `entity` (a group; 422 otherwise) and every link
/// below it, recursively, in HDF5's visiting order.
nlohmann::json entity_paths(hid_t file, const Entity& entity, LinkResolution resolution,
                            const std::string& file_name);

/// The names of `object`'s attributes, in name order.
std::vector<std::string> attribute_names(hid_t object);

/// An attribute, open with its dataspace and stored type.
struct OpenAttribute {
  Id attr, space, type;
};
/// Opens attribute `name` of `object`: ApiError(500) naming it if HDF5 fails.
OpenAttribute open_attribute(hid_t object, const std::string& name);

/// The dimensions of a dataspace (none for a scalar or null one).
std::vector<hsize_t> space_dims(hid_t space);

/// `a/b` joined as h5grove does ("/" + b below the root). Not an
/// hdf5::InFilePath on purpose: h5grove echoes the path it was asked for
/// ("a//b" lists "a//b/c"), and this server answers as h5grove does.
std::string join_path(const std::string& parent, const std::string& child);

}  // namespace h5archive::serve
