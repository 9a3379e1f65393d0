// The parts of the extension module h5archive._core (python/src/module.cpp).
#pragma once

#include <nanobind/nanobind.h>

namespace h5archive::python {

void bind_errors(nanobind::module_& m);
void bind_config(nanobind::module_& m);
void bind_schema(nanobind::module_& m);
void bind_archive(nanobind::module_& m);
void bind_dicts_units(nanobind::module_& m);
void bind_reading(nanobind::module_& m);    // reading.cpp: selections, get
void bind_streaming(nanobind::module_& m);  // streaming.cpp: QuantityWriter, put

}  // namespace h5archive::python
