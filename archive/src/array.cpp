#include "h5archive/array.hpp"

#include <complex>
#include <cstdint>
#include <type_traits>

#include "h5archive/checked_size.hpp"

namespace h5archive {
namespace {

template <class T>
struct IsComplex : std::false_type {};
template <class T>
struct IsComplex<std::complex<T>> : std::true_type {};

// Converts n elements of `From` into `To`. Only called for safe casts, so no
// value is lost; complex targets get a zero imaginary part.
template <class To, class From>
void convert(const std::byte* in, std::byte* out, std::uint64_t n) {
  for (std::uint64_t i = 0; i < n; ++i) {
    From f;
    std::memcpy(&f, in + i * sizeof(From), sizeof(From));
    To t;
    if constexpr (IsComplex<To>::value && IsComplex<From>::value) {
      t = To(static_cast<typename To::value_type>(f.real()),
             static_cast<typename To::value_type>(f.imag()));
    } else if constexpr (IsComplex<To>::value) {
      t = To(static_cast<typename To::value_type>(f), 0);
    } else if constexpr (IsComplex<From>::value) {
      t = static_cast<To>(f.real());  // unreachable for safe casts
    } else {
      t = static_cast<To>(f);
    }
    std::memcpy(out + i * sizeof(To), &t, sizeof(To));
  }
}

// Calls fn(T{}) with T the C++ element type of a numeric dtype (bool as
// uint8_t: stored as one byte 0/1).
template <class Fn>
void visit_numeric(DType d, Fn&& fn) {
  switch (d) {
    case DType::boolean:
      return fn(std::uint8_t{});
    case DType::int8:
      return fn(std::int8_t{});
    case DType::int16:
      return fn(std::int16_t{});
    case DType::int32:
      return fn(std::int32_t{});
    case DType::int64:
      return fn(std::int64_t{});
    case DType::uint8:
      return fn(std::uint8_t{});
    case DType::uint16:
      return fn(std::uint16_t{});
    case DType::uint32:
      return fn(std::uint32_t{});
    case DType::uint64:
      return fn(std::uint64_t{});
    case DType::float32:
      return fn(float{});
    case DType::float64:
      return fn(double{});
    case DType::complex64:
      return fn(std::complex<float>{});
    case DType::complex128:
      return fn(std::complex<double>{});
    case DType::fixed_string:
    case DType::variable_string:
      break;
  }
  throw ValueError("Not a numeric dtype: " + dtype_name(d));
}

}  // namespace

std::string shape_str(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

std::uint64_t element_count(const Shape& shape) { return checked_element_count(shape, "An array"); }

std::size_t check_allocatable(DType dtype, std::size_t string_size, const Shape& shape,
                              std::string_view what) {
  // Strings: the record HDF5 or numpy hands over plus the std::string
  // (variable-length: a pointer instead of the record).
  const std::uint64_t item = dtype == DType::fixed_string      ? string_size + sizeof(std::string)
                             : dtype == DType::variable_string ? sizeof(char*) + sizeof(std::string)
                                                               : dtype_size(dtype);
  return allocatable(shape, item, std::string(what) + " (" + dtype_name(dtype, string_size) + ")");
}

Array Array::of_bools(const std::vector<bool>& values, Shape shape) {
  Array a;
  a.dtype_ = DType::boolean;
  a.shape_ = std::move(shape);
  a.check_count(values.size());
  a.bytes_.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    a.bytes_[i] = static_cast<std::byte>(values[i] ? 1 : 0);
  return a;
}

Array Array::of_strings(std::vector<std::string> values, Shape shape, std::size_t fixed_size) {
  Array a;
  a.dtype_ = fixed_size > 0 ? DType::fixed_string : DType::variable_string;
  a.string_size_ = fixed_size;
  a.shape_ = std::move(shape);
  a.check_count(values.size());
  if (fixed_size > 0) {
    for (const auto& v : values)
      if (v.size() > fixed_size)
        throw ValueError("String \"" + v + "\" has " + std::to_string(v.size()) +
                         " bytes, more than the fixed size of " + a.dtype_name());
  }
  a.strings_ = std::move(values);
  return a;
}

Array Array::zeros(DType dtype, Shape shape) {
  if (is_string(dtype))
    throw ValueError("Array::zeros needs a numeric or bool dtype, not " +
                     h5archive::dtype_name(dtype));
  Array a;
  a.dtype_ = dtype;
  a.shape_ = std::move(shape);
  a.bytes_.resize(check_allocatable(dtype, 0, a.shape_, "An array"));
  return a;
}

Array Array::eye(std::uint64_t n) {
  Array a = zeros(DType::float64, Shape{n, n});
  auto v = a.values<double>();
  for (std::uint64_t i = 0; i < n; ++i) v[i * n + i] = 1.0;
  return a;
}

std::span<const std::uint8_t> Array::bools() const {
  check_dtype(DType::boolean);
  return {reinterpret_cast<const std::uint8_t*>(bytes_.data()), bytes_.size()};
}

const std::vector<std::string>& Array::strings() const {
  if (!is_string(dtype_))
    throw TypeMismatchError("Array of " + dtype_name() + " " + shape_str(shape_) +
                            " does not hold strings");
  return strings_;
}

Array Array::cast_to(DType to) const {
  if (!is_string(dtype_)) return view().cast_to(to);
  if (!can_cast_safely(dtype_, to))
    throw TypeMismatchError("Cannot safely cast " + dtype_name() + " to " +
                            h5archive::dtype_name(to));
  if (to == dtype_) return *this;
  Array a = *this;  // only S<n> -> str gets here
  a.dtype_ = to;
  a.string_size_ = 0;
  return a;
}

ArrayView Array::view() const { return ArrayView(*this); }

// ---- ArrayView -------------------------------------------------------------------

ArrayView::ArrayView(DType dtype, Shape shape, std::span<const std::byte> bytes)
    : dtype_(dtype), shape_(std::move(shape)), bytes_(bytes) {
  if (is_string(dtype_))
    throw ValueError("An array view holds numbers or bools, not " + h5archive::dtype_name(dtype_));
  const std::uint64_t n = element_count(shape_);
  if (n > bytes_.size() / dtype_size(dtype_) || n * dtype_size(dtype_) != bytes_.size())
    throw ValueError("An array view of " + dtype_name() + " " + shape_str(shape_) + " needs " +
                     std::to_string(n) + " elements, got " + std::to_string(bytes_.size()) +
                     " bytes");
}

ArrayView::ArrayView(const Array& array)
    : ArrayView(array.dtype(), array.shape(), std::span<const std::byte>(array.bytes())) {}

Array ArrayView::to_array() const {
  Array out = Array::zeros(dtype_, shape_);
  if (!bytes_.empty()) std::memcpy(out.bytes().data(), bytes_.data(), bytes_.size());
  return out;
}

Array ArrayView::cast_to(DType to) const {
  if (!can_cast_safely(dtype_, to))
    throw TypeMismatchError("Cannot safely cast " + dtype_name() + " to " +
                            h5archive::dtype_name(to));
  if (to == dtype_) return to_array();
  Array out = Array::zeros(to, shape_);
  const std::uint64_t n = size();
  visit_numeric(to, [&](auto to_tag) {
    visit_numeric(dtype_, [&](auto from_tag) {
      convert<decltype(to_tag), decltype(from_tag)>(bytes_.data(), out.bytes().data(), n);
    });
  });
  return out;
}

bool operator==(const Array& a, const Array& b) {
  return a.dtype_ == b.dtype_ && a.shape_ == b.shape_ && a.string_size_ == b.string_size_ &&
         a.bytes_ == b.bytes_ && a.strings_ == b.strings_;
}

void Array::check_count(std::size_t n) const {
  if (n != element_count(shape_))
    throw ValueError("Got " + std::to_string(n) + " values for shape " + shape_str(shape_) + " (" +
                     std::to_string(element_count(shape_)) + " elements)");
}

void Array::check_dtype(DType wanted) const {
  if (dtype_ != wanted)
    throw TypeMismatchError("Array is " + dtype_name() + ", not " + h5archive::dtype_name(wanted));
}

}  // namespace h5archive
