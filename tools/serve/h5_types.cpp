// numpy's names and h5grove's descriptions of HDF5 types, following h5py's
// mapping of HDF5 types to numpy dtypes (h5py/h5t.pyx).
#include "h5_types.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace h5archive::serve {
namespace {

using nlohmann::json;

std::string byte_order_char(hid_t type, std::size_t size) {
  if (size == 1) return "|";
  return H5Tget_order(type) == H5T_ORDER_BE ? ">" : "<";
}

std::string member_name(hid_t type, unsigned i) {
  char* raw = H5Tget_member_name(type, i);
  std::string name = raw ? raw : "";
  H5free_memory(raw);
  return name;
}

Id super_type(hid_t type) { return checked_id(H5Tget_super(type), "Reading a base type"); }

json enum_members(hid_t type) {
  json members = json::object();
  const int n = H5Tget_nmembers(type);
  Id base = super_type(type);
  const std::size_t base_size = H5Tget_size(base.get());
  const bool is_signed = H5Tget_sign(base.get()) == H5T_SGN_2;
  for (int i = 0; i < n; ++i) {
    std::vector<unsigned char> raw(base_size);
    H5Tget_member_value(type, static_cast<unsigned>(i), raw.data());
    // The raw value is in the enum's byte order; convert to a native 64-bit integer.
    std::vector<unsigned char> buf(8, 0);
    std::copy(raw.begin(), raw.end(), buf.begin());
    const hid_t wide = is_signed ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64;
    H5Tconvert(base.get(), wide, 1, buf.data(), nullptr, H5P_DEFAULT);
    if (is_signed) {
      std::int64_t v;
      std::memcpy(&v, buf.data(), 8);
      members[member_name(type, static_cast<unsigned>(i))] = v;
    } else {
      std::uint64_t v;
      std::memcpy(&v, buf.data(), 8);
      members[member_name(type, static_cast<unsigned>(i))] = v;
    }
  }
  return members;
}

}  // namespace

bool is_bool_enum(hid_t type) {
  if (H5Tget_class(type) != H5T_ENUM || H5Tget_nmembers(type) != 2) return false;
  json members = enum_members(type);
  return members.size() == 2 && members.contains("FALSE") && members.contains("TRUE") &&
         members["FALSE"] == 0 && members["TRUE"] == 1;
}

bool is_complex_compound(hid_t type) {
  if (H5Tget_class(type) != H5T_COMPOUND || H5Tget_nmembers(type) != 2) return false;
  if (member_name(type, 0) != "r" || member_name(type, 1) != "i") return false;
  Id r = checked_id(H5Tget_member_type(type, 0), "Reading a compound member");
  Id i = checked_id(H5Tget_member_type(type, 1), "Reading a compound member");
  return H5Tget_class(r.get()) == H5T_FLOAT && H5Tequal(r.get(), i.get()) > 0 &&
         H5Tget_member_offset(type, 0) == 0 &&
         H5Tget_member_offset(type, 1) == H5Tget_size(r.get());
}

bool is_numeric(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
    case H5T_FLOAT:
    case H5T_BITFIELD:
    case H5T_ENUM:
      return true;
    case H5T_COMPOUND:
      return is_complex_compound(type);
    default:
      return false;
  }
}

bool has_raw_bytes(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  if (cls == H5T_OPAQUE) return true;
  return cls == H5T_STRING && H5Tis_variable_str(type) == 0;
}

json numpy_dtype(hid_t type) {
  const std::size_t size = H5Tget_size(type);
  const std::string n = std::to_string(size);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER:
      return byte_order_char(type, size) + (H5Tget_sign(type) == H5T_SGN_2 ? "i" : "u") + n;
    case H5T_BITFIELD:
      return byte_order_char(type, size) + "u" + n;
    case H5T_FLOAT:
      return byte_order_char(type, size) + "f" + n;
    case H5T_STRING:
      return H5Tis_variable_str(type) > 0 ? std::string("|O") : "|S" + n;
    case H5T_ENUM: {
      if (is_bool_enum(type)) return "|b1";
      Id base = super_type(type);
      return numpy_dtype(base.get());
    }
    case H5T_COMPOUND: {
      if (is_complex_compound(type)) {
        Id r = checked_id(H5Tget_member_type(type, 0), "Reading a compound member");
        return byte_order_char(r.get(), size) + "c" + n;
      }
      json fields = json::object();
      for (int i = 0; i < H5Tget_nmembers(type); ++i) {
        Id member = checked_id(H5Tget_member_type(type, static_cast<unsigned>(i)),
                               "Reading a compound member");
        fields[member_name(type, static_cast<unsigned>(i))] = numpy_dtype(member.get());
      }
      return fields;
    }
    case H5T_VLEN:
    case H5T_REFERENCE:
      return "|O";
    default:  // opaque, array (numpy's subarray dtype prints as void), time
      return "|V" + n;
  }
}

