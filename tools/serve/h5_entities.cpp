// Opening staged files and describing their objects with h5grove 4.0.0's
// JSON shapes (h5grove/content.py and utils.py as behaviour reference).
#include "h5_entities.hpp"

#include <algorithm>

#include "h5_types.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/staging_driver.hpp"

namespace h5archive::serve {
namespace {

using nlohmann::json;

// An HDF5 iteration callback (attributes, links) that appends each name to
// the std::vector<std::string> it is given as `data`.
template <class Info>
herr_t collect_name(hid_t, const char* name, const Info*, void* data) {
  try {  // no exception may cross into HDF5's C code
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  } catch (...) {
    return -1;
  }
}

json space_shape(hid_t space) {
  if (H5Sget_simple_extent_type(space) == H5S_NULL) return nullptr;
  return space_dims(space);
}

json attributes_metadata(hid_t object) {
  std::vector<std::string> names = attribute_names(object);
  std::sort(names.begin(), names.end());
  json list = json::array();
  for (const auto& name : names) {
    const OpenAttribute a = open_attribute(object, name);
    list.push_back({{"name", name},
                    {"shape", space_shape(a.space.get())},
                    {"type", type_metadata(a.type.get())}});
  }
  return list;
}

json dataset_metadata(hid_t dataset) {
  Id space = checked_id(H5Dget_space(dataset), "Reading a dataspace");
  Id type = checked_id(H5Dget_type(dataset), "Reading a datatype");
  Id dcpl = checked_id(H5Dget_create_plist(dataset), "Reading a dataset's creation list");
  json chunks = nullptr;
  if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
    const int rank = H5Pget_chunk(dcpl.get(), 0, nullptr);
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank > 0 ? rank : 0));
    if (rank > 0) H5Pget_chunk(dcpl.get(), rank, dims.data());
    chunks = dims;
  }
  json filters = nullptr;
  const int n = H5Pget_nfilters(dcpl.get());
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, config = 0;
    std::size_t nvalues = 0;
    char name[256] = {0};
    const H5Z_filter_t id = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &nvalues,
                                           nullptr, sizeof name, name, &config);
    if (filters.is_null()) filters = json::array();
    filters.push_back({{"id", id}, {"name", name}});
  }
  return {{"chunks", chunks},
          {"filters", filters},
          {"shape", space_shape(space.get())},
          {"type", type_metadata(type.get())}};
}

// Children in the order h5py lists them: creation order where the group
// tracks it, else by name.
std::vector<std::string> child_names(hid_t group) {
  H5_index_t index = H5_INDEX_NAME;
  Id gcpl(H5Gget_create_plist(group));
  unsigned order = 0;
  if (gcpl.valid() && H5Pget_link_creation_order(gcpl.get(), &order) >= 0 &&
      (order & H5P_CRT_ORDER_INDEXED))
    index = H5_INDEX_CRT_ORDER;
  std::vector<std::string> names;
  H5Literate2(group, index, H5_ITER_INC, nullptr, collect_name<H5L_info2_t>, &names);
  return names;
}

std::string link_repr(const Entity& e) {
  if (e.kind == Entity::Kind::soft_link) return "<SoftLink to \"" + e.target_path + "\">";
  return "<ExternalLink to \"" + e.target_path + "\" in file \"" + e.target_file + "\"";
}

// Reads a soft or external link's target into `e`.
void read_link_target(hid_t file, const std::string& path, const H5L_info2_t& info, Entity& e) {
  std::vector<char> value(info.u.val_size + 1, 0);
  if (H5Lget_val(file, path.c_str(), value.data(), value.size(), H5P_DEFAULT) < 0)
    throw ApiError(500, "Cannot read the link at " + path);
  if (info.type == H5L_TYPE_SOFT) {
    e.kind = Entity::Kind::soft_link;
    e.target_path = value.data();
    return;
  }
  const char* target_file = nullptr;
  const char* target_path = nullptr;
  unsigned flags = 0;
  if (H5Lunpack_elink_val(value.data(), value.size(), &flags, &target_file, &target_path) < 0)
    throw ApiError(500, "Cannot read the external link at " + path);
  e.kind = Entity::Kind::external_link;
  e.target_file = target_file;
  e.target_path = target_path;
}

void set_object(Entity& e, Id object) {
  switch (H5Iget_type(object.get())) {
    case H5I_GROUP:
      e.kind = Entity::Kind::group;
      break;
    case H5I_DATASET:
      e.kind = Entity::Kind::dataset;
      break;
    case H5I_DATATYPE:
      e.kind = Entity::Kind::datatype;
      break;
    default:
      e.kind = Entity::Kind::other;
  }
  e.object = std::move(object);
}

}  // namespace

std::vector<std::string> attribute_names(hid_t object) {
  std::vector<std::string> names;
  hsize_t index = 0;
  H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, collect_name<H5A_info_t>, &names);
  return names;
}

OpenAttribute open_attribute(hid_t object, const std::string& name) {
  OpenAttribute a;
  a.attr = checked_id(H5Aopen(object, name.c_str(), H5P_DEFAULT),
                      [&] { return "Opening attribute " + name; });
  a.space = checked_id(H5Aget_space(a.attr.get()), [&] { return "Reading attribute " + name; });
  a.type = checked_id(H5Aget_type(a.attr.get()), [&] { return "Reading attribute " + name; });
  return a;
}

std::vector<hsize_t> space_dims(hid_t space) {
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank > 0 ? rank : 0));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

