// numpy <-> Array (numpy_arrays.hpp). Numbers cross as raw buffers: numpy's
// dtype is mapped onto the library's DType through DLPack's (code, bits).
#include "numpy_arrays.hpp"

#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "h5archive/errors.hpp"

namespace nb = nanobind;

namespace h5archive::python {
namespace {

using Code = nb::dlpack::dtype_code;

std::optional<DType> dtype_of_dlpack(nb::dlpack::dtype t) {
  if (t.lanes != 1) return std::nullopt;
  auto code = static_cast<Code>(t.code);
  switch (t.bits) {
    case 8:
      if (code == Code::Bool) return DType::boolean;
      if (code == Code::Int) return DType::int8;
      if (code == Code::UInt) return DType::uint8;
      break;
    case 16:
      if (code == Code::Int) return DType::int16;
      if (code == Code::UInt) return DType::uint16;
      break;
    case 32:
      if (code == Code::Int) return DType::int32;
      if (code == Code::UInt) return DType::uint32;
      if (code == Code::Float) return DType::float32;
      break;
    case 64:
      if (code == Code::Int) return DType::int64;
      if (code == Code::UInt) return DType::uint64;
      if (code == Code::Float) return DType::float64;
      if (code == Code::Complex) return DType::complex64;
      break;
    case 128:
      if (code == Code::Complex) return DType::complex128;
      break;
  }
  return std::nullopt;
}

nb::dlpack::dtype dlpack_of(DType dtype) {
  Code code = Code::Float;
  switch (dtype) {
    case DType::boolean:
      code = Code::Bool;
      break;
    case DType::int8:
    case DType::int16:
    case DType::int32:
    case DType::int64:
      code = Code::Int;
      break;
    case DType::uint8:
    case DType::uint16:
    case DType::uint32:
    case DType::uint64:
      code = Code::UInt;
      break;
    case DType::complex64:
    case DType::complex128:
      code = Code::Complex;
      break;
    default:
      break;
  }
  return {static_cast<std::uint8_t>(code), static_cast<std::uint8_t>(8 * dtype_size(dtype)), 1};
}

nb::object strings_to_numpy(const Array& array) {
  nb::list items;
  for (const std::string& s : array.strings()) {
    if (array.dtype() == DType::fixed_string)
      items.append(nb::bytes(s.data(), s.size()));
    else
      items.append(nb::str(s.data(), s.size()));
  }
  nb::object shape = nb::cast(array.shape());
  return nb::module_::import_("numpy").attr("array")(items).attr("reshape")(shape);
}

}  // namespace

ArrayView to_view(nb::handle value, nb::object& keep) {
  nb::object numpy = nb::module_::import_("numpy");
  // asarray returns a C-contiguous ndarray unchanged; anything else is copied.
  keep = numpy.attr("asarray")(value, nb::arg("order") = "C");
  using Input = nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>;
  Input in;
  if (!nb::try_cast<Input>(keep, in, false)) {
    throw TypeMismatchError("Cannot store a numpy array of dtype " +
                            nb::cast<std::string>(keep.attr("dtype").attr("name")));
  }
  std::optional<DType> dtype = dtype_of_dlpack(in.dtype());
  if (!dtype) {
    throw TypeMismatchError("Cannot store a numpy array of dtype " +
                            nb::cast<std::string>(keep.attr("dtype").attr("name")) +
                            " (bool, integers, floats and complex numbers only)");
  }
  Shape shape(in.shape_ptr(), in.shape_ptr() + in.ndim());
  // `keep` holds the ndarray, so its buffer outlives `in`.
  const auto* data = static_cast<const std::byte*>(in.data());
  return ArrayView(*dtype, std::move(shape), {data, in.nbytes()});
}

std::optional<Array> to_string_array(nb::handle array) {
  nb::object dtype = array.attr("dtype");
  const std::string kind = nb::cast<std::string>(dtype.attr("kind"));
  if (kind != "U" && kind != "S" && kind != "O") return std::nullopt;
  std::vector<std::string> values;
  for (nb::handle item : array.attr("ravel")().attr("tolist")()) {
    if (kind == "S") {
      nb::bytes b = nb::borrow<nb::bytes>(item);
      values.emplace_back(b.c_str(), b.size());
    } else if (nb::isinstance<nb::str>(item)) {
      values.push_back(nb::cast<std::string>(item));
    } else {
      return std::nullopt;  // an object array of other things: to_view() names its dtype
    }
  }
  if (kind == "O" && values.empty()) return std::nullopt;  // no element says what it holds
  const std::size_t fixed = kind == "S" ? nb::cast<std::size_t>(dtype.attr("itemsize")) : 0;
  return Array::of_strings(std::move(values), nb::cast<Shape>(array.attr("shape")), fixed);
}

Array to_array(nb::handle value) {
  nb::object keep;
  ArrayView view = to_view(value, keep);
  nb::gil_scoped_release release;
  return view.to_array();
}

nb::object to_numpy(Array array) {
  if (is_string(array.dtype())) return strings_to_numpy(array);
  // The Array moves onto the heap; the capsule frees it with the last view.
  auto owned = std::make_unique<Array>(std::move(array));
  std::vector<std::size_t> shape(owned->shape().begin(), owned->shape().end());
  void* data = owned->bytes().data();
  DType dtype = owned->dtype();
  nb::capsule owner(owned.get(), [](void* p) noexcept { delete static_cast<Array*>(p); });
  owned.release();
  nb::ndarray<nb::numpy> out(data, shape.size(), shape.data(), owner, nullptr, dlpack_of(dtype));
  return out.cast();
}

}  // namespace h5archive::python
