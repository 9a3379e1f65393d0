// Statistics gathered while a quantity's data passes through a writer.
#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "h5archive/statistics.hpp"

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

// One block's extremes, compensated sum and counts (NaNs left out).
template <class T>
struct BlockSummary {
  T lo{}, hi{};
  double sum = 0.0;
  std::uint64_t count = 0, nans = 0;
};

// A Kahan-compensated sum.
struct CompensatedSum {
  double sum = 0.0, c = 0.0;
  void add(double v) {
    const double y = v - c;
    const double t = sum + y;
    // An infinity ends compensation (inf - inf would poison the sum with NaN).
    c = std::isfinite(t) ? (t - sum) - y : 0.0;
    sum = t;
  }
  double value() const { return sum - c; }
};

// A block's pass, written so that the compiler vectorises it: kLanes
// independent running extremes and sums, no branch (a NaN adds 0 and counts
// in `nans`; it compares false, so the extremes keep). A compensated sum of
// every element chained four dependent additions per element and held the
// pass to a fraction of the disk's speed; here the lanes' plain sums over
// kRun elements (kRun / kLanes each, too few to lose accuracy) are added to
// one compensated sum.
template <class T>
BlockSummary<T> summarise(const T* p, std::uint64_t n) {
  constexpr std::size_t kLanes = 8, kRun = 1024;
  constexpr bool floating = std::is_floating_point_v<T>;
  T lo[kLanes], hi[kLanes];
  for (std::size_t k = 0; k < kLanes; ++k) {
    lo[k] = floating ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
    hi[k] = floating ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
  }
  CompensatedSum total;
  double nans = 0;
  std::uint64_t i = 0;
  for (; i + kRun <= n; i += kRun) {
    double sum[kLanes] = {}, bad[kLanes] = {};
    for (std::size_t j = 0; j < kRun; j += kLanes) {
      for (std::size_t k = 0; k < kLanes; ++k) {
        const T v = p[i + j + k];
        const bool ok = v == v;  // false for NaN only
        bad[k] += ok ? 0.0 : 1.0;
        sum[k] += ok ? static_cast<double>(v) : 0.0;
        lo[k] = v < lo[k] ? v : lo[k];
        hi[k] = hi[k] < v ? v : hi[k];
      }
    }
    for (std::size_t k = 0; k < kLanes; ++k) {
      total.add(sum[k]);
      nans += bad[k];
    }
  }
  for (; i < n; ++i) {
    const T v = p[i];
    if (v != v) {
      ++nans;
      continue;
    }
    total.add(static_cast<double>(v));
    lo[0] = v < lo[0] ? v : lo[0];
    hi[0] = hi[0] < v ? v : hi[0];
  }
  BlockSummary<T> b{lo[0], hi[0], total.value(), 0, static_cast<std::uint64_t>(nans)};
  for (std::size_t k = 1; k < kLanes; ++k) {
    b.lo = lo[k] < b.lo ? lo[k] : b.lo;
    b.hi = b.hi < hi[k] ? hi[k] : b.hi;
  }
  b.count = n - b.nans;
  return b;
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
    const BlockSummary<T> b = summarise(static_cast<const T*>(data), n);
    nan_count_ += b.nans;
    if (b.count == 0) return;
    const StatisticValue wlo = widen(b.lo, dtype_), whi = widen(b.hi, dtype_);
    auto less = [](const StatisticValue& a, const StatisticValue& c) {
      return std::visit(
          [&](auto x) {
            using X = decltype(x);
            return x < std::get<X>(c);
          },
          a);
    };
    if (!min_ || less(wlo, *min_)) min_ = wlo;
    if (!max_ || less(*max_, whi)) max_ = whi;
    // Welford merge: mean += (block_mean - mean) * m / (n + m). An infinite
    // element makes the mean infinite (or NaN for inf - inf), as numpy's.
    const double block_mean = b.sum / static_cast<double>(b.count);
    const std::uint64_t total = ordered_ + b.count;
    if (ordered_ == 0) {
      mean_ = block_mean;
    } else {
      mean_ += (block_mean - mean_) * (static_cast<double>(b.count) / static_cast<double>(total));
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
