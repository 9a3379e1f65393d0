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

namespace h5archive {
namespace {

namespace fs = std::filesystem;
using detail::check;
using detail::checked;
using detail::Hid;
using detail::list_str;

constexpr std::uint64_t kChunkTarget = 1u << 20;  // bytes per default chunk
constexpr std::uint64_t kReadBudget = 4u << 20;   // bytes per block when re-reading

Shape trailing(const Shape& s) { return s.empty() ? Shape{} : Shape(s.begin() + 1, s.end()); }

void require_filter(H5Z_filter_t id, const char* name) {
  if (H5Zfilter_avail(id) <= 0)
    throw ValueError(
        fmt::format("Compression filter {} is not available in this HDF5 build", name));
}

// The bytes to hand to HDF5 for a block: in place when the dtype is the
// stored one, else a cast copy (a block's worth of memory).
struct Block {
  const void* data = nullptr;
  Array converted;
};

Block stored_block(const void* data, const Shape& shape, DType dtype, DType stored) {
  Block b;
  if (dtype == stored) {
    b.data = data;
    return b;
  }
  Array a = Array::zeros(dtype, shape);
  if (!a.bytes().empty()) std::memcpy(a.bytes().data(), data, a.bytes().size());
  b.converted = a.cast_to(stored);
  b.data = b.converted.bytes().data();
  return b;
}

}  // namespace

Extent Extent::unlimited(Shape trailing_dims) {
  Shape s{0};
  s.insert(s.end(), trailing_dims.begin(), trailing_dims.end());
  return {std::move(s), true};
}

std::string Extent::str() const {
  if (!unlimited_rows) return shape_str(shape);
  std::string s = "(None";
  for (std::size_t i = 1; i < shape.size(); ++i) s += ", " + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

Shape default_chunks(DType dtype, const Extent& extent) {
  if (extent.shape.empty()) return {};
  Shape chunk = extent.shape;
  const std::uint64_t element = std::max<std::size_t>(dtype_size(dtype), 1);
  for (std::size_t i = 1; i < chunk.size(); ++i) chunk[i] = std::max<std::uint64_t>(chunk[i], 1);
  const std::string what = "The default chunks of a quantity of shape " + extent.str();
  const std::uint64_t row_bytes = checked_byte_size(trailing(chunk), element, what);
  std::uint64_t rows = std::max<std::uint64_t>(kChunkTarget / row_bytes, 1);
  if (!extent.unlimited_rows) rows = std::min(rows, std::max<std::uint64_t>(extent.shape[0], 1));
  chunk[0] = rows;
  // A row larger than the target: halve trailing dimensions from the left.
  while (checked_byte_size(chunk, element, what) > kChunkTarget) {
    auto it = std::find_if(chunk.begin() + 1, chunk.end(), [](std::uint64_t d) { return d > 1; });
    if (it == chunk.end()) break;
    *it = (*it + 1) / 2;
  }
  return chunk;
}

struct QuantityWriter::State {
  fs::path file;
  std::string path;
  std::string what;
  // Declared before the file and dataset: released after they are closed.
  std::optional<detail::SpaceReservation> space;
  Hid f;
  Hid dataset;
  std::uint64_t chunk_bytes = 0;  // 0: not chunked
  std::uint64_t handed = 0;       // bytes handed to HDF5 so far
  DType stored = DType::float64;
  Extent extent;
  Shape current;           // the dataset's dims now
  std::uint64_t rows = 0;  // append cursor
  bool created = false;    // SWMR: this writer created the dataset at `path`
  bool staged = false;     // the dataset is a staged one (dataset_io_detail.hpp)
  bool replacing = false;  // staged, and an old dataset at `path` is replaced by finish()
  bool only_appends = true;
  bool swmr_active = false;
  std::vector<std::string> swmr_statistics;  // placeholder attributes written
  Statistics stats;
  WriterOptions options;
  std::function<void(const QuantityMetadata&)> callback;

  // Closes the writer without finishing: a staged value is dropped (the old
  // one stays as it was); in SWMR mode the rows written stay.
  void close() noexcept {
    if (staged) {
      detail::discard_staged_dataset(dataset);
      detail::QuietErrors quiet;
      if (f) H5Fflush(f.get(), H5F_SCOPE_LOCAL);  // only old metadata is left to write
    }
    detail::QuietErrors quiet;
    dataset.close();
    f.close();
    if (space) space->release();
  }

  // Before HDF5 is handed `block_bytes` more (see SpaceReservation).
  void reserve(std::uint64_t block_bytes) {
    if (space)
      space->reserve(
          detail::bytes_to_reserve(block_bytes, handed, chunk_bytes, options.chunk_cache_bytes),
          file, what);
    handed += block_bytes;
  }

  // Closes the writer, removing what it created.
  void discard() noexcept {
    if (!staged && created && f) {
      dataset.close();
      detail::QuietErrors quiet;
      H5Ldelete(f.get(), path.c_str(), H5P_DEFAULT);
    }
    close();
  }

  void write_block(const void* data, const Shape& mem_shape, DType dtype,
                   const std::vector<std::uint64_t>& start, bool update_stats) {
    if (!can_cast_safely(dtype, stored))
      detail::check_reassigned_dtype(dataset.get(), dtype, 0, what);  // throws its message
    const std::uint64_t n = element_count(mem_shape);
    if (n == 0) return;
    reserve(n * dtype_size(stored));
    Block b = stored_block(data, mem_shape, dtype, stored);
    Hid mtype = detail::memory_type(stored);
    Hid file_space = checked(H5Dget_space(dataset.get()), "Reading the dataspace of " + what);
    Hid mem_space;
    if (current.empty()) {
      mem_space = checked(H5Screate(H5S_SCALAR), "Creating a scalar dataspace");
    } else {
      std::vector<hsize_t> s(start.begin(), start.end()), c(mem_shape.begin(), mem_shape.end());
      check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, s.data(), nullptr, c.data(),
                                nullptr),
            "Selecting " + list_str(start) + " of " + what);
      mem_space = checked(H5Screate_simple(static_cast<int>(c.size()), c.data(), nullptr),
                          "Creating a dataspace of shape " + shape_str(mem_shape));
    }
    check(H5Dwrite(dataset.get(), mtype.get(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                   b.data),
          "Writing " + shape_str(mem_shape) + " at " + list_str(start) + " of " + what);
    if (update_stats) stats.update(b.data, n);
  }

  // Checked before anything is written: SWMR needs superblock version 3+.
  void check_swmr_format() const {
    H5F_info2_t info{};
    check(H5Fget_info2(f.get(), &info), "Reading the file format of " + file.string());
    if (info.super.version < 3)
      throw ValueError(fmt::format(
          "{} is in a file format older than HDF5 1.10's (superblock version {}), which SWMR "
          "cannot write: convert it (h5format_convert) or write without SWMR",
          file.string(), info.super.version));
  }

  // Enters SWMR mode once the dataset exists. No object or attribute can be
  // created after that, so the attributes finish() writes are created now:
  // units and extra ones with their final values, statistics as placeholders
  // of their final types, overwritten in place by finish().
  void start_swmr() {
    Hid plist =
        checked(H5Dget_create_plist(dataset.get()), "Reading the creation properties of " + what);
    if (H5Pget_layout(plist.get()) != H5D_CHUNKED)
      throw ValueError(
          fmt::format("{} of shape {} is not chunked, so it cannot be written in SWMR mode", what,
                      extent.str()));
    Statistics placeholder(stored);
    std::vector<std::byte> zero(dtype_size(stored));
    placeholder.update(zero.data(), 1);
    // Until finish(), readers see a count of 0: no statistics yet.
    Attributes stats_attrs = statistics_attributes(placeholder);
    stats_attrs.front().second = AttributeValue::of(Array::scalar(std::uint64_t{0}));
    detail::write_object_attributes(dataset.get(), final_attributes(), what);
    detail::write_object_attributes(dataset.get(), stats_attrs, what);
    for (const auto& a : stats_attrs) swmr_statistics.push_back(a.first);
    check(H5Fstart_swmr_write(f.get()), "Starting SWMR mode on " + file.string());
    swmr_active = true;
  }

  // units and the caller's attributes.
  Attributes final_attributes() const {
    Attributes attrs;
    if (options.unit) attrs.emplace_back("units", AttributeValue::of(*options.unit));
    for (const auto& a : options.attributes) attrs.push_back(a);
    return attrs;
  }

  // SWMR readers see what is flushed: each append ends with a flush.
  void flush_for_readers() {
    if (swmr_active) check(H5Dflush(dataset.get()), "Flushing " + what + " for SWMR readers");
  }

  // Writes the final attributes: in SWMR mode in place when the statistics
  // have the placeholders' names; otherwise (no rows, only NaNs) SWMR mode is
  // ended by closing the file, which is reopened normally (this fails while
  // a reader still holds the file open).
  void write_final_attributes() {
    Attributes stats_attrs = statistics_attributes(stats);
    if (swmr_active) {
      std::vector<std::string> names;
      for (const auto& a : stats_attrs) names.push_back(a.first);
      if (names == swmr_statistics) {
        detail::write_object_attributes(dataset.get(), stats_attrs, what);
        return;
      }
      dataset.close();
      detail::close_written_file(f, file);
      swmr_active = false;
      f = detail::open_file_for_writing(file);
      dataset = detail::open_dataset(f.get(), path, H5P_DEFAULT, file, what);
      for (const std::string& name : swmr_statistics)
        check(H5Adelete(dataset.get(), name.c_str()),
              "Deleting the placeholder attribute " + name + " of " + what);
    }
    for (auto& a : final_attributes()) stats_attrs.push_back(std::move(a));
    detail::write_object_attributes(dataset.get(), stats_attrs, what);
  }

  void set_extent(const Shape& dims) {
    std::vector<hsize_t> d(dims.begin(), dims.end());
    check(H5Dset_extent(dataset.get(), d.data()), "Resizing " + what + " to " + shape_str(dims));
    current = dims;
  }

  // Statistics of the stored data, read back in blocks of about kReadBudget.
  void recompute_statistics() {
    stats = Statistics(stored);
    const std::uint64_t total = element_count(current);
    if (!stats.has_order() || total == 0) {
      stats.update(nullptr, total);  // count only
      return;
    }
    Hid mtype = detail::memory_type(stored);
    const std::size_t element = dtype_size(stored);
    if (current.empty()) {
      std::vector<std::byte> one(element);
      check(H5Dread(dataset.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, one.data()),
            "Reading " + what);
      stats.update(one.data(), 1);
      return;
    }
    const std::uint64_t row_bytes = checked_byte_size(trailing(current), element, what);
    const std::uint64_t per = std::max<std::uint64_t>(kReadBudget / row_bytes, 1);
    std::vector<std::byte> buffer(  // at most max(kReadBudget, row_bytes): no overflow
        allocatable(std::min(per, current[0]) * row_bytes, "Re-reading rows of " + what));
    Hid file_space = checked(H5Dget_space(dataset.get()), "Reading the dataspace of " + what);
    for (std::uint64_t r = 0; r < current[0]; r += per) {
      Shape count = current;
      count[0] = std::min(per, current[0] - r);
      std::vector<hsize_t> s(current.size(), 0), c(count.begin(), count.end());
      s[0] = r;
      check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, s.data(), nullptr, c.data(),
                                nullptr),
            "Selecting rows of " + what);
      Hid mem_space = checked(H5Screate_simple(static_cast<int>(c.size()), c.data(), nullptr),
                              "Creating a dataspace");
      check(H5Dread(dataset.get(), mtype.get(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                    buffer.data()),
            "Reading rows of " + what);
      stats.update(buffer.data(), element_count(count));
    }
  }
};

