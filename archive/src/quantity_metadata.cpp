// QuantityMetadata: its JSON form, its dataset attributes, and reading it
// back from a file without reading the data.
#include "h5archive/quantity_metadata.hpp"

#include <hdf5.h>

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "dataset_io_detail.hpp"
#include "dataset_reader.hpp"
#include "hdf5_handle.hpp"
#include "hdf5_types.hpp"
#include "printable.hpp"
#include "quantity_metadata_detail.hpp"

namespace h5archive {
namespace {

using json = nlohmann::json;
using detail::check;
using detail::checked;
using detail::Hid;

// JSON has no NaN or infinity: they are written as the strings numpy prints.
json number_to_json(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

double number_from_json(const json& j, const std::string& key) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto s = j.get<std::string>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  throw ValueError(fmt::format("Quantity metadata: {} must be a number, got {}", key, j.dump()));
}

json value_to_json(const StatisticValue& v) {
  return std::visit(
      [](auto x) -> json {
        if constexpr (std::is_same_v<decltype(x), double>) {
          return number_to_json(x);
        } else {
          return x;
        }
      },
      v);
}

// The kind of a min/max follows the dtype, not the JSON (which cannot tell
// int64 5 from uint64 5).
StatisticValue value_from_json(const json& j, DType dtype, const std::string& key) {
  const std::string where = "Quantity metadata: " + key;
  if (dtype == DType::boolean) {
    if (!j.is_boolean())
      throw ValueError(fmt::format("{} must be true/false, got {}", where, j.dump()));
    return j.get<bool>();
  }
  if (dtype == DType::float32 || dtype == DType::float64) return number_from_json(j, key);
  if (!j.is_number_integer())
    throw ValueError(fmt::format("{} must be an integer, got {}", where, j.dump()));
  const bool is_unsigned = dtype == DType::uint8 || dtype == DType::uint16 ||
                           dtype == DType::uint32 || dtype == DType::uint64;
  if (is_unsigned) return j.get<std::uint64_t>();
  return j.get<std::int64_t>();
}

Shape shape_from_json(const json& j, const std::string& key) {
  if (!j.is_array())
    throw ValueError(fmt::format("Quantity metadata: {} must be a list, got {}", key, j.dump()));
  Shape s;
  for (const auto& d : j) {
    if (!d.is_number_unsigned())
      throw ValueError(fmt::format("Quantity metadata: {} must hold sizes, got {}", key, j.dump()));
    s.push_back(d.get<std::uint64_t>());
  }
  return s;
}

// The dtype of metadata, where statistics need one; strings have none that
// matters (no min/max), so any string name maps to variable_string.
DType metadata_dtype(const std::string& name) {
  if (!name.empty() && name[0] == 'S') return DType::fixed_string;
  return dtype_from_name(name);
}

Array scalar_attribute(const StatisticValue& v) {
  return std::visit(
      [](auto x) -> Array {
        if constexpr (std::is_same_v<decltype(x), bool>) {
          return Array::of_bools({x}, Shape{});
        } else {
          return Array::scalar(x);
        }
      },
      v);
}

// ---------------------------------------------------------------- reading

std::optional<StatisticValue> read_value_attribute(hid_t dataset, const char* name,
                                                   const std::string& what) {
  {
    detail::QuietErrors quiet;
    if (H5Aexists(dataset, name) <= 0) return std::nullopt;
  }
  const std::string where = fmt::format("attribute {} of {}", name, what);
  Hid attr = checked(H5Aopen(dataset, name, H5P_DEFAULT), [&] { return "Opening " + where; });
  Hid type = checked(H5Aget_type(attr.get()), [&] { return "Reading the type of " + where; });
  const detail::StoredType stored = detail::stored_type(type.get(), where);
  switch (stored.dtype) {
    case DType::boolean: {
      Hid mtype = detail::memory_type(DType::boolean);
      std::uint8_t v = 0;
      check(H5Aread(attr.get(), mtype.get(), &v), [&] { return "Reading " + where; });
      return StatisticValue(v != 0);
    }
    case DType::int8:
    case DType::int16:
    case DType::int32:
    case DType::int64: {
      std::int64_t v = 0;
      check(H5Aread(attr.get(), H5T_NATIVE_INT64, &v), [&] { return "Reading " + where; });
      return StatisticValue(v);
    }
    case DType::uint8:
    case DType::uint16:
    case DType::uint32:
    case DType::uint64: {
      std::uint64_t v = 0;
      check(H5Aread(attr.get(), H5T_NATIVE_UINT64, &v), [&] { return "Reading " + where; });
      return StatisticValue(v);
    }
    case DType::float32:
    case DType::float64: {
      double v = 0;
      check(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &v), [&] { return "Reading " + where; });
      return StatisticValue(v);
    }
    default:
      throw TypeMismatchError(
          fmt::format("{} is {}, not a number", where, dtype_name(stored.dtype)));
  }
}

std::uint64_t read_count_attribute(hid_t dataset, const char* name, const std::string& what) {
  const auto v = read_value_attribute(dataset, name, what);
  if (!v) return 0;
  if (const auto* u = std::get_if<std::uint64_t>(&*v)) return *u;
  const double d = as_double(*v);
  return d > 0 ? static_cast<std::uint64_t>(d) : 0;
}

std::string filter_name(H5Z_filter_t id, const char* name) {
  if (name != nullptr && name[0] != '\0') return name;
  return fmt::format("filter {}", static_cast<int>(id));
}

void read_layout(hid_t dataset, std::size_t rank, QuantityMetadata& md, const std::string& what) {
  Hid dcpl = checked(H5Dget_create_plist(dataset),
                     [&] { return "Reading the creation properties of " + what; });
  if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED) return;
  std::vector<hsize_t> dims(rank);
  check(H5Pget_chunk(dcpl.get(), static_cast<int>(rank), dims.data()),
        [&] { return "Reading the chunk shape of " + what; });
  md.chunks = Shape(dims.begin(), dims.end());
  const int n = H5Pget_nfilters(dcpl.get());
  bool deflate = false, shuffle = false;
  unsigned level = 0;
  std::string others;
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, values[8] = {};
    std::size_t nvalues = 8;
    char name[64] = {};
    unsigned config = 0;
    const H5Z_filter_t id = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &nvalues,
                                           values, sizeof name, name, &config);
    if (id == H5Z_FILTER_DEFLATE) {
      deflate = true;
      level = nvalues > 0 ? values[0] : 0;
    } else if (id == H5Z_FILTER_SHUFFLE) {
      shuffle = true;
    } else {
      others += (others.empty() ? "" : "+") + filter_name(id, name);
    }
  }
  if (!others.empty()) {
    if (deflate) others += "+deflate";
    if (shuffle) others = "shuffle+" + others;
    md.compression = {Compression::Kind::other, level, shuffle, others};
  } else if (deflate) {
    md.compression = Compression::deflate(level, shuffle);
  } else if (shuffle) {
    md.compression = {Compression::Kind::other, 0, true, "shuffle"};
  }
}

}  // namespace

