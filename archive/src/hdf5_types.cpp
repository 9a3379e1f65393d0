#include "hdf5_types.hpp"

#include <cstdint>
#include <cstdlib>

namespace h5archive::detail {
namespace {

Hid copy_type(hid_t predefined) {
  // Predefined types belong to the library: own a copy so Hid may close it.
  return checked(H5Tcopy(predefined), "Copying an HDF5 predefined type");
}

Hid bool_type(hid_t base) {
  Hid t = checked(H5Tenum_create(base), "Creating the HDF5 enum type for bool");
  const std::int8_t no = 0, yes = 1;
  check(H5Tenum_insert(t.get(), "FALSE", &no), "Adding FALSE to the bool enum");
  check(H5Tenum_insert(t.get(), "TRUE", &yes), "Adding TRUE to the bool enum");
  return t;
}

Hid complex_type(hid_t part, std::size_t part_size) {
  Hid t = checked(H5Tcreate(H5T_COMPOUND, 2 * part_size), "Creating the HDF5 complex compound");
  check(H5Tinsert(t.get(), "r", 0, part), "Adding member r to the complex compound");
  check(H5Tinsert(t.get(), "i", part_size, part), "Adding member i to the complex compound");
  return t;
}

Hid string_type(DType dtype, std::size_t string_size) {
  Hid t = copy_type(H5T_C_S1);
  if (dtype == DType::variable_string) {
    check(H5Tset_size(t.get(), H5T_VARIABLE), "Making a variable-length string type");
  } else {
    if (string_size == 0)
      throw ValueError("A fixed-length string dtype needs a size of at least 1 byte");
    check(H5Tset_size(t.get(), string_size), "Sizing a fixed-length string type");
    check(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), "Null-padding a fixed-length string type");
  }
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "Setting UTF-8 on a string type");
  return t;
}

// Builds the type for `dtype` from either the little-endian file types or
// the native memory types.
Hid make_type(DType dtype, std::size_t string_size, bool native) {
  switch (dtype) {
    case DType::boolean:
      return bool_type(native ? H5T_NATIVE_INT8 : H5T_STD_I8LE);
    case DType::int8:
      return copy_type(native ? H5T_NATIVE_INT8 : H5T_STD_I8LE);
    case DType::int16:
      return copy_type(native ? H5T_NATIVE_INT16 : H5T_STD_I16LE);
    case DType::int32:
      return copy_type(native ? H5T_NATIVE_INT32 : H5T_STD_I32LE);
    case DType::int64:
      return copy_type(native ? H5T_NATIVE_INT64 : H5T_STD_I64LE);
    case DType::uint8:
      return copy_type(native ? H5T_NATIVE_UINT8 : H5T_STD_U8LE);
    case DType::uint16:
      return copy_type(native ? H5T_NATIVE_UINT16 : H5T_STD_U16LE);
    case DType::uint32:
      return copy_type(native ? H5T_NATIVE_UINT32 : H5T_STD_U32LE);
    case DType::uint64:
      return copy_type(native ? H5T_NATIVE_UINT64 : H5T_STD_U64LE);
    case DType::float32:
      return copy_type(native ? H5T_NATIVE_FLOAT : H5T_IEEE_F32LE);
    case DType::float64:
      return copy_type(native ? H5T_NATIVE_DOUBLE : H5T_IEEE_F64LE);
    case DType::complex64:
      return complex_type(native ? H5T_NATIVE_FLOAT : H5T_IEEE_F32LE, 4);
    case DType::complex128:
      return complex_type(native ? H5T_NATIVE_DOUBLE : H5T_IEEE_F64LE, 8);
    case DType::fixed_string:
    case DType::variable_string:
      return string_type(dtype, string_size);
  }
  throw ValueError("Unknown dtype");
}

std::string member_name(hid_t type, unsigned i) {
  char* raw = H5Tget_member_name(type, i);
  if (raw == nullptr) return {};
  std::string name(raw);
  H5free_memory(raw);
  return name;
}

