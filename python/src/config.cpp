// StagingConfig (the connector's info string) and StagingArea.
#include <nanobind/nanobind.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>

#include "bindings.hpp"
#include "h5archive/staging_area.hpp"
#include "h5archive/staging_config.hpp"

namespace nb = nanobind;

namespace h5archive::python {

void bind_config(nb::module_& m) {
  m.attr("DEFAULT_PREFIX_SIZE") = kDefaultPrefixSize;

  nb::class_<StagingConfig>(m, "StagingConfig",
                            "The connector's info string `root=...;prefix_size=...;upload=...`.")
      .def(
          "__init__",
          [](StagingConfig* self, std::optional<std::filesystem::path> root,
             std::optional<int> prefix_size, std::optional<std::string> upload) {
            new (self) StagingConfig{std::move(root), prefix_size, std::move(upload), {}};
          },
          nb::arg("root") = nb::none(), nb::arg("prefix_size") = nb::none(),
          nb::arg("upload") = nb::none())
      .def_rw("root", &StagingConfig::root, "The staging root (None: the default).")
      .def_rw("prefix_size", &StagingConfig::prefix_size,
              "Characters of the upload id in the prefix folder (None: 2).")
      .def_rw("upload", &StagingConfig::upload,
              "The upload of references that name none (NOMAD's current upload).")
      .def_static(
          "parse", [](std::string_view text) { return StagingConfig::parse(text); },
          nb::arg("text"), "Parses an info string (InvalidValueError naming what is wrong).")
      .def("__str__", &StagingConfig::str,
           "The info string; parse(str(c)) == c for every root (values quoted as needed).")
      .def("__eq__", [](const StagingConfig& a, const StagingConfig& b) { return a == b; });

  nb::class_<StagingArea>(m, "StagingArea",
                          "NOMAD's staging folders: <root>/<upload[:prefix_size]>/<upload>.")
      .def(nb::init<std::filesystem::path, int>(), nb::arg("root"),
           nb::arg("prefix_size") = kDefaultPrefixSize)
      .def_prop_ro("root", &StagingArea::root, "The staging root folder.")
      .def_prop_ro("prefix_size", &StagingArea::prefix_size,
                   "Characters of the upload id in the prefix folder.")
      .def("has_upload", &StagingArea::has_upload, nb::arg("upload_id"),
           "Whether the upload's folder exists.")
      .def("create_upload", &StagingArea::create_upload, nb::arg("upload_id"),
           "Creates raw/ and archive/ of the upload (no error if they exist).")
      .def("upload_dir", &StagingArea::upload_dir, nb::arg("upload_id"),
           "<root>/<upload[:prefix_size]>/<upload> (InvalidValueError for a bad id).")
      .def("raw_file_path", &StagingArea::raw_file_path, nb::arg("upload_id"), nb::arg("relative"),
           "The path of raw/<relative> of the upload; a path that leaves raw/ is refused.")
      .def("archive_hdf5_path", &StagingArea::archive_hdf5_path, nb::arg("upload_id"),
           nb::arg("entry_id"), "The entry's archive HDF5 file: archive/<entry_id>.h5.")
      .def("archive_json_path", &StagingArea::archive_json_path, nb::arg("upload_id"),
           nb::arg("entry_id"), "The entry's archive: archive/<entry_id>.json.");
}

}  // namespace h5archive::python