nlohmann::json QuantityMetadata::to_json() const {
  json j = json::object();
  j["shape"] = shape;
  j["dtype"] = dtype;
  if (unit) j["unit"] = *unit;
  j["chunks"] = chunks ? json(*chunks) : json(nullptr);
  switch (compression.kind) {
    case Compression::Kind::none:
      j["compression"] = {{"filter", "none"}};
      break;
    case Compression::Kind::deflate:
      j["compression"] = {
          {"filter", "deflate"}, {"level", compression.level}, {"shuffle", compression.shuffle}};
      break;
    case Compression::Kind::other:
      j["compression"] = {{"filter", compression.other}};
      break;
  }
  if (statistics) {
    const Statistics& s = *statistics;
    json st = {{"count", s.count()}};
    if (s.dtype() == DType::float32 || s.dtype() == DType::float64) st["nan_count"] = s.nan_count();
    if (s.min()) st["min"] = value_to_json(*s.min());
    if (s.max()) st["max"] = value_to_json(*s.max());
    if (auto m = s.mean()) st["mean"] = number_to_json(*m);
    j["statistics"] = std::move(st);
  }
  return j;
}

QuantityMetadata QuantityMetadata::from_json(const nlohmann::json& j) {
  if (!j.is_object())
    throw ValueError(fmt::format("Quantity metadata must be an object, got {}", j.dump()));
  QuantityMetadata md;
  auto need = [&](const char* key) -> const json& {
    auto it = j.find(key);
    if (it == j.end())
      throw ValueError(fmt::format("Quantity metadata lacks {}: {}", detail::quote(key), j.dump()));
    return *it;
  };
  md.shape = shape_from_json(need("shape"), "shape");
  const json& dtype = need("dtype");
  if (!dtype.is_string())
    throw ValueError(
        fmt::format("Quantity metadata: dtype must be a string, got {}", dtype.dump()));
  md.dtype = dtype.get<std::string>();
  const DType dt = metadata_dtype(md.dtype);
  if (auto it = j.find("unit"); it != j.end() && !it->is_null()) {
    if (!it->is_string())
      throw ValueError(fmt::format("Quantity metadata: unit must be a string, got {}", it->dump()));
    md.unit = it->get<std::string>();
  }
  if (auto it = j.find("chunks"); it != j.end() && !it->is_null())
    md.chunks = shape_from_json(*it, "chunks");
  if (auto it = j.find("compression"); it != j.end() && !it->is_null()) {
    const json& c = *it;
    const std::string filter =
        c.is_object() && c.contains("filter") && c["filter"].is_string()
            ? c["filter"].get<std::string>()
            : throw ValueError(fmt::format(
                  "Quantity metadata: compression needs a filter name, got {}", c.dump()));
    if (filter == "deflate") {
      md.compression = Compression::deflate(c.value("level", 4u), c.value("shuffle", false));
    } else if (filter != "none") {
      md.compression = {Compression::Kind::other, 0, false, filter};
    }
  }
  if (auto it = j.find("statistics"); it != j.end() && !it->is_null()) {
    const json& s = *it;
    if (!s.is_object() || !s.contains("count") || !s["count"].is_number_unsigned())
      throw ValueError(fmt::format("Quantity metadata: statistics need a count, got {}", s.dump()));
    std::optional<StatisticValue> min, max;
    std::optional<double> mean;
    if (s.contains("min")) min = value_from_json(s["min"], dt, "statistics.min");
    if (s.contains("max")) max = value_from_json(s["max"], dt, "statistics.max");
    if (s.contains("mean")) mean = number_from_json(s["mean"], "statistics.mean");
    md.statistics = Statistics::restored(dt, s["count"].get<std::uint64_t>(),
                                         s.value("nan_count", std::uint64_t{0}), min, max, mean);
  }
  return md;
}

