// numpy arrays <-> the library's Array, for the bindings (python/src/).
#pragma once

#include <nanobind/nanobind.h>

#include "h5archive/array.hpp"

namespace h5archive::python {

/// `value` as an Array: anything numpy.asarray(value, order="C") takes. A
/// C-contiguous ndarray is read in place (one copy, into the Array the library
/// owns, with the GIL released); any other layout (Fortran order, strided
/// views) and lists are first copied to C order by numpy. bool, int8..64,
/// uint8..64, float32/64 and complex64/128; other dtypes: TypeMismatchError
/// naming the dtype.
Array to_array(nanobind::handle value);

/// A numpy array owning `array`'s buffer (no copy) for numbers and bools; a
/// numpy array of str (variable-length) or bytes (fixed-size) for strings.
nanobind::object to_numpy(Array array);

}  // namespace h5archive::python
