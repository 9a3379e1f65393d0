// numpy-like selections of a quantity ("0:100, :, 3") and reading them from
// HDF5 with strided hyperslabs, whole or straight into a caller's buffer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "h5archive/array.hpp"
#include "h5archive/dataset_io.hpp"

namespace h5archive {

/// numpy's `start:stop:step` on one axis. Absent bounds mean the whole axis;
/// negative bounds count from the end; out-of-range bounds are clamped, as in
/// numpy. `step` must be >= 1 (reverse slices are not supported).
struct Slice {
  std::optional<std::int64_t> start;
  std::optional<std::int64_t> stop;
  std::int64_t step = 1;
};

/// An integer index on one axis (negative counts from the end); it drops the
/// axis from the result, as in numpy.
struct Index {
  std::int64_t i = 0;
};

/// `:` — the whole axis.
struct All {};

/// `...` — as many `:` as the dataset's rank needs (at most one per selection).
struct Ellipsis {};

/// One axis of a selection.
using AxisSelection = std::variant<Slice, Index, All, Ellipsis>;

/// A selection: one entry per leading axis; axes not named are `:`.
/// The empty selection selects everything.
using Selection = std::vector<AxisSelection>;

/// Parses numpy's text form: comma-separated parts, each `start:stop:step`
/// (every number optional, `::2`, `-3:`), an integer, `:` or `...`;
/// whitespace is ignored; "" selects everything. Throws ValueError naming the
/// text and the bad part, e.g. "Invalid selection '0:a': 'a' is not an
/// integer", or for a step of 0 or below.
Selection parse_selection(std::string_view text);

/// The text form of a selection ("0:100:2, :, 3"), for messages.
std::string selection_str(const Selection& selection);

/// Resolves `selection` against a dataset shape with numpy's rules: returns
/// per-axis start/count/stride (over the full rank) and the result shape.
/// Throws ValueError naming the selection and the rank for too many
/// selections, a second `...`, a step below 1, and
/// "index 7 is out of bounds for axis 0 with size 5" for bad indices.
StridedSlab resolve(const Selection& selection, const Shape& shape);

/// Reads `selection` of the dataset at `dataset_path` in `file` in its stored
/// dtype (numeric, bool and strings). Errors as read_dataset() and resolve().
Array read_selection(const std::filesystem::path& file, const std::string& dataset_path,
                     const Selection& selection);

/// Reads `selection` straight into `buffer` (row-major, native byte order)
/// with one strided HDF5 hyperslab read and no extra copy; see
/// read_dataset_into() for the dtype rules (numeric and bool only, safe casts
/// only: TypeMismatchError naming both dtypes) and the too-small buffer
/// ValueError naming both sizes.
void read_selection_into(const std::filesystem::path& file, const std::string& dataset_path,
                         const Selection& selection, void* buffer, std::size_t buffer_bytes,
                         DType mem_dtype);

}  // namespace h5archive
