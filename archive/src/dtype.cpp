#include "h5archive/dtype.hpp"

#include <array>
#include <utility>

#include "h5archive/errors.hpp"

namespace h5archive {
namespace {

constexpr std::array<std::pair<DType, const char*>, 14> kNames{{
    {DType::boolean, "bool"},
    {DType::int8, "int8"},
    {DType::int16, "int16"},
    {DType::int32, "int32"},
    {DType::int64, "int64"},
    {DType::uint8, "uint8"},
    {DType::uint16, "uint16"},
    {DType::uint32, "uint32"},
    {DType::uint64, "uint64"},
    {DType::float32, "float32"},
    {DType::float64, "float64"},
    {DType::complex64, "complex64"},
    {DType::complex128, "complex128"},
    {DType::variable_string, "str"},
}};

enum class Kind { boolean, signed_int, unsigned_int, floating, complex, string };

Kind kind_of(DType d) {
  switch (d) {
    case DType::boolean:
      return Kind::boolean;
    case DType::int8:
    case DType::int16:
    case DType::int32:
    case DType::int64:
      return Kind::signed_int;
    case DType::uint8:
    case DType::uint16:
    case DType::uint32:
    case DType::uint64:
      return Kind::unsigned_int;
    case DType::float32:
    case DType::float64:
      return Kind::floating;
    case DType::complex64:
    case DType::complex128:
      return Kind::complex;
    case DType::fixed_string:
    case DType::variable_string:
      return Kind::string;
  }
  return Kind::string;
}

// The smallest float size (bytes) that holds every value of an integer type
// exactly, as numpy decides it: 8/16-bit ints fit float32, wider ones need
// float64, and 64-bit ints are still allowed into float64 (numpy's rule).
std::size_t float_size_for_int(DType d) { return dtype_size(d) <= 2 ? 4 : 8; }

}  // namespace

std::string dtype_name(DType dtype, std::size_t string_size) {
  if (dtype == DType::fixed_string)
    return string_size > 0 ? "S" + std::to_string(string_size) : std::string("S");
  for (const auto& [d, name] : kNames)
    if (d == dtype) return name;
  return "unknown";
}

DType dtype_from_name(std::string_view name) {
  for (const auto& [d, n] : kNames)
    if (name == n) return d;
  throw ValueError("Unknown dtype name \"" + std::string(name) +
                   "\" (expected bool, int8..int64, uint8..uint64, float32, float64, "
                   "complex64, complex128 or str)");
}

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::boolean:
    case DType::int8:
    case DType::uint8:
      return 1;
    case DType::int16:
    case DType::uint16:
      return 2;
    case DType::int32:
    case DType::uint32:
    case DType::float32:
      return 4;
    case DType::int64:
    case DType::uint64:
    case DType::float64:
    case DType::complex64:
      return 8;
    case DType::complex128:
      return 16;
    case DType::fixed_string:
    case DType::variable_string:
      return 0;
  }
  return 0;
}

bool is_string(DType dtype) { return kind_of(dtype) == Kind::string; }

bool can_cast_safely(DType from, DType to) {
  if (from == to) return true;
  const Kind kf = kind_of(from);
  const Kind kt = kind_of(to);
  const std::size_t sf = dtype_size(from);
  const std::size_t st = dtype_size(to);
  // Strings and numbers never mix; a fixed string fits a variable one, not
  // the other way round (h5py's str is numpy's object dtype).
  if (kf == Kind::string || kt == Kind::string)
    return from == DType::fixed_string && to == DType::variable_string;
  switch (kf) {
    case Kind::boolean:
      return true;  // bool fits every numeric type
    case Kind::signed_int:
      if (kt == Kind::signed_int) return st >= sf;
      if (kt == Kind::floating) return st >= float_size_for_int(from);
      if (kt == Kind::complex) return st / 2 >= float_size_for_int(from);
      return false;  // no signed -> unsigned, no int -> bool
    case Kind::unsigned_int:
      if (kt == Kind::unsigned_int) return st >= sf;
      if (kt == Kind::signed_int) return st > sf;
      if (kt == Kind::floating) return st >= float_size_for_int(from);
      if (kt == Kind::complex) return st / 2 >= float_size_for_int(from);
      return false;
    case Kind::floating:
      if (kt == Kind::floating) return st >= sf;
      if (kt == Kind::complex) return st / 2 >= sf;
      return false;
    case Kind::complex:
      return kt == Kind::complex && st >= sf;
    case Kind::string:
      return false;
  }
  return false;
}

bool can_cast_safely(DType from, std::size_t from_string_size, DType to,
                     std::size_t to_string_size) {
  if (from == DType::fixed_string && to == DType::fixed_string)
    return to_string_size >= from_string_size;
  return can_cast_safely(from, to);
}

}  // namespace h5archive
