// Metadata of a large quantity: shape, dtype, unit, layout and statistics,
// recorded when the quantity is written and readable without its data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "h5archive/array.hpp"
#include "h5archive/dataset_io.hpp"
#include "h5archive/dtype.hpp"

namespace h5archive {

/// A minimum or maximum, in the widest C++ type of its dtype's kind, so
/// 64-bit integers stay exact: bool, signed, unsigned or floating.
using StatisticValue = std::variant<bool, std::int64_t, std::uint64_t, double>;

/// Statistics gathered while data passes, block by block.
/// - numeric and bool dtypes: count, min, max, mean;
/// - float dtypes also count NaNs, which are left out of min, max and mean
///   (min/max/mean are unset when every element is NaN);
/// - complex and string dtypes: only count (numpy has no order on complex
///   numbers; a string has no mean).
/// The mean is a running mean in double precision: each block's sum is
/// Kahan-compensated and blocks are merged with Welford's update, so it
/// does not drift over billions of elements.
class Statistics {
 public:
  Statistics() = default;
  explicit Statistics(DType dtype) : dtype_(dtype) {}

  /// Adds `n` elements of `dtype` (this statistics' dtype) laid out in memory
  /// as Array does (bool one byte 0/1). No-op for strings and complex except
  /// for the count.
  void update(const void* data, std::uint64_t n);
  /// update() over all elements of `block` (dtype must be this one's).
  void update(const Array& block);

  DType dtype() const { return dtype_; }
  std::uint64_t count() const { return count_; }
  /// NaNs seen (floats only; always 0 otherwise).
  std::uint64_t nan_count() const { return nan_count_; }
  /// Whether min/max/mean are defined for this dtype (numeric or bool).
  bool has_order() const;
  const std::optional<StatisticValue>& min() const { return min_; }
  const std::optional<StatisticValue>& max() const { return max_; }
  std::optional<double> mean() const;

  /// Restores statistics read from attributes or JSON.
  static Statistics restored(DType dtype, std::uint64_t count, std::uint64_t nan_count,
                             std::optional<StatisticValue> min, std::optional<StatisticValue> max,
                             std::optional<double> mean);

  /// Same dtype and same count, NaN count, min, max and mean.
  friend bool operator==(const Statistics& a, const Statistics& b);

 private:
  DType dtype_ = DType::float64;
  std::uint64_t count_ = 0;
  std::uint64_t nan_count_ = 0;
  std::optional<StatisticValue> min_;
  std::optional<StatisticValue> max_;
  // Running mean over `ordered_` (non-NaN) elements.
  std::uint64_t ordered_ = 0;
  double mean_ = 0.0;
};

/// A StatisticValue as a double (for display and tests).
double as_double(const StatisticValue& value);

/// How a dataset's chunks are compressed.
struct Compression {
  /// `other`: filters h5archive does not write (e.g. h5py's lzf), named in `other`.
  enum class Kind { none, deflate, other } kind = Kind::none;
  unsigned level = 4;    ///< deflate level 0–9
  bool shuffle = false;  ///< byte shuffle before deflate
  std::string other;     ///< kind other: the filter names, "+"-joined
  static Compression deflate(unsigned level = 4, bool shuffle = true) {
    return {Kind::deflate, level, shuffle, {}};
  }
  friend bool operator==(const Compression&, const Compression&) = default;
};

/// What is known about a written quantity without reading its data.
struct QuantityMetadata {
  Shape shape;
  std::string dtype;                     ///< numpy name ("float64", "S5", "str")
  std::optional<std::string> unit;       ///< the `units` attribute ("" = dimensionless)
  std::optional<Shape> chunks;           ///< unset = contiguous (or compact) layout
  Compression compression;               ///< "none" or "deflate" (with level and shuffle)
  std::optional<Statistics> statistics;  ///< unset if never computed

  /// {"shape": [..], "dtype": "float64", "unit": "eV" (if set), "chunks": [..] | null,
  ///  "compression": {"filter": "none"} | {"filter": "deflate", "level": 4, "shuffle": true},
  ///  "statistics": {"count": n, "nan_count": n, "min": x, "max": x, "mean": x} (if set)}
  nlohmann::json to_json() const;
  /// Inverse of to_json(); ValueError naming the key on malformed input.
  static QuantityMetadata from_json(const nlohmann::json& json);

  friend bool operator==(const QuantityMetadata&, const QuantityMetadata&) = default;
};

/// Attribute names under which statistics are stored on a dataset.
inline constexpr const char* stat_count_attribute = "h5archive_count";
inline constexpr const char* stat_nan_count_attribute = "h5archive_nan_count";
inline constexpr const char* stat_min_attribute = "h5archive_min";
inline constexpr const char* stat_max_attribute = "h5archive_max";
inline constexpr const char* stat_mean_attribute = "h5archive_mean";

/// The statistics as dataset attributes: h5archive_count (uint64),
/// h5archive_nan_count (uint64, floats only), h5archive_min / h5archive_max
/// (bool, int64, uint64 or float64 scalars) and h5archive_mean (float64), the
/// last three only when defined.
Attributes statistics_attributes(const Statistics& statistics);

/// Reads a dataset's metadata from the file alone: shape, dtype, chunk shape
/// and filters from HDF5, unit from the `units` attribute, statistics from the
/// h5archive_* attributes if present. The data is not read. NotFoundError
/// names the file or dataset when missing; soft and external links are followed.
QuantityMetadata read_quantity_metadata(const std::filesystem::path& file,
                                        const std::string& dataset_path);

}  // namespace h5archive