namespace {

// The keys of types built from other types: members, base, dims.
void add_composite_metadata(hid_t type, H5T_class_t cls, json& meta) {
  switch (cls) {
    case H5T_COMPOUND: {
      json members = json::array();
      for (int i = 0; i < H5Tget_nmembers(type); ++i) {
        Id member = checked_id(H5Tget_member_type(type, static_cast<unsigned>(i)),
                               "Reading a compound member");
        json m = type_metadata(member.get());
        m["name"] = member_name(type, static_cast<unsigned>(i));
        members.push_back(std::move(m));
      }
      meta["members"] = std::move(members);
      break;
    }
    case H5T_ENUM: {
      meta["members"] = enum_members(type);
      Id base = super_type(type);
      meta["base"] = type_metadata(base.get());
      break;
    }
    case H5T_VLEN: {
      Id base = super_type(type);
      meta["base"] = type_metadata(base.get());
      break;
    }
    case H5T_ARRAY: {
      const int rank = H5Tget_array_ndims(type);
      std::vector<hsize_t> dims(static_cast<std::size_t>(rank > 0 ? rank : 0));
      if (rank > 0) H5Tget_array_dims2(type, dims.data());
      meta["dims"] = dims;
      Id base = super_type(type);
      meta["base"] = type_metadata(base.get());
      break;
    }
    default:
      break;
  }
}

}  // namespace

json type_metadata(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  json meta = {
      {"class", static_cast<int>(cls)}, {"dtype", numpy_dtype(type)}, {"size", H5Tget_size(type)}};
  switch (cls) {
    case H5T_INTEGER:
      meta["order"] = static_cast<int>(H5Tget_order(type));
      meta["sign"] = static_cast<int>(H5Tget_sign(type));
      break;
    case H5T_FLOAT:
    case H5T_BITFIELD:
      meta["order"] = static_cast<int>(H5Tget_order(type));
      break;
    case H5T_STRING:
      meta["cset"] = static_cast<int>(H5Tget_cset(type));
      meta["strpad"] = static_cast<int>(H5Tget_strpad(type));
      meta["vlen"] = H5Tis_variable_str(type) > 0;
      break;
    case H5T_OPAQUE: {
      char* tag = H5Tget_tag(type);
      meta["tag"] = tag ? tag : "";
      H5free_memory(tag);
      break;
    }
    case H5T_COMPOUND:
    case H5T_ENUM:
    case H5T_VLEN:
    case H5T_ARRAY:
      add_composite_metadata(type, cls, meta);
      break;
    default:
      break;
  }
  return meta;
}

Id binary_memory_type(hid_t file_type, bool safe) {
  const H5T_class_t cls = H5Tget_class(file_type);
  const std::size_t size = H5Tget_size(file_type);
  if (safe && cls == H5T_FLOAT && size < 4) return Id(H5Tcopy(H5T_IEEE_F32LE));
  if (safe && cls == H5T_FLOAT && size > 8) return Id(H5Tcopy(H5T_IEEE_F64LE));
  if (cls == H5T_COMPOUND && is_complex_compound(file_type)) {
    Id r = checked_id(H5Tget_member_type(file_type, 0), "Reading a compound member");
    Id part = checked_id(H5Tcopy(r.get()), "Copying a type");
    if (safe) H5Tset_order(part.get(), H5T_ORDER_LE);
    const std::size_t half = H5Tget_size(part.get());
    Id complex = checked_id(H5Tcreate(H5T_COMPOUND, 2 * half), "Creating a complex type");
    H5Tinsert(complex.get(), "r", 0, part.get());
    H5Tinsert(complex.get(), "i", half, part.get());
    return complex;
  }
  Id copy = checked_id(H5Tcopy(file_type), "Copying a type");
  if (safe && (cls == H5T_INTEGER || cls == H5T_FLOAT || cls == H5T_BITFIELD || cls == H5T_ENUM))
    H5Tset_order(copy.get(), H5T_ORDER_LE);
  return copy;
}

Id json_memory_type(hid_t file_type) {
  const H5T_class_t cls = H5Tget_class(file_type);
  if (cls == H5T_REFERENCE) return checked_id(H5Tcopy(file_type), "Copying a type");
  if (cls == H5T_FLOAT) {
    // JSON prints float32 with its own shortest form (as orjson does), wider
    // and narrower floats as doubles.
    return Id(H5Tcopy(H5Tget_size(file_type) == 4 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE));
  }
  return checked_id(H5Tget_native_type(file_type, H5T_DIR_DEFAULT), "Making a memory type");
}

}  // namespace h5archive::serve
