// Request handling of the h5grove API: the `file=` name through the staging
// area's resolver and check (the trust boundary), then HDF5 under one lock.
#include "h5grove_api.hpp"

#include <hdf5.h>

#include <algorithm>
#include <mutex>

#include <nlohmann/json.hpp>

#include "api_error.hpp"
#include "h5_entities.hpp"
#include "h5_types.hpp"
#include "h5_values.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/selection.hpp"
#include "h5archive/staging_driver.hpp"
#include "json_values.hpp"

namespace h5archive::serve {
namespace {

constexpr std::size_t kMaxNameBytes = 4096;

// Turns the library's typed errors into the API's statuses. Messages of
// refusals stay fixed (h5grove's): they would otherwise show OS paths.
[[noreturn]] void rethrow_as_api_error() {
  try {
    throw;
  } catch (const ApiError&) {
    throw;
  } catch (const SecurityError&) {
    throw ApiError(403, "Cannot read file: Permission denied!");
  } catch (const UnknownUploadError&) {
    throw ApiError(404, "File not found!");
  } catch (const NotFoundError&) {
    throw ApiError(404, "File not found!");
  } catch (const ReferenceError& e) {
    throw ApiError(422, e.what());
  } catch (const ResolveError& e) {
    throw ApiError(422, e.what());
  } catch (const ValueError& e) {  // a selection that does not fit, ...
    throw ApiError(422, e.what());
  } catch (const TypeMismatchError& e) {
    throw ApiError(422, e.what());
  }
}

// The file a `file=` parameter names, checked below its upload.
Resolved resolve_file(const StagingArea& area, const std::string& name) {
  if (name.size() > kMaxNameBytes)
    throw ApiError(422, "file name longer than " + std::to_string(kMaxNameBytes) + " bytes");
  if (name.find('\0') != std::string::npos) throw ApiError(422, "file name contains a NUL byte");
  try {
    const auto resolved = area.resolve_name(name);
    if (!resolved)
      throw ApiError(422,
                     "file must be an /uploads/<upload>/archive/<entry> or "
                     "/uploads/<upload>/raw/<path> name, or a reference: " +
                         name);
    try {
      area.check(*resolved);
    } catch (const SecurityError&) {
      throw;
    } catch (const UnknownUploadError&) {
      throw;
    } catch (const ResolveError&) {
      // Its message names the OS path; the client gets the name it sent.
      throw ApiError(422, name + " is not a regular file");
    }
    return *resolved;
  } catch (...) {
    rethrow_as_api_error();
  }
}

std::string attribute_value(hid_t object, const std::string& key, const std::string& path) {
  if (H5Aexists(object, key.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw ApiError(404, key + " is not an attribute of " + path);
  }
  const OpenAttribute a = open_attribute(object, key);
  const hid_t space = a.space.get();
  if (H5Sget_simple_extent_type(space) == H5S_NULL) return "null";
  Id type = json_memory_type(a.type.get());
  const std::vector<hsize_t> dims = space_dims(space);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::vector<unsigned char> data(n * H5Tget_size(type.get()));
  if (H5Aread(a.attr.get(), type.get(), data.data()) < 0)
    throw ApiError(500, hdf5_failure("Reading attribute " + key).what());
  std::string out;
  try {
    append_json_values(out, type.get(), data.data(), dims, false);
  } catch (...) {
    H5Treclaim(type.get(), space, H5P_DEFAULT, data.data());
    throw;
  }
  H5Treclaim(type.get(), space, H5P_DEFAULT, data.data());
  return out;
}

Reply attributes_reply(const Entity& e, const Params& params) {
  if (!e.object.valid()) throw ApiError(422, e.path + " is not a resolved entity");
  std::vector<std::string> keys;
  for (auto [it, end] = params.equal_range("attr_keys"); it != end; ++it)
    keys.push_back(it->second);
  if (keys.empty()) keys = attribute_names(e.object.get());
  Reply reply;
  reply.body = "{";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i) reply.body += ',';
    append_json_string(reply.body, keys[i]);
    reply.body += ':';
    reply.body += attribute_value(e.object.get(), keys[i], e.path);
  }
  reply.body += '}';
  return reply;
}

}  // namespace

const std::string* param(const Params& params, const std::string& key) {
  const auto it = params.find(key);
  return it == params.end() ? nullptr : &it->second;
}

Reply error_reply(int status, const std::string& message) {
  Reply reply;
  reply.status = status;
  reply.body = nlohmann::json{{"message", message}}.dump(-1, ' ', false,
                                                         nlohmann::json::error_handler_t::replace);
  return reply;
}

H5GroveApi::H5GroveApi(StagingArea area, Limits limits) : area_(std::move(area)), limits_(limits) {}

Reply H5GroveApi::handle(const std::string& endpoint, const Params& params) const {
  try {
    const std::string* file = param(params, "file");
    if (!file) throw ApiError(400, "Missing argument file");
    const Resolved where = resolve_file(area_, *file);
    const std::string* path_param = param(params, "path");
    const std::string path =
        path_param ? *path_param : (where.dataset.empty() ? "/" : where.dataset);
    const LinkResolution resolution = parse_link_resolution(param(params, "resolve_links"));
    const std::string file_name = where.file.filename().string();

    std::lock_guard lock(hdf5_mutex());
    H5Eclear2(H5E_DEFAULT);
    try {
      Id f = open_staged_file(where.file);
      Entity e = open_entity(f.get(), path, resolution, file_name);
      Reply reply;
      if (endpoint == "meta") {
        reply.body = entity_metadata(f.get(), e, 1, file_name).dump();
      } else if (endpoint == "paths") {
        reply.body = entity_paths(f.get(), e, resolution, file_name).dump();
      } else if (endpoint == "attr") {
        reply = attributes_reply(e, params);
      } else if (endpoint == "data") {
        reply = data_reply(std::move(f), where.file, e, params, limits_);
      } else {
        throw ApiError(404, "Not found: /" + endpoint);
      }
      return reply;
    } catch (...) {
      rethrow_as_api_error();
    }
  } catch (const ApiError& e) {
    return error_reply(e.status(), e.what());
  } catch (const std::exception& e) {
    return error_reply(500, e.what());
  }
}

}  // namespace h5archive::serve
