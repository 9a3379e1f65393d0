// numpy arrays <-> the library's Array, for the bindings (python/src/).
#pragma once

#include <nanobind/nanobind.h>

#include <optional>

#include "h5archive/array.hpp"

namespace h5archive::python {

/// `value` as a view of numbers in a C-ordered buffer: anything
/// numpy.asarray(value, order="C") takes. A C-contiguous ndarray is viewed in
/// place, uncopied; any other layout (Fortran order, strided views) and lists
/// are first copied to C order by numpy. `keep` receives the ndarray whose
/// buffer the view shows: hold it until the view is no longer used. bool,
/// int8..64, uint8..64, float32/64 and complex64/128; other dtypes:
/// TypeMismatchError naming the dtype. Needs the GIL.
ArrayView to_view(nanobind::handle value, nanobind::object& keep);

/// A numpy array of strings as the library's string Array: dtype `U` (str)
/// as variable-length UTF-8, `S<n>` (bytes) as fixed-size strings of n bytes,
/// an object array as variable-length UTF-8 when every element is a str.
/// std::nullopt for any other array (numbers go through to_view()). `array`
/// is what numpy.asarray gave. Needs the GIL.
std::optional<Array> to_string_array(nanobind::handle array);

/// to_view() copied into an Array the library owns (the copy runs with the
/// GIL released).
Array to_array(nanobind::handle value);

/// A numpy array owning `array`'s buffer (no copy) for numbers and bools; a
/// numpy array of str (variable-length) or bytes (fixed-size) for strings.
nanobind::object to_numpy(Array array);

}  // namespace h5archive::python
