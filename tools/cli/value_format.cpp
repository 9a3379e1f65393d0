// Element formatting for JSON and CSV output.
#include "value_format.hpp"

#include <cmath>
#include <complex>
#include <cstdint>
#include <ostream>
#include <vector>

#include <fmt/format.h>

#include "h5archive/checked_size.hpp"

namespace h5archive::cli {
namespace {

using json = nlohmann::json;

json float_to_json(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

// Calls `f(element)` for every element in row-major order, typed.
template <class F>
void for_each_element(const Array& a, F&& f) {
  switch (a.dtype()) {
    case DType::boolean:
      for (auto b : a.bools()) f(b != 0);
      return;
    case DType::int8:
      for (auto v : a.values<std::int8_t>()) f(static_cast<std::int64_t>(v));
      return;
    case DType::int16:
      for (auto v : a.values<std::int16_t>()) f(static_cast<std::int64_t>(v));
      return;
    case DType::int32:
      for (auto v : a.values<std::int32_t>()) f(static_cast<std::int64_t>(v));
      return;
    case DType::int64:
      for (auto v : a.values<std::int64_t>()) f(v);
      return;
    case DType::uint8:
      for (auto v : a.values<std::uint8_t>()) f(static_cast<std::uint64_t>(v));
      return;
    case DType::uint16:
      for (auto v : a.values<std::uint16_t>()) f(static_cast<std::uint64_t>(v));
      return;
    case DType::uint32:
      for (auto v : a.values<std::uint32_t>()) f(static_cast<std::uint64_t>(v));
      return;
    case DType::uint64:
      for (auto v : a.values<std::uint64_t>()) f(v);
      return;
    case DType::float32:
      for (auto v : a.values<float>()) f(v);
      return;
    case DType::float64:
      for (auto v : a.values<double>()) f(v);
      return;
    case DType::complex64:
      for (auto v : a.values<std::complex<float>>()) f(std::complex<double>(v));
      return;
    case DType::complex128:
      for (auto v : a.values<std::complex<double>>()) f(v);
      return;
    case DType::fixed_string:
    case DType::variable_string:
      for (const auto& s : a.strings()) f(s);
      return;
  }
}

template <class T>
json element_json(const T& v) {
  if constexpr (std::is_same_v<T, float>) {
    // Through the float's own shortest text so 0.1f prints 0.1, not 0.10000000149011612.
    return std::isfinite(v) ? json::parse(fmt::format("{}", v)) : float_to_json(v);
  } else if constexpr (std::is_same_v<T, double>) {
    return float_to_json(v);
  } else if constexpr (std::is_same_v<T, std::complex<double>>) {
    return json::array({float_to_json(v.real()), float_to_json(v.imag())});
  } else {
    return json(v);
  }
}

// Nests the flat row-major `flat` by `shape`, consuming it from `pos`.
json nest(const std::vector<json>& flat, const Shape& shape, std::size_t axis, std::size_t& pos) {
  if (axis == shape.size()) return flat[pos++];
  json list = json::array();
  for (std::uint64_t i = 0; i < shape[axis]; ++i) list.push_back(nest(flat, shape, axis + 1, pos));
  return list;
}

std::string csv_string(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

template <class T>
std::string element_text(const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "True" : "False";
  } else if constexpr (std::is_same_v<T, std::complex<double>>) {
    return fmt::format("{}{}{}j", v.real(), std::signbit(v.imag()) ? "-" : "+", std::abs(v.imag()));
  } else if constexpr (std::is_same_v<T, std::string>) {
    return csv_string(v);
  } else {
    return fmt::format("{}", v);
  }
}

}  // namespace

json array_to_json(const Array& array) {
  std::vector<json> flat;
  // The JSON tree takes at least a json per element, on top of the array.
  flat.reserve(allocatable(array.shape(), sizeof(json),
                           "Formatting " + array.dtype_name() + " values as JSON"));
  for_each_element(array, [&](const auto& v) { flat.push_back(element_json(v)); });
  std::size_t pos = 0;
  return nest(flat, array.shape(), 0, pos);
}

void write_csv(const Array& array, std::ostream& out) {
  if (array.rank() != 1 && array.rank() != 2)
    throw ValueError("CSV holds 1-D or 2-D values, but the selection has shape " +
                     shape_str(array.shape()) +
                     ": select fewer axes with --slice or use --format json or npy");
  const std::uint64_t columns = array.rank() == 2 ? array.shape()[1] : 1;
  std::uint64_t column = 0;
  std::string line;
  for_each_element(array, [&](const auto& v) {
    if (column > 0) line += ',';
    line += element_text(v);
    if (++column == columns) {
      line += '\n';
      out << line;
      line.clear();
      column = 0;
    }
  });
}

}  // namespace h5archive::cli
