// Element types of archive quantities, with numpy's names and casting rule.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace h5archive {

/// Element type of an Array. Complex numbers are stored in HDF5 as a compound
/// {r, i} as h5py does; strings as UTF-8 (fixed length or variable length).
enum class DType {
  boolean,
  int8,
  int16,
  int32,
  int64,
  uint8,
  uint16,
  uint32,
  uint64,
  float32,
  float64,
  complex64,
  complex128,
  fixed_string,     ///< fixed-length UTF-8 (numpy `S<n>`); Array::string_size() bytes
  variable_string,  ///< variable-length UTF-8 (h5py's str dtype)
};

/// numpy's name: "bool", "int32", "float64", "complex128", "S<n>" / "str".
/// For fixed_string pass the element size to get `S<n>`.
std::string dtype_name(DType dtype, std::size_t string_size = 0);

/// Inverse of dtype_name() for the non-string types and "str"; throws
/// ValueError naming the text otherwise.
DType dtype_from_name(std::string_view name);

/// Bytes per element in memory (numeric types); 0 for strings.
std::size_t dtype_size(DType dtype);

bool is_string(DType dtype);

/// numpy's `can_cast(from, to, casting="safe")` for these types.
bool can_cast_safely(DType from, DType to);

/// can_cast_safely() with fixed-string sizes: `S<n>` casts safely to `S<m>`
/// only if m >= n (the sizes are ignored for every other dtype).
bool can_cast_safely(DType from, std::size_t from_string_size, DType to,
                     std::size_t to_string_size);

/// The DType of a C++ element type, for typed access to Arrays.
template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<bool>() {
  return DType::boolean;
}
template <>
constexpr DType dtype_of<std::int8_t>() {
  return DType::int8;
}
template <>
constexpr DType dtype_of<std::int16_t>() {
  return DType::int16;
}
template <>
constexpr DType dtype_of<std::int32_t>() {
  return DType::int32;
}
template <>
constexpr DType dtype_of<std::int64_t>() {
  return DType::int64;
}
template <>
constexpr DType dtype_of<std::uint8_t>() {
  return DType::uint8;
}
template <>
constexpr DType dtype_of<std::uint16_t>() {
  return DType::uint16;
}
template <>
constexpr DType dtype_of<std::uint32_t>() {
  return DType::uint32;
}
template <>
constexpr DType dtype_of<std::uint64_t>() {
  return DType::uint64;
}
template <>
constexpr DType dtype_of<float>() {
  return DType::float32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::float64;
}
template <>
constexpr DType dtype_of<std::complex<float>>() {
  return DType::complex64;
}
template <>
constexpr DType dtype_of<std::complex<double>>() {
  return DType::complex128;
}

}  // namespace h5archive
