// /data: a dataset's selection as JSON, raw bytes or NPY, reading only the
// hyperslab asked for; large binary answers stream block by block.
#include <hdf5.h>

#include <algorithm>
#include <mutex>

#include "api_error.hpp"
#include "h5_entities.hpp"
#include "h5_types.hpp"
#include "h5_values.hpp"
#include "h5archive/selection.hpp"
#include "h5archive/staging_driver.hpp"
#include "h5grove_api.hpp"
#include "json_values.hpp"

namespace h5archive::serve {
namespace {

enum class Format { json, bin, npy };

Format parse_format(const std::string* value) {
  if (!value || *value == "json") return Format::json;
  if (*value == "bin") return Format::bin;
  if (*value == "npy") return Format::npy;
  if (*value == "csv" || *value == "tiff")
    throw ApiError(422,
                   "Unsupported encoding " + *value + " (this server sends json, bin and npy)");
  throw ApiError(422, "Unsupported encoding " + *value);
}

// A bin/npy body too large for one piece: the NPY header (if any), then
// blocks of rows read one at a time under the HDF5 lock.
class SlabStream : public BodyStream {
 public:
  SlabStream(Id file, std::unique_ptr<SlabReader> reader, std::string header,
             std::uint64_t block_bytes)
      : file_(std::move(file)),
        reader_(std::move(reader)),
        header_(std::move(header)),
        block_bytes_(block_bytes) {}
  ~SlabStream() override {
    std::lock_guard lock(hdf5_mutex());
    reader_.reset();
    file_.reset();
  }
  bool next(std::string& chunk) override {
    if (!header_.empty()) {
      chunk = std::move(header_);
      header_.clear();
      return true;
    }
    std::lock_guard lock(hdf5_mutex());
    if (reader_->done()) return false;
    reader_->read_block(chunk, block_bytes_);
    return true;
  }

 private:
  Id file_;
  std::unique_ptr<SlabReader> reader_;
  std::string header_;
  std::uint64_t block_bytes_;
};

struct DataQuery {
  Format format;
  bool safe;     ///< dtype=safe
  bool flatten;  ///< anything but "false", as h5grove's parse_bool_arg
};

DataQuery parse_query(const Params& params) {
  const std::string* dtype = param(params, "dtype");
  if (dtype && *dtype != "origin" && *dtype != "safe")
    throw ApiError(422, "Unsupported dtype " + *dtype);
  const std::string* flatten_arg = param(params, "flatten");
  std::string flatten_text = flatten_arg ? *flatten_arg : "false";
  std::transform(flatten_text.begin(), flatten_text.end(), flatten_text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return {parse_format(param(params, "format")), dtype && *dtype == "safe",
          flatten_text != "false"};
}

void check_encoding(hid_t type, Format format, bool safe) {
  if (safe && !is_numeric(type)) throw ApiError(422, "Unsupported dtype safe for non-numeric data");
  if (format == Format::npy && !is_numeric(type))
    throw ApiError(422, "Unsupported encoding npy for non-numeric content");
  if (format == Format::bin && !is_numeric(type) && !has_raw_bytes(type))
    throw ApiError(422, "Unsupported encoding bin for non-numeric content");
}

StridedSlab selection_slab(const std::string* selection, const std::vector<hsize_t>& dims) {
  const Shape shape(dims.begin(), dims.end());
  return resolve(selection ? parse_selection(*selection) : Selection{}, shape);
}

std::string too_large(std::uint64_t elements, std::uint64_t amount, std::uint64_t limit,
                      const char* unit, const char* format) {
  return "Selection of " + std::to_string(elements) + " elements (" + std::to_string(amount) + " " +
         unit + ") is larger than this server's limit of " + std::to_string(limit) + " " + unit +
         " for format=" + format + "; ask for a smaller selection";
}

Reply json_reply(SlabReader& reader, const std::vector<hsize_t>& shape, bool flatten,
                 const Limits& limits) {
  if (reader.elements() > limits.max_json_elements)
    throw ApiError(413, too_large(reader.elements(), reader.elements(), limits.max_json_elements,
                                  "elements", "json"));
  std::vector<unsigned char> data;
  reader.read_all(data);
  Reply reply;
  try {
    append_json_values(reply.body, reader.memory_type(), data.data(), shape, flatten);
  } catch (...) {
    reader.reclaim(data);
    throw;
  }
  reader.reclaim(data);
  return reply;
}

}  // namespace

Reply data_reply(Id f, const std::filesystem::path& file, Entity& e, const Params& params,
                 const Limits& limits) {
  if (e.kind != Entity::Kind::dataset) throw ApiError(422, e.path + " is not a dataset");
  const auto [format, safe, flatten] = parse_query(params);

  Id dcpl = checked_id(H5Dget_create_plist(e.object.get()), "Reading a creation list");
  refuse_unsafe_storage(dcpl.get(), file, e.path);  // external raw storage, VDS leading out
  Id type = checked_id(H5Dget_type(e.object.get()), "Reading a datatype");
  Id space = checked_id(H5Dget_space(e.object.get()), "Reading a dataspace");
  check_encoding(type.get(), format, safe);
  if (H5Sget_simple_extent_type(space.get()) == H5S_NULL) {
    if (format != Format::json)
      throw ApiError(422, "Unsupported encoding for the empty dataset " + e.path);
    Reply reply;
    reply.body = "null";
    return reply;
  }
  const StridedSlab slab = selection_slab(param(params, "selection"), space_dims(space.get()));
  std::vector<hsize_t> shape(slab.result_shape.begin(), slab.result_shape.end());
  Id memory_type =
      format == Format::json ? json_memory_type(type.get()) : binary_memory_type(type.get(), safe);
  auto reader = std::make_unique<SlabReader>(std::move(e.object), slab, std::move(memory_type));
  if (flatten && !shape.empty()) shape = {reader->elements()};
  if (format == Format::json) return json_reply(*reader, shape, flatten, limits);

  if (reader->total_bytes() > limits.max_binary_bytes)
    throw ApiError(
        413, too_large(reader->elements(), reader->total_bytes(), limits.max_binary_bytes, "bytes",
                       format == Format::npy ? "npy" : "bin"));
  Reply reply;
  reply.content_type = "application/octet-stream";
  std::string header;
  if (format == Format::npy) {
    reply.headers.emplace_back("Content-Disposition", "attachment; filename=\"data.npy\"");
    header = npy_header(numpy_dtype(reader->memory_type()).get<std::string>(), shape);
  }
  if (reader->total_bytes() <= limits.block_bytes) {
    reply.body = std::move(header);
    reader->read_block(reply.body, reader->total_bytes() + 1);
    return reply;
  }
  reply.stream_length = header.size() + reader->total_bytes();
  reply.stream =
      std::make_shared<SlabStream>(std::move(f), std::move(reader), header, limits.block_bytes);
  return reply;
}

}  // namespace h5archive::serve
