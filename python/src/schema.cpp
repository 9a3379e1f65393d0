// Schemas: QuantityDef and SectionDef with their builder calls. Builders
// change the object and return it, so calls chain as in C++.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/variant.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bindings.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/schema.hpp"

namespace nb = nanobind;

namespace h5archive::python {
namespace {

// NOMAD's shape entries: an int or '*' (any size).
std::vector<std::int64_t> shape_of(const nb::sequence& dims) {
  std::vector<std::int64_t> out;
  for (nb::handle d : dims) {
    if (nb::isinstance<nb::str>(d)) {
      if (nb::cast<std::string>(d) != "*")
        throw ValueError("Invalid shape entry '" + nb::cast<std::string>(d) + "' (an int or '*')");
      out.push_back(any_size);
    } else {
      out.push_back(nb::cast<std::int64_t>(d));
    }
  }
  return out;
}

// A builder's result: `self` again, typed so that the stub reads `-> SectionDef`
// (not `-> object`) and a type checker follows a chain of builder calls.
template <typename T>
nb::typed<nb::object, T> chained(nb::handle self) {
  return nb::borrow(self);
}

nb::list shape_list(const QuantityDef& q) {
  nb::list out;
  for (std::int64_t d : q.shape()) {
    if (d == any_size)
      out.append("*");
    else
      out.append(d);
  }
  return out;
}

const char* kind_name(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::numeric:
      return "number";
    case QuantityKind::string:
      return "text";
    case QuantityKind::boolean:
      return "boolean";
    case QuantityKind::hdf5_reference:
      return "hdf5_reference";
  }
  return "?";
}

using Axes = std::variant<std::string, std::vector<std::string>>;

// NOMAD's H5WebAnnotation(signal=..., axes=..., ...): the fields given.
H5WebAnnotation h5web_of(std::optional<std::string> signal, std::optional<Axes> axes,
                         std::optional<std::vector<std::string>> auxiliary_signals,
                         std::optional<std::string> long_name,
                         std::optional<std::vector<std::string>> paths) {
  H5WebAnnotation a;
  a.signal = std::move(signal);
  a.axes = std::move(axes);
  a.auxiliary_signals = std::move(auxiliary_signals);
  a.long_name = std::move(long_name);
  if (paths) a.paths = std::move(*paths);
  return a;
}

void bind_quantity_def(nb::module_& m) {
  nb::class_<QuantityDef>(m, "QuantityDef", "A quantity definition (NOMAD's Quantity).")
      .def_static(
          "number",
          [](std::string name, std::string_view dtype) {
            return QuantityDef::number(std::move(name), dtype_from_name(dtype));
          },
          nb::arg("name"), nb::arg("dtype") = "float64",
          "A numeric quantity (NOMAD's type: np.float64, np.int32, ...): dtype by numpy name.")
      .def_static("text", &QuantityDef::text, nb::arg("name"), "A string quantity (type: str).")
      .def_static("boolean", &QuantityDef::boolean, nb::arg("name"),
                  "A boolean quantity (type: bool).")
      .def_static("hdf5_reference", &QuantityDef::hdf5_reference, nb::arg("name"),
                  "type: HDF5Reference: a reference string, or an array written to the "
                  "entry's HDF5 file.")
      .def(
          "unit",
          [](nb::handle self, std::string_view unit) {
            nb::cast<QuantityDef&>(self).unit(unit);
            return chained<QuantityDef>(self);
          },
          nb::arg("unit"), "The unit (pint's notation, e.g. 'm', 'eV', 'kg*m/s**2').")
      .def(
          "shape",
          [](nb::handle self, nb::sequence dims) {
            nb::cast<QuantityDef&>(self).shape(shape_of(dims));
            return chained<QuantityDef>(self);
          },
          nb::arg("dims"), "Dimensions: ints, '*' for any size.")
      .def(
          "description",
          [](nb::handle self, std::string text) {
            nb::cast<QuantityDef&>(self).description(std::move(text));
            return chained<QuantityDef>(self);
          },
          nb::arg("text"), "NOMAD's description: free text.")
      .def(
          "serialize_to_hdf5",
          [](nb::handle self) {
            nb::cast<QuantityDef&>(self).serialize_to_hdf5();
            return chained<QuantityDef>(self);
          },
          "The value stays in memory and is written to the HDF5 file at save.")
      .def(
          "h5web",
          [](nb::handle self, std::string long_name) {
            H5WebAnnotation a;
            a.long_name = std::move(long_name);
            nb::cast<QuantityDef&>(self).h5web(std::move(a));
            return chained<QuantityDef>(self);
          },
          nb::arg("long_name"),
          "NOMAD's h5web annotation of a quantity: only long_name is used (it replaces the "
          "dataset's '<name> (<unit>)').")
      .def_prop_ro("name", &QuantityDef::name, "The quantity's name.")
      .def_prop_ro(
          "kind", [](const QuantityDef& q) { return kind_name(q.kind()); },
          "'number', 'text', 'boolean' or 'hdf5_reference'.")
      .def_prop_ro(
          "dtype", [](const QuantityDef& q) { return dtype_name(q.dtype()); },
          "The numpy name of a number's dtype.")
      .def_prop_ro(
          "unit_str",
          [](const QuantityDef& q) { return q.unit() ? q.unit()->str() : std::string(); },
          "The unit as text ('' for none).")
      .def_prop_ro("shape_dims", &shape_list, "The dimensions: ints, '*' for any size.")
      .def_prop_ro(
          "description_text", [](const QuantityDef& q) { return q.description(); },
          "The description.")
      .def_prop_ro("serialized_to_hdf5", &QuantityDef::serialized_to_hdf5,
                   "Whether it carries the serialization annotation (written at save).");
}

void bind_section_def(nb::module_& m) {
  nb::class_<SectionDef>(m, "SectionDef", "A section definition (NOMAD's ArchiveSection).")
      .def(nb::init<std::string>(), nb::arg("name"))
      .def(
          "quantity",
          [](nb::handle self, const QuantityDef& q) {
            nb::cast<SectionDef&>(self).quantity(q);
            return chained<SectionDef>(self);
          },
          nb::arg("quantity"), "Adds a copy of `quantity`.")
      .def(
          "sub_section",
          [](nb::handle self, std::string name, const SectionDef& def, bool repeats) {
            nb::cast<SectionDef&>(self).sub_section(std::move(name), def.shared(), repeats);
            return chained<SectionDef>(self);
          },
          nb::arg("name"), nb::arg("section"), nb::arg("repeats") = false,
          "Adds a sub-section holding a copy of `section` as it is now.")
      .def(
          "description",
          [](nb::handle self, std::string text) {
            nb::cast<SectionDef&>(self).description(std::move(text));
            return chained<SectionDef>(self);
          },
          nb::arg("text"), "NOMAD's description: free text.")
      .def(
          "h5web",
          [](nb::handle self, std::optional<std::string> signal, std::optional<Axes> axes,
             std::optional<std::vector<std::string>> auxiliary_signals,
             std::optional<std::string> long_name, std::optional<std::vector<std::string>> paths) {
            nb::cast<SectionDef&>(self).h5web(h5web_of(std::move(signal), std::move(axes),
                                                       std::move(auxiliary_signals),
                                                       std::move(long_name), std::move(paths)));
            return chained<SectionDef>(self);
          },
          nb::arg("signal") = nb::none(), nb::arg("axes") = nb::none(),
          nb::arg("auxiliary_signals") = nb::none(), nb::arg("long_name") = nb::none(),
          nb::arg("paths") = nb::none(),
          "NOMAD's H5WebAnnotation of a section: NXdata attributes on its HDF5 group.")
      .def_prop_ro("name", &SectionDef::name, "The section's name.")
      .def_prop_ro("quantities", &SectionDef::quantities, "Its quantity definitions, in order.")
      .def_prop_ro(
          "sub_section_names",
          [](const SectionDef& d) {
            std::vector<std::string> names;
            for (const SubSectionDef& s : d.sub_sections()) names.push_back(s.name);
            return names;
          },
          "The names of its sub-sections, in order.")
      // h5archive.schema_from_dict (python/h5archive/_schema.py), which checks
      // its arguments itself: bound here so that the stub declares it.
      .def_static(
          "from_dict",
          [](nb::typed<nb::object, nb::typed<nb::mapping, nb::str, nb::any>> mapping,
             nb::typed<nb::object, std::string> section) {
            nb::object build = nb::module_::import_("h5archive._schema").attr("schema_from_dict");
            return nb::typed<nb::object, SectionDef>(build(mapping, section));
          },
          nb::arg("mapping"), nb::arg("section") = nb::none(),
          "A SectionDef from a NOMAD-style schema dict: h5archive.schema_from_dict.");
}

}  // namespace

void bind_schema(nb::module_& m) {
  bind_quantity_def(m);
  bind_section_def(m);
}

}  // namespace h5archive::python