Attributes statistics_attributes(const Statistics& s) {
  Attributes attrs;
  attrs.emplace_back(stat_count_attribute, AttributeValue::of(Array::scalar(s.count())));
  if (s.dtype() == DType::float32 || s.dtype() == DType::float64)
    attrs.emplace_back(stat_nan_count_attribute, AttributeValue::of(Array::scalar(s.nan_count())));
  if (s.min())
    attrs.emplace_back(stat_min_attribute, AttributeValue::of(scalar_attribute(*s.min())));
  if (s.max())
    attrs.emplace_back(stat_max_attribute, AttributeValue::of(scalar_attribute(*s.max())));
  if (auto m = s.mean())
    attrs.emplace_back(stat_mean_attribute, AttributeValue::of(Array::scalar(*m)));
  return attrs;
}

QuantityMetadata read_quantity_metadata(const std::filesystem::path& file,
                                        const std::string& dataset_path) {
  // open_for_reading gives the missing-file / missing-dataset errors.
  const detail::OpenDataset d = detail::open_for_reading(file, dataset_path);
  return detail::dataset_metadata(d.dataset.get(), file, d.path);
}

namespace detail {

QuantityMetadata dataset_metadata(hid_t dataset, const std::filesystem::path& file,
                                  const std::string& path) {
  const std::string in_file = fmt::format("{} in {}", path, file.string());
  const DatasetInfo info = info_of(dataset, "Dataset " + in_file);
  QuantityMetadata md;
  md.shape = info.shape;
  md.dtype = dtype_name(info.dtype, info.string_size);
  md.unit = string_attribute(dataset, "units", "Attribute units of " + in_file);

  const std::string what = "dataset " + in_file;
  read_layout(dataset, md.shape.size(), md, what);
  {
    detail::QuietErrors quiet;
    if (H5Aexists(dataset, stat_count_attribute) <= 0) return md;
  }
  const std::uint64_t count = read_count_attribute(dataset, stat_count_attribute, what);
  const std::uint64_t nans = read_count_attribute(dataset, stat_nan_count_attribute, what);
  auto min = read_value_attribute(dataset, stat_min_attribute, what);
  auto max = read_value_attribute(dataset, stat_max_attribute, what);
  std::optional<double> mean;
  if (auto m = read_value_attribute(dataset, stat_mean_attribute, what)) mean = as_double(*m);
  md.statistics = Statistics::restored(info.dtype, count, nans, min, max, mean);
  return md;
}

}  // namespace detail

}  // namespace h5archive