// True for h5py's bool: an enum over a 1-byte integer with exactly the
// members FALSE=0 and TRUE=1.
bool is_bool_enum(hid_t type) {
  Hid base(H5Tget_super(type));
  if (!base || H5Tget_class(base.get()) != H5T_INTEGER || H5Tget_size(base.get()) != 1)
    return false;
  if (H5Tget_nmembers(type) != 2) return false;
  for (unsigned i = 0; i < 2; ++i) {
    std::int8_t value = -1;
    if (H5Tget_member_value(type, i, &value) < 0) return false;
    const std::string name = member_name(type, i);
    if (!((name == "FALSE" && value == 0) || (name == "TRUE" && value == 1))) return false;
  }
  return true;
}

// h5py's complex: a compound {r, i} of two equal IEEE floats, r first.
std::size_t complex_part_size(hid_t type) {
  if (H5Tget_nmembers(type) != 2) return 0;
  if (member_name(type, 0) != "r" || member_name(type, 1) != "i") return 0;
  Hid r(H5Tget_member_type(type, 0));
  Hid i(H5Tget_member_type(type, 1));
  if (!r || !i || H5Tget_class(r.get()) != H5T_FLOAT || H5Tget_class(i.get()) != H5T_FLOAT)
    return 0;
  const std::size_t size = H5Tget_size(r.get());
  if (size != H5Tget_size(i.get()) || (size != 4 && size != 8)) return 0;
  if (H5Tget_member_offset(type, 0) != 0 || H5Tget_member_offset(type, 1) != size) return 0;
  return size;
}

[[noreturn]] void unsupported(const std::string& what, H5T_class_t cls, const std::string& detail) {
  throw TypeMismatchError(what + " has HDF5 type class " + type_class_name(cls) + detail +
                          ", which h5archive cannot map to a dtype");
}

}  // namespace

Hid file_type(DType dtype, std::size_t string_size) { return make_type(dtype, string_size, false); }

Hid memory_type(DType dtype, std::size_t string_size) {
  return make_type(dtype, string_size, true);
}

std::string type_class_name(H5T_class_t cls) {
  switch (cls) {
    case H5T_INTEGER:
      return "H5T_INTEGER";
    case H5T_FLOAT:
      return "H5T_FLOAT";
    case H5T_TIME:
      return "H5T_TIME";
    case H5T_STRING:
      return "H5T_STRING";
    case H5T_BITFIELD:
      return "H5T_BITFIELD";
    case H5T_OPAQUE:
      return "H5T_OPAQUE";
    case H5T_COMPOUND:
      return "H5T_COMPOUND";
    case H5T_REFERENCE:
      return "H5T_REFERENCE";
    case H5T_ENUM:
      return "H5T_ENUM";
    case H5T_VLEN:
      return "H5T_VLEN";
    case H5T_ARRAY:
      return "H5T_ARRAY";
    default:
      return "H5T_NO_CLASS";
  }
}

StoredType stored_type(hid_t type, const std::string& what) {
  const H5T_class_t cls = H5Tget_class(type);
  const std::size_t size = H5Tget_size(type);
  const std::string of_size = " of " + std::to_string(size) + " bytes";
  switch (cls) {
    case H5T_INTEGER: {
      const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
      switch (size) {
        case 1:
          return {is_signed ? DType::int8 : DType::uint8};
        case 2:
          return {is_signed ? DType::int16 : DType::uint16};
        case 4:
          return {is_signed ? DType::int32 : DType::uint32};
        case 8:
          return {is_signed ? DType::int64 : DType::uint64};
        default:
          unsupported(what, cls, of_size);
      }
    }
    case H5T_FLOAT:
      if (size == 4) return {DType::float32};
      if (size == 8) return {DType::float64};
      unsupported(what, cls, of_size);
    case H5T_ENUM:
      if (is_bool_enum(type)) return {DType::boolean};
      unsupported(what, cls, " (not h5py's bool enum {FALSE=0, TRUE=1})");
    case H5T_COMPOUND: {
      const std::size_t part = complex_part_size(type);
      if (part == 4) return {DType::complex64};
      if (part == 8) return {DType::complex128};
      unsupported(what, cls, " (not h5py's complex compound {r, i})");
    }
    case H5T_STRING:
      if (H5Tis_variable_str(type) > 0) return {DType::variable_string};
      return {DType::fixed_string, size};
    default:
      unsupported(what, cls, "");
  }
}

}  // namespace h5archive::detail
