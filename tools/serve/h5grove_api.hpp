// The h5grove 4.0.0 API (the endpoints H5Web's H5GroveProvider calls) over
// a staging area: `file=` is an /uploads/<u>/archive/<e> or
// /uploads/<u>/raw/<path> name, or a whole reference. Independent of the
// HTTP library: a request is an endpoint name and its decoded parameters.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "h5archive/staging_area.hpp"

namespace h5archive::hdf5 {
class Handle;
}

namespace h5archive::serve {

/// How much one request may ask for.
struct Limits {
  std::uint64_t max_binary_bytes = 1ull << 30;   ///< format=bin|npy selection
  std::uint64_t max_json_elements = 1ull << 22;  ///< format=json selection
  std::uint64_t block_bytes = 4ull << 20;        ///< larger bin answers stream in blocks
};

/// Query parameters, URL-decoded, repeated keys kept (attr_keys).
using Params = std::multimap<std::string, std::string>;

/// A body sent in pieces: next() appends the next piece to `chunk` and
/// returns false once nothing is left.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual bool next(std::string& chunk) = 0;
};

/// What to answer.
struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<BodyStream> stream;  ///< if set, the body: stream_length bytes
  std::uint64_t stream_length = 0;
};

class H5GroveApi {
 public:
  H5GroveApi(StagingArea area, Limits limits);
  /// Answers `endpoint` (meta, attr, data, paths); never throws: every
  /// failure is an h5grove error body {"message": ...} with its status.
  Reply handle(const std::string& endpoint, const Params& params) const;

 private:
  StagingArea area_;
  Limits limits_;
};

struct Entity;
using Id = hdf5::Handle;
/// /data for the dataset `e` of the open file `f` (kept open by a streamed
/// reply); `file` is its OS path. Needs hdf5_mutex() held.
Reply data_reply(Id f, const std::filesystem::path& file, Entity& e, const Params& params,
                 const Limits& limits);

/// The value of parameter `key`, or nullptr if it was not sent (the first
/// of repeated ones).
const std::string* param(const Params& params, const std::string& key);

/// h5grove's error body for `message`.
Reply error_reply(int status, const std::string& message);

}  // namespace h5archive::serve
