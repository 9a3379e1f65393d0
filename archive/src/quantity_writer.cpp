// QuantityWriter: one chunked dataset filled block by block.
#include "h5archive/quantity_writer.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "dataset_io_detail.hpp"
#include "h5archive/checked_size.hpp"
#include "hdf5_handle.hpp"
#include "hdf5_types.hpp"
#include "quantity_writer_state.hpp"
#include "require_dataset.hpp"

namespace h5archive {
namespace {

namespace fs = std::filesystem;
using detail::check;
using detail::checked;
using detail::Hid;
using detail::list_str;

Shape trailing(const Shape& s) { return s.empty() ? Shape{} : Shape(s.begin() + 1, s.end()); }

void require_filter(H5Z_filter_t id, const char* name) {
  if (H5Zfilter_avail(id) <= 0)
    throw ValueError(
        fmt::format("Compression filter {} is not available in this HDF5 build", name));
}

// The request's own checks, made before any file is touched.
void check_request(DType dtype, const Extent& extent, const WriterOptions& options,
                   const std::string& what) {
  if (is_string(dtype))
    throw ValueError(
        fmt::format("Cannot stream {} into {}: streaming takes numeric, bool and "
                    "complex data; assign strings as an Array",
                    dtype_name(dtype), what));
  if (extent.unlimited_rows && extent.shape.empty())
    throw ValueError("An unlimited first axis needs a shape of rank >= 1 for " + what);
  Shape shape = extent.shape;
  if (extent.unlimited_rows) shape[0] = 0;
  checked_byte_size(shape, dtype_size(dtype), what);
  if (options.compression.kind == Compression::Kind::other)
    throw ValueError(fmt::format("Compression filter {} is not supported for writing {}",
                                 options.compression.other, what));
  if (options.compression.kind == Compression::Kind::deflate) {
    require_filter(H5Z_FILTER_DEFLATE, "deflate");
    if (options.compression.shuffle) require_filter(H5Z_FILTER_SHUFFLE, "shuffle");
    if (options.compression.level > 9)
      throw ValueError(
          fmt::format("Deflate level {} for {} is not in 0-9", options.compression.level, what));
  }
}

// The file, in HDF5 1.10's format (superblock version 3 or later) if new
// and written in SWMR mode, which needs it.
Hid open_for(const fs::path& file, bool swmr) {
  if (!swmr) return detail::open_file_for_writing(file);
  Hid fapl = checked(H5Pcreate(H5P_FILE_ACCESS), "Creating a file-access property list");
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_LATEST),
        [&] { return "Selecting the HDF5 1.10 file format for " + file.string(); });
  return detail::open_file_for_writing(file, fapl.get());
}

// The bytes of one chunk of `dataset` (0: not chunked).
std::uint64_t chunk_bytes(hid_t dataset, DType stored, const std::string& what) {
  Hid dcpl = checked(H5Dget_create_plist(dataset),
                     [&] { return "Reading the creation properties of " + what; });
  if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED) return 0;
  std::vector<hsize_t> dims(H5S_MAX_RANK);
  const int rank = H5Pget_chunk(dcpl.get(), static_cast<int>(dims.size()), dims.data());
  std::uint64_t bytes = dtype_size(stored);
  for (int i = 0; i < rank; ++i) bytes *= dims[static_cast<std::size_t>(i)];
  return bytes;
}

}  // namespace

QuantityWriter::QuantityWriter(const fs::path& file, const std::string& dataset_path, DType dtype,
                               Extent extent, WriterOptions options)
    : state_(std::make_unique<State>()) {
  State& st = *state_;
  st.file = file;
  st.path = detail::normalized_dataset_path(dataset_path);
  st.what = "dataset " + st.path + " in " + file.string();
  check_request(dtype, extent, options, st.what);  // before any file is touched
  if (extent.unlimited_rows) extent.shape[0] = 0;
  st.extent = extent;
  st.options = std::move(options);
  st.f = open_for(file, st.options.swmr);
  st.space.emplace(st.f.get());
  if (st.options.swmr) st.check_swmr_format();
  Hid dapl = checked(H5Pcreate(H5P_DATASET_ACCESS), "Creating a dataset-access property list");
  // A small cache bounds HDF5's memory; w0 = 1 evicts fully written chunks first.
  check(H5Pset_chunk_cache(dapl.get(), 521, st.options.chunk_cache_bytes, 1.0),
        [&] { return "Setting the chunk cache of " + st.what; });
  // Outside SWMR mode the new value is staged (dataset_io_detail.hpp) and
  // linked at the path by finish(): until then the old value and its
  // statistics stay readable, and a failure or kill leaves them so. In SWMR
  // mode readers follow the dataset at its path while it grows, and no
  // object can be linked once SWMR mode is on, so it is written in place.
  st.staged = !st.options.swmr;
  detail::DatasetRequest request;
  request.dtype = dtype;
  request.extent = extent;
  request.show_extent = true;
  request.layout = detail::DatasetLayout{st.options.chunks, st.options.compression};
  request.dapl = dapl.get();
  request.staged = st.staged;
  // Old statistics would describe the old data.
  request.skip_attributes = stat_attributes;
  detail::RequiredDataset required =
      detail::require_dataset(st.f.get(), st.path, file, request, st.what);
  st.dataset = std::move(required.dataset);
  st.stored = required.stored.dtype;
  st.current = required.shape;
  st.replacing = required.existed && st.staged;
  st.created = !required.existed;
  st.chunk_bytes = chunk_bytes(st.dataset.get(), st.stored, st.what);
  st.stats = Statistics(st.stored);
  st.plan_direct_writes();
  try {
    // SWMR readers need a new dataset at its path from the start: linked
    // now, empty, once its header is in the file.
    if (st.created && !st.staged)
      detail::commit_staged_dataset(st.f.get(), st.dataset.get(), st.path, false, file, st.what);
    if (st.options.swmr) st.start_swmr();
  } catch (...) {
    st.discard();  // refused: nothing this writer created stays behind
    throw;
  }
}