QuantityWriter::QuantityWriter(const fs::path& file, const std::string& dataset_path, DType dtype,
                               Extent extent, WriterOptions options)
    : state_(std::make_unique<State>()) {
  State& st = *state_;
  st.file = file;
  st.path = detail::normalized_dataset_path(dataset_path);
  st.what = "dataset " + st.path + " in " + file.string();
  if (is_string(dtype))
    throw ValueError(
        fmt::format("Cannot stream {} into {}: streaming takes numeric, bool and "
                    "complex data; assign strings as an Array",
                    dtype_name(dtype), st.what));
  if (extent.unlimited_rows && extent.shape.empty())
    throw ValueError("An unlimited first axis needs a shape of rank >= 1 for " + st.what);
  if (extent.unlimited_rows) extent.shape[0] = 0;
  checked_byte_size(extent.shape, dtype_size(dtype), st.what);  // before any file is touched
  const bool deflate = options.compression.kind == Compression::Kind::deflate;
  if (options.compression.kind == Compression::Kind::other)
    throw ValueError(fmt::format("Compression filter {} is not supported for writing {}",
                                 options.compression.other, st.what));
  if (deflate) {
    require_filter(H5Z_FILTER_DEFLATE, "deflate");
    if (options.compression.shuffle) require_filter(H5Z_FILTER_SHUFFLE, "shuffle");
    if (options.compression.level > 9)
      throw ValueError(
          fmt::format("Deflate level {} for {} is not in 0-9", options.compression.level, st.what));
  }
  st.extent = extent;
  st.options = std::move(options);

  Hid fapl;
  if (st.options.swmr) {
    // SWMR needs the 1.10 file format (superblock version 3 or later).
    fapl = checked(H5Pcreate(H5P_FILE_ACCESS), "Creating a file-access property list");
    check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_LATEST),
          "Selecting the HDF5 1.10 file format for " + file.string());
  }
  st.f = detail::open_file_for_writing(file, fapl ? fapl.get() : H5P_DEFAULT);
  st.space.emplace(st.f.get());
  if (st.options.swmr) st.check_swmr_format();
  Hid dapl = checked(H5Pcreate(H5P_DATASET_ACCESS), "Creating a dataset-access property list");
  // A small cache bounds HDF5's memory; w0 = 1 evicts fully written chunks first.
  check(H5Pset_chunk_cache(dapl.get(), 521, st.options.chunk_cache_bytes, 1.0),
        "Setting the chunk cache of " + st.what);
  Hid existing = detail::open_existing_dataset_for_writing(st.f.get(), st.path, file);
  // Outside SWMR mode the new value is staged (dataset_io_detail.hpp) and
  // linked at the path by finish(): until then the old value and its
  // statistics stay readable, and a failure or kill leaves them so. In SWMR
  // mode readers follow the dataset at its path while it grows, and no
  // object can be linked once SWMR mode is on, so it is written in place.
  st.staged = !st.options.swmr;
  const std::vector<std::string> statistics_names = {stat_count_attribute, stat_nan_count_attribute,
                                                     stat_min_attribute, stat_max_attribute,
                                                     stat_mean_attribute};
  if (existing) {
    Hid space = checked(H5Dget_space(existing.get()), "Reading the dataspace of " + st.what);
    const Shape shape = detail::dataspace_shape(space.get(), "Dataset " + st.path);
    std::vector<hsize_t> maxdims(shape.size());
    if (!shape.empty()) H5Sget_simple_extent_dims(space.get(), nullptr, maxdims.data());
    const bool extendable = !shape.empty() && maxdims[0] == H5S_UNLIMITED;
    const Extent stored_extent{shape, extendable};
    const bool same = extent.unlimited_rows
                          ? extendable && trailing(shape) == trailing(extent.shape)
                          : shape == extent.shape;
    detail::check_reassigned_shape(same, extendable ? stored_extent.str() : shape_str(shape),
                                   extent.str(), st.what);
    st.stored = detail::check_reassigned_dtype(existing.get(), dtype, 0, st.what).dtype;
    st.current = shape;
    if (st.staged) {
      // The same type, layout and filters as the old dataset; an unlimited
      // one starts again from 0 rows (a reassigned dataset keeps only the new rows).
      Hid ftype = checked(H5Dget_type(existing.get()), "Reading the type of " + st.what);
      Hid dcpl = checked(H5Dget_create_plist(existing.get()),
                         "Reading the creation properties of " + st.what);
      if (extent.unlimited_rows) {
        st.current[0] = 0;
        std::vector<hsize_t> dims(st.current.begin(), st.current.end());
        space =
            checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
                    "Creating a dataspace of shape " + extent.str());
      }
      st.dataset = detail::create_staged_dataset(st.f.get(), ftype.get(), space.get(), dcpl.get(),
                                                 dapl.get(), st.what);
      st.replacing = true;
      try {
        // Old statistics would describe the old data: not copied.
        detail::copy_attributes(existing.get(), st.dataset.get(), statistics_names, st.what);
      } catch (...) {
        st.close();
        throw;
      }
    } else {
      existing.close();
      st.dataset = detail::open_dataset(st.f.get(), st.path, dapl.get(), file, st.what);
      // Old statistics would describe data that is about to change.
      for (const std::string& name : statistics_names) {
        htri_t exists;
        {
          detail::QuietErrors quiet;
          exists = H5Aexists(st.dataset.get(), name.c_str());
        }
        if (exists > 0)
          check(H5Adelete(st.dataset.get(), name.c_str()),
                "Deleting the old attribute " + name + " of " + st.what);
      }
    }
  } else {
    st.stored = dtype;
    const Shape& shape = extent.shape;
    std::vector<hsize_t> dims(shape.begin(), shape.end()), maxdims = dims;
    if (extent.unlimited_rows) maxdims[0] = H5S_UNLIMITED;
    Hid space =
        shape.empty()
            ? checked(H5Screate(H5S_SCALAR), "Creating a scalar dataspace")
            : checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.data()),
                      "Creating a dataspace of shape " + extent.str());
    Hid dcpl = checked(H5Pcreate(H5P_DATASET_CREATE), "Creating a dataset-creation property list");
    // A known extent with no element (or a scalar) has nothing to chunk.
    const bool chunked = !shape.empty() && (extent.unlimited_rows || element_count(shape) > 0);
    if (!chunked && (st.options.chunks || deflate))
      throw ValueError(
          fmt::format("{} of shape {} cannot be chunked or compressed", st.what, extent.str()));
    if (chunked) {
      Shape chunks = st.options.chunks ? *st.options.chunks : default_chunks(dtype, extent);
      bool ok = chunks.size() == shape.size();
      for (std::size_t i = 0; ok && i < chunks.size(); ++i)
        ok = chunks[i] > 0 && (maxdims[i] == H5S_UNLIMITED || chunks[i] <= shape[i]);
      if (!ok)
        throw ValueError(fmt::format("Chunk shape {} does not fit {} of shape {}",
                                     shape_str(chunks), st.what, extent.str()));
      std::vector<hsize_t> c(chunks.begin(), chunks.end());
      check(H5Pset_chunk(dcpl.get(), static_cast<int>(c.size()), c.data()),
            "Setting chunks " + shape_str(chunks) + " on " + st.what);
      if (deflate && st.options.compression.shuffle)
        check(H5Pset_shuffle(dcpl.get()), "Enabling shuffle on " + st.what);
      if (deflate)
        check(H5Pset_deflate(dcpl.get(), st.options.compression.level),
              "Enabling deflate on " + st.what);
    }
    Hid ftype = detail::file_type(dtype);
    st.dataset = detail::create_staged_dataset(st.f.get(), ftype.get(), space.get(), dcpl.get(),
                                               dapl.get(), st.what);
    // SWMR readers need the dataset at its path from the start: linked now,
    // empty, once its header is in the file.
    if (!st.staged)
      detail::commit_staged_dataset(st.f.get(), st.dataset.get(), st.path, false, file, st.what);
    st.created = true;
    st.current = shape;
  }
  {
    Hid dcpl = checked(H5Dget_create_plist(st.dataset.get()),
                       "Reading the creation properties of " + st.what);
    if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
      std::vector<hsize_t> dims(std::max<std::size_t>(st.current.size(), 1));
      const int rank = H5Pget_chunk(dcpl.get(), static_cast<int>(dims.size()), dims.data());
      st.chunk_bytes = dtype_size(st.stored);
      for (int i = 0; i < rank; ++i) st.chunk_bytes *= dims[static_cast<std::size_t>(i)];
    }
  }
  st.stats = Statistics(st.stored);
  if (st.options.swmr) {
    try {
      st.start_swmr();
    } catch (...) {
      st.discard();  // refused: nothing this writer created stays behind
      throw;
    }
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
