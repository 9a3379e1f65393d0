// What the dict form and units of the Python side (h5archive/_schema.py,
// _units.py, _entry.py) need from the library: archives from JSON text,
// the unit a definition gives a quantity, and values assigned with a unit.
// Module-level functions of _core, so that the class bindings (archive.cpp)
// stay as they are.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "bindings.hpp"
#include "h5archive/entry_archive.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/units.hpp"
#include "numpy_arrays.hpp"

namespace nb = nanobind;

namespace h5archive::python {
namespace {

EntryArchive archive_from_json(std::string_view text, const SectionDef& def,
                               std::optional<StagingArea> area) {
  auto shared = def.shared();
  nb::gil_scoped_release release;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  // The Python side passes json.dumps output, so this is a guard, not a parser error path.
  if (j.is_discarded()) throw ValueError("from_dict: the dict has no JSON form");
  return EntryArchive::from_json(j, std::move(shared), std::move(area));
}

std::optional<std::string> unit_of(const QuantityDef& q) {
  if (!q.unit()) return std::nullopt;
  return q.unit()->str();
}

bool is_index(std::string_view part) {
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), n);
  return ec == std::errc() && end == part.data() + part.size() && !part.empty();
}

// The unit the definitions give the quantity at an archive path
// ("data/runs/0/value"), or nullopt when the path names no quantity with a
// unit (any other dataset reads without one). Walks definitions only: no
// section is created.
std::optional<std::string> unit_at_path(const EntryArchive& a, std::string_view path) {
  const SectionDef* def = &a.root().def();
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    std::string_view part = path.substr(0, path.find('/'));
    path.remove_prefix(part.size());
    if (const SubSectionDef* sd = def->find_sub_section(part)) {
      def = sd->section.get();
      if (sd->repeats) {  // the next part is the index
        std::size_t slash = path.find_first_not_of('/');
        std::string_view rest = slash == std::string_view::npos ? "" : path.substr(slash);
        std::string_view index = rest.substr(0, rest.find('/'));
        if (!is_index(index)) return std::nullopt;
        path = rest.substr(index.size());
      }
    } else if (const QuantityDef* q = def->find_quantity(part)) {
      return path.find_first_not_of('/') == std::string_view::npos ? unit_of(*q) : std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void set_with_unit(Section& s, std::string_view name, nb::handle value, std::string_view unit) {
  UnitArray v = with_unit(to_array(value), unit);
  nb::gil_scoped_release release;
  s.set(name, std::move(v));
}

}  // namespace

void bind_dicts_units(nb::module_& m) {
  m.def("archive_from_json", &archive_from_json, nb::arg("text"), nb::arg("definition"),
        nb::arg("area") = nb::none(),
        "EntryArchive::from_json: metadata, then sections; references stored unchanged.");
  m.def("unit_at_path", &unit_at_path, nb::arg("archive"), nb::arg("path"),
        "The definition's unit of the quantity at an archive path, or None.");
  m.def(
      "quantity_unit",
      [](const Section& s, std::string_view name) { return unit_of(s.def().quantity_def(name)); },
      nb::arg("section"), nb::arg("name"), "The definition's unit of a quantity, or None.");
  m.def("set_with_unit", &set_with_unit, nb::arg("section"), nb::arg("name"), nb::arg("value"),
        nb::arg("unit"),
        "Assigns an array given in `unit` (converted to the definition's unit, if it has one).");
}

}  // namespace h5archive::python
