// Reading parts of datasets from Python: numpy keys (np.s_[10:20, 5]) as the
// library's Selection, read with its strided hyperslab reads
// (selection.hpp, resolve_read.hpp, selection_stream.hpp), and where an
// entry's data lives for h5py handles through the connector.
#include <Python.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "bindings.hpp"
#include "h5archive/entry_archive.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/location.hpp"
#include "h5archive/reference.hpp"
#include "h5archive/resolve_read.hpp"
#include "h5archive/selection.hpp"
#include "h5archive/selection_stream.hpp"
#include "numpy_arrays.hpp"

namespace nb = nanobind;

namespace h5archive::python {
namespace {

std::int64_t int64_of(nb::handle index) {
  const long long i = PyLong_AsLongLong(index.ptr());
  if (i == -1 && PyErr_Occurred()) throw nb::python_error();
  return i;
}

std::optional<std::int64_t> bound_of(nb::handle value) {
  if (value.is_none()) return std::nullopt;
  nb::object index = nb::steal(PyNumber_Index(value.ptr()));
  if (!index.is_valid()) throw nb::python_error();
  return int64_of(index);
}

AxisSelection axis_of(nb::handle part) {
  if (part.ptr() == Py_Ellipsis) return Ellipsis{};
  if (PySlice_Check(part.ptr())) {
    nb::object step = part.attr("step");
    return Slice{bound_of(part.attr("start")), bound_of(part.attr("stop")),
                 step.is_none() ? 1 : *bound_of(step)};
  }
  // numpy reads a bool as a mask, not as the index 0 or 1; arrays have
  // __index__ too, which refuses all but 0-d integer ones.
  if (!PyBool_Check(part.ptr()) && PyIndex_Check(part.ptr())) {
    nb::object index = nb::steal(PyNumber_Index(part.ptr()));
    if (index.is_valid()) return Index{int64_of(index)};
    PyErr_Clear();
  }
  throw nb::type_error(
      ("Unsupported selection " + nb::cast<std::string>(nb::repr(part)) +
       ": integers, slices (start:stop:step, step >= 1) and ... only, as in np.s_[10:20, 5]")
          .c_str());
}

// A key as numpy takes it: None (everything), an index, a slice, `...`,
// a tuple of those, or the CLI's text form "0:100, :, 3".
Selection selection_of(nb::handle key) {
  if (key.is_none()) return {};
  if (nb::isinstance<nb::str>(key)) return parse_selection(nb::cast<std::string>(key));
  Selection selection;
  if (nb::isinstance<nb::tuple>(key)) {
    for (nb::handle part : nb::borrow<nb::tuple>(key)) selection.push_back(axis_of(part));
  } else {
    selection.push_back(axis_of(key));
  }
  return selection;
}

// A selection read: h5archive::ValueError from the library's resolve() and
// hyperslab reads means the selection does not fit the dataset, which
// numpy reports as IndexError: SelectionError is both.
template <class Read>
auto read_selecting(Read&& read) {
  std::optional<std::string> refused;
  decltype(read()) result{};
  {
    nb::gil_scoped_release release;
    try {
      result = read();
    } catch (const h5archive::ValueError& e) {
      refused = e.what();
    }
  }
  if (refused) {
    nb::object cls = nb::module_::import_("h5archive._errors").attr("SelectionError");
    PyErr_SetString(cls.ptr(), refused->c_str());
    throw nb::python_error();
  }
  return result;
}

const ArchiveState& context_of(const Section& s, std::string_view what) {
  const ArchiveState* st = s.state();
  if (st == nullptr || !st->context)
    throw h5archive::ValueError("Cannot read " + std::string(what) + " without context.");
  return *st;
}

nb::object read_section(const Section& s, std::string_view name, nb::handle key) {
  const QuantityValue* v = s.find(name);
  const auto* reference = v == nullptr ? nullptr : std::get_if<std::string>(v);
  if (reference == nullptr || s.def().quantity_def(name).kind() != QuantityKind::hdf5_reference) {
    // The value is in memory (or unset: the library's read says so): read it
    // whole and let numpy index it.
    Array whole;
    {
      nb::gil_scoped_release release;
      whole = s.read(name);
    }
    return to_numpy(std::move(whole))[nb::borrow(key)];
  }
  const Selection selection = selection_of(key);
  const ArchiveState& st = context_of(s, *reference);
  std::optional<std::string_view> upload;
  if (st.metadata.upload_id) upload = *st.metadata.upload_id;
  return to_numpy(read_selecting(
      [&] { return read_reference_selection(*st.context, *reference, upload, selection); }));
}

nb::object read_archive(const EntryArchive& a, std::string path, nb::handle key) {
  if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
  const Selection selection = selection_of(key);
  const std::filesystem::path file = a.hdf5_file();
  return to_numpy(read_selecting([&] { return read_selection(file, path, selection); }));
}

nb::object get(const StagingArea& area, std::string_view reference, nb::handle key,
               std::optional<std::string> upload, std::optional<std::filesystem::path> out) {
  const Selection selection = selection_of(key);
  std::optional<std::string_view> current;
  if (upload) current = *upload;
  if (out) {
    read_selecting([&] {
      return resolve_and_read(area, reference, current, [&](const Resolved& r) {
        write_selection_npy(r.file, r.dataset, selection, *out);
        return true;
      });
    });
    return nb::none();
  }
  return to_numpy(read_selecting(
      [&] { return read_reference_selection(area, reference, current, selection); }));
}

// Where an h5py handle through the connector opens: (root, prefix_size,
// upload_id, the `/uploads/<u>/<dir>/<file>` name, the dataset in it) of the
// reference `reference` (a raw file of the archive's upload when it has no
// prefix), or of the archive's own HDF5 file when it is None. The library
// builds and checks the name (Location), so ids and paths are escaped and
// validated in the one place that does it for the connector too.
nb::tuple dataset_location(const Section& s, std::optional<std::string_view> reference) {
  const ArchiveState& st = context_of(s, s.path());
  std::optional<std::string_view> upload;
  if (st.metadata.upload_id) upload = *st.metadata.upload_id;
  Location where;
  if (reference) {
    where = Location::from_reference(*reference, upload);
  } else if (upload && st.metadata.entry_id) {
    where = Location::archive(*upload, *st.metadata.entry_id);
  } else {
    throw ValueError("Cannot open the archive HDF5 file of " + s.path() +
                     " without upload_id and entry_id.");
  }
  return nb::make_tuple(st.context->root(), st.context->prefix_size(), where.upload_id,
                        where.name(), where.dataset);
}

}  // namespace

void bind_reading(nb::module_& m) {
  m.def("read_section", &read_section, nb::arg("section"), nb::arg("name"), nb::arg("selection"),
        "Section.read(name, selection) of h5archive._entry.");
  m.def("read_archive", &read_archive, nb::arg("archive"), nb::arg("path"), nb::arg("selection"),
        "EntryArchive.read(path, selection) of h5archive._entry.");
  m.def("get", &get, nb::arg("area"), nb::arg("reference"), nb::arg("selection") = nb::none(),
        nb::arg("upload") = nb::none(), nb::arg("out") = nb::none(),
        "h5archive.get (python/h5archive/_files.py).");
  m.def("dataset_location", &dataset_location, nb::arg("section"),
        nb::arg("reference") = nb::none(),
        "(root, prefix_size, upload_id, /uploads name, dataset) of a reference, or of the "
        "section's archive HDF5 file when reference is None.");
}

}  // namespace h5archive::python
