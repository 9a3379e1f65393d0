// Metadata of a large quantity: shape, dtype, unit, layout and statistics,
// recorded when the quantity is written and readable without its data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "h5archive/array.hpp"
#include "h5archive/dataset_io.hpp"
#include "h5archive/dtype.hpp"
#include "h5archive/layout.hpp"
#include "h5archive/statistics.hpp"

namespace h5archive {

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
/// All of them: a new value's writer drops those it does not write, since
/// they would describe the data it replaces.
inline const std::vector<std::string> stat_attributes = {
    stat_count_attribute, stat_nan_count_attribute, stat_min_attribute, stat_max_attribute,
    stat_mean_attribute};

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
