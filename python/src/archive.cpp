// EntryArchive and Section. Sections are owned by their archive: Python gets
// references that keep the archive (through the parent object) alive. File
// I/O runs with the GIL released.
#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "bindings.hpp"
#include "h5archive/entry_archive.hpp"
#include "numpy_arrays.hpp"

namespace nb = nanobind;

namespace h5archive::python {
namespace {

// Python scalars take the library's own paths (NOMAD's messages, e.g.
// "Invalid HDF5 dataset value: 5.0." for a float on an HDF5 quantity); the
// rest goes through numpy.
void set_value(Section& s, std::string_view name, nb::handle value) {
  if (nb::isinstance<nb::str>(value)) {
    std::string text = nb::cast<std::string>(value);
    nb::gil_scoped_release release;
    s.set(name, std::move(text));
  } else if (nb::isinstance<nb::bool_>(value)) {
    s.set(name, nb::cast<bool>(value));
  } else if (nb::isinstance<nb::int_>(value)) {
    s.set(name, nb::cast<std::int64_t>(value));
  } else if (nb::isinstance<nb::float_>(value)) {
    s.set(name, nb::cast<double>(value));
  } else {
    // asarray returns a C-ordered ndarray itself, so to_view() below sees
    // numpy's own buffer: the write goes straight from it, and `keep` holds
    // that buffer's array until the GIL is back.
    nb::object array = nb::module_::import_("numpy").attr("asarray")(value, nb::arg("order") = "C");
    if (std::optional<Array> strings = to_string_array(array)) {
      nb::gil_scoped_release release;
      s.set(name, std::move(*strings));
      return;
    }
    nb::object keep;
    ArrayView view = to_view(array, keep);
    nb::gil_scoped_release release;
    s.set(name, view);
  }
}

nb::object get_value(const Section& s, std::string_view name) {
  const QuantityValue* v = s.find(name);
  if (v == nullptr) {
    s.def().quantity_def(name);  // throws for a name the definition lacks
    return nb::none();
  }
  if (const auto* text = std::get_if<std::string>(v)) return nb::str(text->data(), text->size());
  return to_numpy(std::get<Array>(*v));  // a copy: the section keeps its value
}

nb::object read_value(const Section& s, std::string_view name) {
  Array array;
  {
    nb::gil_scoped_release release;
    array = s.read(name);
  }
  return to_numpy(std::move(array));
}

// Which member of the section's definition `name` is: "quantity",
// "sub_section", "repeating" (a repeating sub-section) or None.
nb::object member_kind(const Section& s, std::string_view name) {
  if (s.def().find_quantity(name)) return nb::str("quantity");
  if (const SubSectionDef* sd = s.def().find_sub_section(name))
    return nb::str(sd->repeats ? "repeating" : "sub_section");
  return nb::none();
}

// numpy's name of a numeric quantity's dtype ("int32"), None for the other
// kinds: h5archive/_literals.py converts Python numbers to it.
nb::object numeric_dtype(const Section& s, std::string_view name) {
  const QuantityDef& q = s.def().quantity_def(name);
  if (q.kind() != QuantityKind::numeric) return nb::none();
  return nb::str(dtype_name(q.dtype()).c_str());
}

void bind_section(nb::module_& m) {
  constexpr auto internal = nb::rv_policy::reference_internal;
  nb::class_<Section>(m, "Section", "A section of an entry archive (NOMAD's m_path).")
      .def_prop_ro("path", &Section::path)
      .def_prop_ro("definition_name", [](const Section& s) { return s.def().name(); })
      .def("member_kind", &member_kind, nb::arg("name"))
      .def("numeric_dtype", &numeric_dtype, nb::arg("name"),
           "numpy's name of a numeric quantity's dtype; None for other kinds.")
      .def("get", &get_value, nb::arg("name"),
           "The value: a reference string for HDF5 quantities, else a numpy array, "
           "or None if unset.")
      .def("set", &set_value, nb::arg("name"), nb::arg("value"))
      .def("unset", &Section::unset, nb::arg("name"))
      .def("has", &Section::has, nb::arg("name"))
      .def("read", &read_value, nb::arg("name"),
           "The quantity's data as a numpy array (HDF5 quantities: read from the file).")
      .def("sub_section", nb::overload_cast<std::string_view>(&Section::sub_section),
           nb::arg("name"), internal)
      .def("add", nb::overload_cast<std::string_view>(&Section::add), nb::arg("name"), internal)
      .def("count", &Section::count, nb::arg("name"))
      .def("at", nb::overload_cast<std::string_view, std::size_t>(&Section::at), nb::arg("name"),
           nb::arg("index"), internal);
}

EntryArchive create(const SectionDef& def, const StagingArea& area, std::string upload_id,
                    std::string entry_id, std::optional<std::string> mainfile) {
  return EntryArchive(def.shared(),
                      EntryMetadata{std::move(upload_id), std::move(entry_id), std::move(mainfile)},
                      area);
}

EntryArchive load(const StagingArea& area, const SectionDef& def, std::string_view upload_id,
                  std::string_view entry_id) {
  auto shared = def.shared();
  nb::gil_scoped_release release;
  return EntryArchive::load(area, std::move(shared), upload_id, entry_id);
}

// NOMAD's archive paths: "data/value" and "/data/value" alike.
nb::object read_path(const EntryArchive& a, std::string path) {
  if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
  Array array;
  {
    nb::gil_scoped_release release;
    array = a.read_path(path);
  }
  return to_numpy(std::move(array));
}

void bind_entry_archive(nb::module_& m) {
  constexpr auto internal = nb::rv_policy::reference_internal;
  nb::class_<EntryArchive>(m, "EntryArchive", "An entry archive in a staging area.")
      .def(nb::new_(&create), nb::arg("definition"), nb::arg("area"), nb::arg("upload_id"),
           nb::arg("entry_id"), nb::arg("mainfile") = nb::none(),
           "A new, empty archive whose `data` section is `definition`.")
      .def_static("load", &load, nb::arg("area"), nb::arg("definition"), nb::arg("upload_id"),
                  nb::arg("entry_id"), "Reads archive/<entry>.json of the upload.")
      .def("save", &EntryArchive::save, nb::call_guard<nb::gil_scoped_release>(),
           "Writes archive/<entry>.json (temporary file and rename).")
      .def_prop_ro("data", nb::overload_cast<>(&EntryArchive::data), internal)
      .def_prop_ro("root", nb::overload_cast<>(&EntryArchive::root), internal)
      .def_prop_ro("upload_id", [](EntryArchive& a) { return a.metadata().upload_id; })
      .def_prop_ro("entry_id", [](EntryArchive& a) { return a.metadata().entry_id; })
      .def_prop_ro("hdf5_file", &EntryArchive::hdf5_file)
      .def("read", &read_path, nb::arg("path"),
           "The data at an archive path ('data/value'), through a reference string's link.")
      .def(
          "to_json", [](EntryArchive& a) { return a.to_json().dump(); },
          "The archive's JSON text (HDF5 quantities as reference strings).");
}

}  // namespace

void bind_archive(nb::module_& m) {
  bind_section(m);
  bind_entry_archive(m);
}

}  // namespace h5archive::python
