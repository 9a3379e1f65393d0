// Statistics of a quantity (count, NaNs, min, max, mean), gathered block by
// block as its data passes through a writer.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>

#include "h5archive/array.hpp"
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

}  // namespace h5archive