std::string join_path(const std::string& parent, const std::string& child) {
  if (parent.empty() || parent == "/") return "/" + child;
  std::string p = parent;
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p + "/" + child;
}

std::string Entity::name() const {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Id open_staged_file(const std::filesystem::path& file) {
  Id fapl = checked_id(H5Pcreate(H5P_FILE_ACCESS), "Creating a file-access list");
  if (!use_staging_driver(fapl.get(), file))
    throw ApiError(403, "Cannot read file: Permission denied!");
  take_staging_refusal();
  const hid_t id = H5Fopen(file.c_str(), H5F_ACC_RDONLY, fapl.get());
  if (id >= 0) return Id(id);
  const StagingRefusal refusal = take_staging_refusal();
  switch (refusal.kind) {
    case StagingRefusal::Kind::missing:
      H5Eclear2(H5E_DEFAULT);
      throw ApiError(404, "File not found!");
    case StagingRefusal::Kind::escape:
      H5Eclear2(H5E_DEFAULT);
      throw ApiError(403, "Cannot read file: Permission denied!");
    case StagingRefusal::Kind::not_regular:  // its message names the OS path
      H5Eclear2(H5E_DEFAULT);
      throw ApiError(422, file.filename().string() + " is not a regular file");
    default:
      throw ApiError(422,
                     hdf5_failure("Cannot open " + file.filename().string() + " as HDF5").what());
  }
}

LinkResolution parse_link_resolution(const std::string* value) {
  if (!value) return LinkResolution::only_valid;
  std::string v = *value;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "all") return LinkResolution::all;
  if (v == "false" || v == "none") return LinkResolution::none;
  if (v == "only_valid") return LinkResolution::only_valid;
  throw ApiError(422, *value +
                          " is not a valid value for link resolution. Accepted values are: "
                          "all, none or only_valid");
}

Entity open_entity(hid_t file, const std::string& path, LinkResolution resolution,
                   const std::string& file_name) {
  Entity e;
  e.path = path;
  if (path == "/") {
    set_object(e, checked_id(H5Oopen(file, "/", H5P_DEFAULT), "Opening the root group"));
    return e;
  }
  H5L_info2_t info;
  if (path.empty() || path.find('\0') != std::string::npos ||
      H5Lget_info2(file, path.c_str(), &info, H5P_DEFAULT) < 0) {
    H5Eclear2(H5E_DEFAULT);
    throw ApiError(404, path + " is not a valid path in " + file_name);
  }
  if (info.type == H5L_TYPE_SOFT || info.type == H5L_TYPE_EXTERNAL) {
    read_link_target(file, path, info, e);
    if (resolution == LinkResolution::none) return e;
    const hid_t object = H5Oopen(file, path.c_str(), H5P_DEFAULT);
    if (object < 0) {
      H5Eclear2(H5E_DEFAULT);
      take_staging_refusal();  // an external link the driver refused: broken, as for h5py
      if (resolution == LinkResolution::only_valid) return e;
      throw ApiError(404, "Cannot resolve " + link_repr(e) + " at " + path + " of " + file_name);
    }
    set_object(e, Id(object));
    return e;
  }
  const hid_t object = H5Oopen(file, path.c_str(), H5P_DEFAULT);
  if (object < 0) {
    H5Eclear2(H5E_DEFAULT);
    throw ApiError(404, path + " is not a valid path in " + file_name);
  }
  set_object(e, Id(object));
  return e;
}

json entity_metadata(hid_t file, const Entity& e, int depth, const std::string& file_name) {
  json meta = {{"name", e.name()}};
  switch (e.kind) {
    case Entity::Kind::soft_link:
      meta["kind"] = "soft_link";
      meta["target_path"] = e.target_path;
      return meta;
    case Entity::Kind::external_link:
      meta["kind"] = "external_link";
      meta["target_file"] = e.target_file;
      meta["target_path"] = e.target_path;
      return meta;
    case Entity::Kind::other:
      meta["kind"] = "other";
      return meta;
    default:
      break;
  }
  meta["attributes"] = attributes_metadata(e.object.get());
  if (e.kind == Entity::Kind::dataset) {
    meta.update(dataset_metadata(e.object.get()));
    meta["kind"] = "dataset";
  } else if (e.kind == Entity::Kind::datatype) {
    meta["kind"] = "datatype";
    meta["type"] = type_metadata(e.object.get());
  } else {
    meta["kind"] = "group";
    if (depth > 0) {
      json children = json::array();
      for (const auto& child : child_names(e.object.get())) {
        const std::string child_path = join_path(e.path, child);
        Entity c = open_entity(file, child_path, LinkResolution::only_valid, file_name);
        children.push_back(entity_metadata(file, c, depth - 1, file_name));
      }
      meta["children"] = std::move(children);
    }
  }
  return meta;
}

json entity_paths(hid_t file, const Entity& e, LinkResolution resolution,
                  const std::string& file_name) {
  if (e.kind != Entity::Kind::group) throw ApiError(422, e.path + " is not a group");
  std::vector<std::string> names;
  H5Lvisit2(e.object.get(), H5_INDEX_NAME, H5_ITER_INC, collect_name<H5L_info2_t>, &names);
  json paths = json::array({e.path});
  for (const auto& name : names) {
    const std::string path = join_path(e.path, name);
    if (resolution == LinkResolution::all) open_entity(file, path, resolution, file_name);
    paths.push_back(path);
  }
  return paths;
}

}  // namespace h5archive::serve
