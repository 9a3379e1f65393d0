// h5archive._core: the library's public API for Python (docs/python.md).
// The friendlier surface (attribute access) is python/h5archive/_entry.py.
#include <nanobind/nanobind.h>

#include "bindings.hpp"

NB_MODULE(_core, m) {
  m.doc() = "h5archive's C++ library: staging areas, schemas, entry archives";
  h5archive::python::bind_errors(m);
  h5archive::python::bind_config(m);
  h5archive::python::bind_schema(m);
  h5archive::python::bind_archive(m);
  h5archive::python::bind_dicts_units(m);
  h5archive::python::bind_reading(m);
  h5archive::python::bind_streaming(m);
}