QuantityWriter::QuantityWriter(QuantityWriter&&) noexcept = default;
QuantityWriter& QuantityWriter::operator=(QuantityWriter&&) noexcept = default;
QuantityWriter::~QuantityWriter() {
  if (state_) state_->close();
}

QuantityWriter::State& QuantityWriter::live(const char* operation) const {
  if (!state_ || !state_->dataset)
    throw ValueError(fmt::format("Cannot {}: the writer is finished or closed", operation));
  return *state_;
}

void QuantityWriter::append(const Array& block) {
  if (is_string(block.dtype()))
    throw TypeMismatchError("Cannot append " + block.dtype_name() + " data to " +
                            live("append").what);
  append(block.bytes().data(), block.shape(), block.dtype());
}

void QuantityWriter::append(const void* data, const Shape& shape, DType dtype) {
  State& st = live("append");
  if (st.current.empty()) throw ValueError("Cannot append to the scalar " + st.what);
  const bool one_row = shape.size() + 1 == st.current.size();
  const Shape block_trailing = one_row ? shape : trailing(shape);
  if ((!one_row && shape.size() != st.current.size()) || block_trailing != trailing(st.current))
    throw TypeMismatchError(
        fmt::format("Block of shape {} does not fit {} of shape {}: rows "
                    "must have shape {}",
                    shape_str(shape), st.what, st.extent.str(), shape_str(trailing(st.current))));
  const std::uint64_t n = one_row ? 1 : shape[0];
  Shape mem_shape = shape;
  if (one_row) mem_shape.insert(mem_shape.begin(), 1);
  const auto end = checked_add(st.rows, n);
  if (!end || (!st.extent.unlimited_rows && *end > st.current[0]))
    throw ValueError(fmt::format("Appending {} rows at row {} overflows {} of shape {}", n, st.rows,
                                 st.what, shape_str(st.current)));
  if (!can_cast_safely(dtype, st.stored))
    detail::check_reassigned_dtype(st.dataset.get(), dtype, 0, st.what);
  if (n == 0) return;
  if (*end > st.current[0]) {
    Shape grown = st.current;
    grown[0] = *end;
    checked_byte_size(grown, dtype_size(st.stored), st.what);
    st.set_extent(grown);
  }
  std::vector<std::uint64_t> start(st.current.size(), 0);
  start[0] = st.rows;
  st.write_block(data, mem_shape, dtype, start, true);
  st.rows += n;
  st.flush_for_readers();
}

void QuantityWriter::write(const Array& block, const std::vector<std::uint64_t>& offset) {
  if (is_string(block.dtype()))
    throw TypeMismatchError("Cannot write " + block.dtype_name() + " data to " +
                            live("write").what);
  write(block.bytes().data(), block.shape(), block.dtype(), offset);
}

void QuantityWriter::write(const void* data, const Shape& shape, DType dtype,
                           const std::vector<std::uint64_t>& offset) {
  State& st = live("write");
  bool fits = shape.size() == st.current.size() && offset.size() == shape.size();
  for (std::size_t i = 0; fits && i < shape.size(); ++i)
    fits = offset[i] <= st.current[i] && shape[i] <= st.current[i] - offset[i];
  if (!fits)
    throw ValueError(fmt::format("Selection offset {} shape {} does not fit {} of shape {}",
                                 list_str(offset), shape_str(shape), st.what,
                                 shape_str(st.current)));
  st.only_appends = false;
  st.write_block(data, shape, dtype, offset, false);
  st.flush_for_readers();
}

std::uint64_t QuantityWriter::rows() const { return state_ ? state_->rows : 0; }
Shape QuantityWriter::shape() const { return state_ ? state_->current : Shape{}; }
const Statistics& QuantityWriter::statistics() const { return live("read statistics").stats; }
const fs::path& QuantityWriter::file() const { return state_->file; }
const std::string& QuantityWriter::dataset_path() const { return state_->path; }

void QuantityWriter::on_finish(std::function<void(const QuantityMetadata&)> callback) {
  live("set a callback").callback = std::move(callback);
}

QuantityMetadata QuantityWriter::finish() {
  State& st = live("finish");
  try {
    if (st.extent.unlimited_rows && st.current[0] != st.rows) {
      Shape shrunk = st.current;
      shrunk[0] = st.rows;  // a reassigned dataset keeps only the new rows
      st.set_extent(shrunk);
    }
    const bool exact = st.only_appends && (st.extent.unlimited_rows || st.rows == st.current[0]) &&
                       !st.current.empty();
    if (!exact) st.recompute_statistics();
    st.reserve(0);  // what the chunk cache holds, and the metadata still to write
    st.write_final_attributes();
    if (st.staged) {
      detail::commit_staged_dataset(st.f.get(), st.dataset.get(), st.path, st.replacing, st.file,
                                    st.what);
      st.staged = st.created = false;  // committed: nothing left to discard
    }
    if (st.dataset.close() < 0) throw detail::hdf5_error("Closing " + st.what);
    detail::close_written_file(st.f, st.file);
    st.space->release();
  } catch (...) {
    st.discard();  // the old value, if any, stays; a dataset this writer created is removed
    throw;
  }
  QuantityMetadata md = read_quantity_metadata(st.file, st.path);
  if (st.callback) st.callback(md);
  return md;
}

void QuantityWriter::abort() noexcept {
  if (state_ && state_->dataset) state_->discard();
}

}  // namespace h5archive
