// An N-dimensional value with a dtype: what quantities hold and HDF5 stores.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "h5archive/dtype.hpp"
#include "h5archive/errors.hpp"

namespace h5archive {

using Shape = std::vector<std::uint64_t>;

/// "(3,)", "(2, 3)", "()" — numpy's tuple notation, used in messages.
std::string shape_str(const Shape& shape);

/// Number of elements of a shape (1 for 0-d). Throws ValueError naming the
/// shape if the count does not fit in 64 bits (see checked_size.hpp).
std::uint64_t element_count(const Shape& shape);

/// Checks, before anything is allocated, that the elements of an Array of
/// `dtype` and `shape` can be held in memory, and returns their bytes.
/// Throws ValueError naming `what`, the dtype and the shape if the count or
/// size overflows 64 bits or is above allocation_limit(). Strings count
/// their record and std::string.
std::size_t check_allocatable(DType dtype, std::size_t string_size, const Shape& shape,
                              std::string_view what);

class ArrayView;

/// A dense, row-major N-d array. Numeric and bool elements live in a byte
/// buffer (bool as one byte 0/1); string elements in a vector of strings.
/// A 0-d array (empty shape) holds one element; a shape with a 0 holds none.
class Array {
 public:
  Array() = default;

  /// Numeric array from values; throws ValueError if values.size() does not
  /// equal the element count of `shape`.
  template <class T>
  static Array of(std::vector<T> values, Shape shape) {
    Array a;
    a.dtype_ = dtype_of<T>();
    a.shape_ = std::move(shape);
    a.check_count(values.size());
    a.bytes_.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(a.bytes_.data(), values.data(), values.size() * sizeof(T));
    return a;
  }
  /// 1-D numeric array.
  template <class T>
  static Array of(std::vector<T> values) {
    Shape s{values.size()};
    return of(std::move(values), std::move(s));
  }
  /// 0-d numeric array.
  template <class T>
  static Array scalar(T value) {
    return of(std::vector<T>{value}, Shape{});
  }
  /// bool needs its own overload: std::vector<bool> is packed.
  static Array of_bools(const std::vector<bool>& values, Shape shape);
  /// String array; `fixed_size` > 0 gives fixed-length strings of that many
  /// bytes (longer values throw ValueError), 0 gives variable-length strings.
  static Array of_strings(std::vector<std::string> values, Shape shape, std::size_t fixed_size = 0);
  /// A zeroed numeric array of the given type and shape (ValueError as
  /// check_allocatable() for a shape that cannot be held).
  static Array zeros(DType dtype, Shape shape);
  /// The n×n float64 identity (numpy's eye(n)).
  static Array eye(std::uint64_t n);

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  std::size_t rank() const { return shape_.size(); }
  std::uint64_t size() const { return element_count(shape_); }
  /// Element size in bytes for fixed strings; 0 otherwise.
  std::size_t string_size() const { return string_size_; }
  /// numpy's dtype name, e.g. "float64" or "S5".
  std::string dtype_name() const { return h5archive::dtype_name(dtype_, string_size_); }

  /// Typed view; throws TypeMismatchError naming both dtypes on mismatch.
  template <class T>
  std::span<const T> values() const {
    check_dtype(dtype_of<T>());
    return {reinterpret_cast<const T*>(bytes_.data()), bytes_.size() / sizeof(T)};
  }
  template <class T>
  std::span<T> values() {
    check_dtype(dtype_of<T>());
    return {reinterpret_cast<T*>(bytes_.data()), bytes_.size() / sizeof(T)};
  }
  /// Bool elements as bytes 0/1; throws TypeMismatchError unless bool.
  std::span<const std::uint8_t> bools() const;
  /// String elements; throws TypeMismatchError unless a string dtype.
  const std::vector<std::string>& strings() const;

  /// Raw element bytes of numeric / bool arrays (row-major).
  const std::vector<std::byte>& bytes() const { return bytes_; }
  std::vector<std::byte>& bytes() { return bytes_; }

  /// This array converted element-wise to `to` (numeric and bool only);
  /// throws TypeMismatchError unless can_cast_safely(dtype(), to).
  Array cast_to(DType to) const;

  /// A view of this array's elements (numeric and bool only: ValueError
  /// for strings); valid while the array lives and is not resized.
  ArrayView view() const;

  /// Same dtype, shape and elements.
  friend bool operator==(const Array& a, const Array& b);

 private:
  void check_count(std::size_t n) const;
  void check_dtype(DType wanted) const;

  DType dtype_ = DType::float64;
  Shape shape_{0};
  std::size_t string_size_ = 0;
  std::vector<std::byte> bytes_;
  std::vector<std::string> strings_;
};

/// A non-owning, read-only view of a dense row-major numeric or bool array
/// in someone else's buffer (a numpy array's, an Array's): what assigning a
/// large value writes from without copying it (Section::set, write_dataset).
/// The buffer must outlive the view and not change while it is written.
/// Strings have no view: their elements are not one buffer.
class ArrayView {
 public:
  /// Checks that `bytes` holds exactly the elements of `shape` in `dtype`
  /// (ValueError naming both sizes otherwise, or naming a string dtype).
  ArrayView(DType dtype, Shape shape, std::span<const std::byte> bytes);
  /// The elements of `array` (Array::view()); implicit, so that an Array
  /// goes wherever a view does.
  ArrayView(const Array& array);  // NOLINT(google-explicit-constructor)

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  std::size_t rank() const { return shape_.size(); }
  std::uint64_t size() const { return element_count(shape_); }
  /// Always 0: views hold numbers and bools only (like Array::string_size).
  std::size_t string_size() const { return 0; }
  std::string dtype_name() const { return h5archive::dtype_name(dtype_); }
  const std::byte* data() const { return bytes_.data(); }
  std::span<const std::byte> bytes() const { return bytes_; }

  /// An owning copy (check_allocatable's ValueError if it cannot be held).
  Array to_array() const;
  /// The elements converted to `to` into a new Array; TypeMismatchError
  /// "Cannot safely cast <from> to <to>" unless can_cast_safely(dtype(), to).
  Array cast_to(DType to) const;

 private:
  DType dtype_;
  Shape shape_;
  std::span<const std::byte> bytes_;
};

}  // namespace h5archive
