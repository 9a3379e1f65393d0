// JSON text for HDF5 values, written straight into a string: numpy's
// tolist() + orjson, without building a document tree per element.
#include "json_values.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "api_error.hpp"
#include "h5_types.hpp"

namespace h5archive::serve {
namespace {

template <class T>
void append_number(std::string& out, T value) {
  if constexpr (std::is_floating_point_v<T>) {
    if (!std::isfinite(value)) {  // orjson writes null for NaN and infinities
      out += "null";
      return;
    }
  }
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

template <class T>
T load(const unsigned char* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

void append_integer(std::string& out, hid_t type, const unsigned char* p) {
  const bool is_signed = H5Tget_class(type) == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_2;
  switch (H5Tget_size(type)) {
    case 1:
      return is_signed ? append_number(out, load<std::int8_t>(p))
                       : append_number(out, load<std::uint8_t>(p));
    case 2:
      return is_signed ? append_number(out, load<std::int16_t>(p))
                       : append_number(out, load<std::uint16_t>(p));
    case 4:
      return is_signed ? append_number(out, load<std::int32_t>(p))
                       : append_number(out, load<std::uint32_t>(p));
    case 8:
      return is_signed ? append_number(out, load<std::int64_t>(p))
                       : append_number(out, load<std::uint64_t>(p));
    default:
      throw ApiError(422, "Unsupported integer size " + std::to_string(H5Tget_size(type)));
  }
}

void append_float(std::string& out, hid_t type, const unsigned char* p) {
  if (H5Tget_size(type) == 4) return append_number(out, load<float>(p));
  if (H5Tget_size(type) == 8) return append_number(out, load<double>(p));
  throw ApiError(422, "Unsupported float size " + std::to_string(H5Tget_size(type)));
}

void append_string_value(std::string& out, hid_t type, const unsigned char* p) {
  if (H5Tis_variable_str(type) > 0) {
    const char* s = load<const char*>(p);
    append_json_string(out, s ? s : "");
    return;
  }
  // numpy's bytes_ drops trailing NULs, nothing else.
  std::size_t n = H5Tget_size(type);
  while (n > 0 && p[n - 1] == 0) --n;
  append_json_string(out, std::string(reinterpret_cast<const char*>(p), n));
}

void append_element(std::string& out, hid_t type, const unsigned char* p);

void append_members(std::string& out, hid_t type, const unsigned char* p) {
  out += '[';
  for (int i = 0; i < H5Tget_nmembers(type); ++i) {
    if (i) out += ',';
    Id member = checked_id(H5Tget_member_type(type, static_cast<unsigned>(i)), "Reading a member");
    append_element(out, member.get(), p + H5Tget_member_offset(type, static_cast<unsigned>(i)));
  }
  out += ']';
}

void append_array_type(std::string& out, hid_t type, const unsigned char* p) {
  const int rank = H5Tget_array_ndims(type);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank > 0 ? rank : 0));
  if (rank > 0) H5Tget_array_dims2(type, dims.data());
  Id base = checked_id(H5Tget_super(type), "Reading an array type");
  append_json_values(out, base.get(), p, dims, false);
}

void append_sequence(std::string& out, hid_t type, const unsigned char* p) {
  const hvl_t seq = load<hvl_t>(p);
  Id base = checked_id(H5Tget_super(type), "Reading a sequence type");
  append_json_values(out, base.get(), static_cast<const unsigned char*>(seq.p), {seq.len}, false);
}

// What h5grove prints for a reference: h5py's str() of it.
void append_reference(std::string& out, hid_t type, const unsigned char* p) {
  const bool region = H5Tequal(type, H5T_STD_REF_DSETREG) > 0;
  bool null = true;
  for (std::size_t i = 0; i < H5Tget_size(type); ++i) null = null && p[i] == 0;
  out += region ? "\"<HDF5 region reference" : "\"<HDF5 object reference";
  out += null ? " (null)>\"" : ">\"";
}

void append_element(std::string& out, hid_t type, const unsigned char* p) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
    case H5T_BITFIELD:
      return append_integer(out, type, p);
    case H5T_FLOAT:
      return append_float(out, type, p);
    case H5T_STRING:
      return append_string_value(out, type, p);
    case H5T_ENUM: {
      Id base = checked_id(H5Tget_super(type), "Reading an enum");
      if (is_bool_enum(type)) {
        bool zero = true;
        for (std::size_t i = 0; i < H5Tget_size(type); ++i) zero = zero && p[i] == 0;
        out += zero ? "false" : "true";
        return;
      }
      return append_integer(out, base.get(), p);
    }
    case H5T_COMPOUND:  // complex as [re, im] (orjson's default), others as a list
      return append_members(out, type, p);
    case H5T_ARRAY:
      return append_array_type(out, type, p);
    case H5T_VLEN:
      return append_sequence(out, type, p);
    case H5T_REFERENCE:
      return append_reference(out, type, p);
    default:
      throw ApiError(422, "Unsupported type class " +
                              std::to_string(static_cast<int>(H5Tget_class(type))) +
                              " for JSON values");
  }
}

// The writer of one element: a direct one for plain numbers (no HDF5 call
// per element), else the general walk of the type.
using FastWriter = void (*)(std::string&, const unsigned char*);
struct Leaf {
  hid_t type;
  std::size_t size;
  FastWriter fast = nullptr;
};

template <class T>
void write_fast(std::string& out, const unsigned char* p) {
  append_number(out, load<T>(p));
}

FastWriter fast_writer(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  const std::size_t size = H5Tget_size(type);
  if (cls == H5T_FLOAT)
    return size == 4 ? write_fast<float> : size == 8 ? write_fast<double> : nullptr;
  if (cls != H5T_INTEGER) return nullptr;
  const bool s = H5Tget_sign(type) == H5T_SGN_2;
  switch (size) {
    case 1:
      return s ? write_fast<std::int8_t> : write_fast<std::uint8_t>;
    case 2:
      return s ? write_fast<std::int16_t> : write_fast<std::uint16_t>;
    case 4:
      return s ? write_fast<std::int32_t> : write_fast<std::uint32_t>;
    case 8:
      return s ? write_fast<std::int64_t> : write_fast<std::uint64_t>;
    default:
      return nullptr;
  }
}

// Nested lists over `shape` from axis `axis` on; returns the bytes consumed.
std::size_t append_nested(std::string& out, const Leaf& leaf, const unsigned char* data,
                          const std::vector<hsize_t>& shape, std::size_t axis) {
  if (axis == shape.size()) {
    if (leaf.fast) {
      leaf.fast(out, data);
    } else {
      append_element(out, leaf.type, data);
    }
    return leaf.size;
  }
  out += '[';
  std::size_t used = 0;
  for (hsize_t i = 0; i < shape[axis]; ++i) {
    if (i) out += ',';
    used += append_nested(out, leaf, data + used, shape, axis + 1);
  }
  out += ']';
  return used;
}

}  // namespace

void append_json_string(std::string& out, const std::string& text) {
  out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_json_values(std::string& out, hid_t type, const unsigned char* data,
                        const std::vector<hsize_t>& shape, bool flatten) {
  const Leaf leaf{type, H5Tget_size(type), fast_writer(type)};
  if (flatten && !shape.empty()) {
    hsize_t count = 1;
    for (hsize_t d : shape) count *= d;
    append_nested(out, leaf, data, {count}, 0);
    return;
  }
  append_nested(out, leaf, data, shape, 0);
}

}  // namespace h5archive::serve
