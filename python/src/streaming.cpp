// Writing large quantities from Python block by block: the library's
// QuantityWriter (Section::stream) and `h5archive put`'s put_npy_quantity.
// The friendlier surface (a context manager, option checks) is
// python/h5archive/_stream.py.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/filesystem.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/npy_quantity.hpp"
#include "h5archive/reference.hpp"
#include "h5archive/section.hpp"

namespace nb = nanobind;

namespace h5archive::python {
namespace {

// Checked by _stream.py's _writer_options: chunk shape, deflate level (None:
// no compression), byte shuffle, unit.
WriterOptions writer_options(std::optional<Shape> chunks, std::optional<unsigned> deflate_level,
                             bool shuffle, std::optional<std::string> unit) {
  WriterOptions options;
  options.chunks = std::move(chunks);
  if (deflate_level) options.compression = Compression::deflate(*deflate_level, shuffle);
  options.unit = std::move(unit);
  return options;
}

// `block` must be a C-contiguous numpy array in native byte order
// (_stream.py makes it one): its buffer goes to the library as it is.
void append_block(QuantityWriter& writer, nb::handle block) {
  const std::string name = nb::cast<std::string>(block.attr("dtype").attr("name"));
  std::optional<DType> dtype;
  try {
    dtype = dtype_from_name(name);
  } catch (const h5archive::ValueError&) {
  }
  if (!dtype || is_string(*dtype)) {
    throw TypeMismatchError("Cannot stream a numpy array of dtype " + name +
                            " (bool, integers, floats and complex numbers only)");
  }
  using Input = nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>;
  Input in;
  if (!nb::try_cast<Input>(block, in, false))
    throw TypeMismatchError(
        "Cannot stream a numpy array that is not C-contiguous in native "
        "byte order");
  const Shape shape(in.shape_ptr(), in.shape_ptr() + in.ndim());
  // `in` holds a reference to the array: its buffer stays valid without the GIL.
  nb::gil_scoped_release release;
  writer.append(in.data(), shape, *dtype);
}

QuantityWriter stream_quantity(Section& s, std::string_view name, std::string_view dtype,
                               Shape shape, bool unlimited_rows, std::optional<Shape> chunks,
                               std::optional<unsigned> deflate_level, bool shuffle,
                               std::optional<std::string> unit) {
  Extent extent = Extent::fixed(shape);
  if (unlimited_rows) extent = Extent::unlimited(Shape(shape.begin() + 1, shape.end()));
  WriterOptions options = writer_options(std::move(chunks), deflate_level, shuffle, unit);
  const DType type = dtype_from_name(dtype);
  nb::gil_scoped_release release;
  return s.stream(name, type, std::move(extent), std::move(options));
}

std::string put(const StagingArea& area, std::string_view target,
                const std::filesystem::path& npy_file, std::optional<Shape> chunks,
                std::optional<unsigned> deflate_level, bool shuffle,
                std::optional<std::string> unit, std::uint64_t block_bytes) {
  const Reference r = Reference::parse(target);
  if (!r.upload_id || r.directory != "archive") {
    throw h5archive::ValueError(
        "put writes into an entry's archive: '" + std::string(target) +
        "' is not a reference /uploads/<upload>/archive/<entry>#<archive path>");
  }
  const WriterOptions options = writer_options(std::move(chunks), deflate_level, shuffle, unit);
  {
    nb::gil_scoped_release release;
    entry_files::put_npy_quantity(area, *r.upload_id, r.file, r.path, npy_file, options,
                                  block_bytes);
  }
  return Reference::archive(*r.upload_id, r.file, r.path).str();
}

}  // namespace

void bind_streaming(nb::module_& m) {
  nb::class_<QuantityWriter>(m, "QuantityWriter",
                             "The library's QuantityWriter (h5archive.QuantityStream wraps it).")
      .def("append", &append_block, nb::arg("block"),
           "Appends a C-contiguous, native-order numpy array along the first axis.")
      .def(
          "finish", [](QuantityWriter& w) { w.finish(); }, nb::call_guard<nb::gil_scoped_release>(),
          "Writes statistics and attributes, links the dataset and sets the quantity's value.")
      .def("abort", &QuantityWriter::abort, nb::call_guard<nb::gil_scoped_release>(),
           "Drops the new value (the old one, if any, stays).")
      .def_prop_ro("rows", &QuantityWriter::rows)
      .def_prop_ro("shape", &QuantityWriter::shape)
      .def_prop_ro("dataset_path", &QuantityWriter::dataset_path);
  // The writer calls back into the section at finish(): it keeps it alive.
  m.def("stream_quantity", &stream_quantity, nb::keep_alive<0, 1>(), nb::arg("section"),
        nb::arg("name"), nb::arg("dtype"), nb::arg("shape"), nb::arg("unlimited_rows"),
        nb::arg("chunks").none(), nb::arg("deflate_level").none(), nb::arg("shuffle"),
        nb::arg("unit").none(),
        "Section.stream of h5archive._entry (python/h5archive/_stream.py).");
  m.def("put", &put, nb::arg("area"), nb::arg("target"), nb::arg("npy_file"),
        nb::arg("chunks").none(), nb::arg("deflate_level").none(), nb::arg("shuffle"),
        nb::arg("unit").none(), nb::arg("block_bytes"),
        "h5archive.put (python/h5archive/_files.py).");
}

}  // namespace h5archive::python
