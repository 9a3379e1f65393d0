// Statistics gathered while a quantity's data passes through a writer.
#include <cmath>
#include <complex>
#include <cstdint>
#include <type_traits>

#include "h5archive/quantity_metadata.hpp"

namespace h5archive {
namespace {

// Calls f(T{}) with the element type of an ordered dtype; false otherwise.
template <class F>
bool visit_ordered(DType dtype, F&& f) {
  switch (dtype) {
    case DType::boolean:
      f(std::uint8_t{});  // stored as one byte 0/1
      return true;
    case DType::int8:
      f(std::int8_t{});
      return true;
    case DType::int16:
      f(std::int16_t{});
      return true;
    case DType::int32:
      f(std::int32_t{});
      return true;
    case DType::int64:
      f(std::int64_t{});
      return true;
    case DType::uint8:
      f(std::uint8_t{});
      return true;
    case DType::uint16:
      f(std::uint16_t{});
      return true;
    case DType::uint32:
      f(std::uint32_t{});
      return true;
    case DType::uint64:
      f(std::uint64_t{});
      return true;
    case DType::float32:
      f(float{});
      return true;
    case DType::float64:
      f(double{});
      return true;
    default:
      return false;
  }
}

// The widest representation of one element, so 64-bit integers stay exact.
template <class T>
StatisticValue widen(T v, DType dtype) {
  if (dtype == DType::boolean) return StatisticValue(v != 0);
  if constexpr (std::is_floating_point_v<T>) {
    return StatisticValue(static_cast<double>(v));
  } else if constexpr (std::is_signed_v<T>) {
    return StatisticValue(static_cast<std::int64_t>(v));
  } else {
    return StatisticValue(static_cast<std::uint64_t>(v));
  }
}

}  // namespace

double as_double(const StatisticValue& value) {
  return std::visit([](auto v) { return static_cast<double>(v); }, value);
}

bool Statistics::has_order() const {
  return visit_ordered(dtype_, [](auto) {});
}

std::optional<double> Statistics::mean() const {
  if (ordered_ == 0) return std::nullopt;
  return mean_;
}

void Statistics::update(const Array& block) {
  if (block.dtype() != dtype_)
    throw TypeMismatchError("Statistics of " + dtype_name(dtype_) + " data cannot take a " +
                            block.dtype_name() + " block");
  if (is_string(dtype_)) {
    count_ += block.size();
    return;
  }
  update(block.bytes().data(), block.size());
}

void Statistics::update(const void* data, std::uint64_t n) {
  count_ += n;
  if (n == 0) return;
  visit_ordered(dtype_, [&](auto tag) {
    using T = decltype(tag);
    const T* p = static_cast<const T*>(data);
    T lo{}, hi{};
    bool any = false;
    // Kahan-compensated block sum: the block's mean is then merged with
    // Welford's update, which keeps the running mean stable across blocks.
    double sum = 0.0, c = 0.0;
    std::uint64_t m = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      const T v = p[i];
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(v)) {
          ++nan_count_;
          continue;
        }
      }
      if (!any) {
        lo = hi = v;
        any = true;
      } else {
        if (v < lo) lo = v;
        if (hi < v) hi = v;
      }
      const double y = static_cast<double>(v) - c;
      const double t = sum + y;
      // An infinity ends compensation (inf - inf would poison the sum with NaN).
      c = std::isfinite(t) ? (t - sum) - y : 0.0;
      sum = t;
      ++m;
    }
    if (!any) return;
    const StatisticValue wlo = widen(lo, dtype_), whi = widen(hi, dtype_);
    auto less = [](const StatisticValue& a, const StatisticValue& b) {
      return std::visit(
          [&](auto x) {
            using X = decltype(x);
            return x < std::get<X>(b);
          },
          a);
    };
    if (!min_ || less(wlo, *min_)) min_ = wlo;
    if (!max_ || less(*max_, whi)) max_ = whi;
    // Welford merge: mean += (block_mean - mean) * m / (n + m). An infinite
    // element makes the mean infinite (or NaN for inf - inf), as numpy's.
    const double block_mean = sum / static_cast<double>(m);
    const std::uint64_t total = ordered_ + m;
    if (ordered_ == 0) {
      mean_ = block_mean;
    } else {
      mean_ += (block_mean - mean_) * (static_cast<double>(m) / static_cast<double>(total));
    }
    ordered_ = total;
  });
}

Statistics Statistics::restored(DType dtype, std::uint64_t count, std::uint64_t nan_count,
                                std::optional<StatisticValue> min,
                                std::optional<StatisticValue> max, std::optional<double> mean) {
  Statistics s(dtype);
  s.count_ = count;
  s.nan_count_ = nan_count;
  s.min_ = std::move(min);
  s.max_ = std::move(max);
  if (mean) {
    s.mean_ = *mean;
    s.ordered_ = count > nan_count ? count - nan_count : 1;
  }
  return s;
}

bool operator==(const Statistics& a, const Statistics& b) {
  return a.dtype_ == b.dtype_ && a.count_ == b.count_ && a.nan_count_ == b.nan_count_ &&
         a.min_ == b.min_ && a.max_ == b.max_ && a.mean() == b.mean();
}

}  // namespace h5archive
