// QuantityWriter's steps: writing blocks, SWMR mode, final attributes and
// statistics.
#include "quantity_writer_state.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "chunk_encoder.hpp"
#include "h5archive/checked_size.hpp"
#include "hdf5_types.hpp"

namespace h5archive {
namespace {

namespace fs = std::filesystem;
using detail::check;
using detail::checked;
using detail::Hid;
using detail::list_str;

constexpr std::uint64_t kReadBudget = 4u << 20;  // bytes per block when re-reading
// Smaller blocks gather statistics inline: a thread costs tens of microseconds.
constexpr std::uint64_t kParallelStatisticsBytes = 1u << 20;

Shape trailing(const Shape& s) { return s.empty() ? Shape{} : Shape(s.begin() + 1, s.end()); }

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

void QuantityWriter::State::close() noexcept {
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

void QuantityWriter::State::reserve(std::uint64_t block_bytes) {
  if (space)
    space->reserve(
        detail::bytes_to_reserve(block_bytes, handed, chunk_bytes, options.chunk_cache_bytes), file,
        what);
  handed += block_bytes;
}

void QuantityWriter::State::discard() noexcept {
  if (!staged && created && f) {
    dataset.close();
    detail::QuietErrors quiet;
    H5Ldelete(f.get(), path.c_str(), H5P_DEFAULT);
  }
  close();
}

void QuantityWriter::State::write_block(const void* data, const Shape& mem_shape, DType dtype,
                                        const std::vector<std::uint64_t>& start,
                                        bool update_stats) {
  if (!can_cast_safely(dtype, stored))
    detail::check_reassigned_dtype(dataset.get(), dtype, 0, what);  // throws its message
  const std::uint64_t n = element_count(mem_shape);
  if (n == 0) return;
  reserve(n * dtype_size(stored));
  Block b = stored_block(data, mem_shape, dtype, stored);
  auto write = [&] {
    if (!write_whole_chunks(b.data, mem_shape, start)) write_selection(b.data, mem_shape, start);
  };
  if (!update_stats) return write();
  // A large block's statistics are gathered on a second thread while HDF5
  // writes it (the two passes read the same bytes; together they take the
  // longer one's time). Into a copy: a failed write adds nothing.
  Statistics next = stats;
  std::optional<std::jthread> worker;
  if (n * dtype_size(stored) >= kParallelStatisticsBytes) {
    try {
      worker.emplace([&next, &b, n] { next.update(b.data, n); });
    } catch (const std::system_error&) {
      // no thread to be had: gathered after the write
    }
  }
  write();  // on a throw, the worker is joined and its result dropped
  if (worker)
    worker->join();
  else
    next.update(b.data, n);
  stats = std::move(next);
}

void QuantityWriter::State::write_selection(const void* data, const Shape& mem_shape,
                                            const std::vector<std::uint64_t>& start) {
  Hid mtype = detail::memory_type(stored);
  Hid file_space =
      checked(H5Dget_space(dataset.get()), [&] { return "Reading the dataspace of " + what; });
  Hid mem_space;
  if (current.empty()) {
    mem_space = checked(H5Screate(H5S_SCALAR), "Creating a scalar dataspace");
  } else {
    std::vector<hsize_t> s(start.begin(), start.end()), c(mem_shape.begin(), mem_shape.end());
    check(
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, s.data(), nullptr, c.data(), nullptr),
        [&] { return "Selecting " + list_str(start) + " of " + what; });
    mem_space = checked(H5Screate_simple(static_cast<int>(c.size()), c.data(), nullptr),
                        [&] { return "Creating a dataspace of shape " + shape_str(mem_shape); });
  }
  check(
      H5Dwrite(dataset.get(), mtype.get(), mem_space.get(), file_space.get(), H5P_DEFAULT, data),
      [&] { return "Writing " + shape_str(mem_shape) + " at " + list_str(start) + " of " + what; });
}

void QuantityWriter::State::plan_direct_writes() {
  direct_rows = 0;
  if (swmr_active || options.swmr || current.empty()) return;
  Hid dcpl = checked(H5Dget_create_plist(dataset.get()),
                     [&] { return "Reading the creation properties of " + what; });
  if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED) return;
  // Deflate (after shuffle) is applied here, on several threads; any other
  // filter goes through HDF5's pipeline.
  filters = detail::encodable_filters(dcpl.get(), dtype_size(stored));
  if (H5Pget_nfilters(dcpl.get()) != 0 && !filters) return;
  std::vector<hsize_t> chunk(current.size());
  if (H5Pget_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()) !=
      static_cast<int>(chunk.size()))
    return;
  for (std::size_t i = 1; i < chunk.size(); ++i)
    if (chunk[i] != current[i]) return;  // a chunk is not whole rows
  Hid ftype = checked(H5Dget_type(dataset.get()), [&] { return "Reading the type of " + what; });
  Hid mtype = detail::memory_type(stored);
  if (H5Tequal(ftype.get(), mtype.get()) <= 0) return;  // bytes differ from memory's
  direct_rows = chunk[0];
}

bool QuantityWriter::State::write_whole_chunks(const void* data, const Shape& mem_shape,
                                               const std::vector<std::uint64_t>& start) {
  if (direct_rows == 0) return false;
  for (std::size_t i = 1; i < mem_shape.size(); ++i)
    if (start[i] != 0 || mem_shape[i] != current[i]) return false;
  const std::uint64_t begin = start[0], end = begin + mem_shape[0];
  const std::uint64_t first = (begin + direct_rows - 1) / direct_rows * direct_rows;
  const std::uint64_t last = end / direct_rows * direct_rows;
  if (first >= last) return false;
  const auto* bytes = static_cast<const std::byte*>(data);
  const std::uint64_t row_bytes = element_count(trailing(current)) * dtype_size(stored);
  auto rows = [&](std::uint64_t from, std::uint64_t to) {
    if (from == to) return;
    Shape shape = mem_shape;
    shape[0] = to - from;
    std::vector<std::uint64_t> at = start;
    at[0] = from;
    write_selection(bytes + (from - begin) * row_bytes, shape, at);
  };
  rows(begin, first);  // the end of a chunk begun earlier, through HDF5's chunk cache
  std::vector<hsize_t> offset(current.size(), 0);
  const auto put = [&](std::uint64_t r, const void* chunk, std::size_t size) {
    offset[0] = r;
    if (H5Dwrite_chunk(dataset.get(), H5P_DEFAULT, 0, offset.data(), size, chunk) < 0)
      throw detail::hdf5_error("Writing " + shape_str(mem_shape) + " at " + list_str(start) +
                               " of " + what);
  };
  const auto chunk_size = static_cast<std::size_t>(direct_rows * row_bytes);
  if (filters) {
    detail::encode_chunks(*filters, bytes + (first - begin) * row_bytes, chunk_size,
                          static_cast<std::size_t>((last - first) / direct_rows), what,
                          [&](std::size_t i, const void* chunk, std::size_t size) {
                            put(first + i * direct_rows, chunk, size);
                          });
  } else {
    for (std::uint64_t r = first; r < last; r += direct_rows)
      put(r, bytes + (r - begin) * row_bytes, chunk_size);
  }
  rows(last, end);
  // Those chunks are in the file, not in HDF5's cache: no longer among the
  // bytes a later reservation must cover (reserve()).
  handed -= (last - first) * row_bytes;
  return true;
}

void QuantityWriter::State::check_swmr_format() const {
  H5F_info2_t info{};
  check(H5Fget_info2(f.get(), &info),
        [&] { return "Reading the file format of " + file.string(); });
  if (info.super.version < 3)
    throw ValueError(fmt::format(
        "{} is in a file format older than HDF5 1.10's (superblock version {}), which SWMR "
        "cannot write: convert it (h5format_convert) or write without SWMR",
        file.string(), info.super.version));
}

void QuantityWriter::State::start_swmr() {
  Hid plist = checked(H5Dget_create_plist(dataset.get()),
                      [&] { return "Reading the creation properties of " + what; });
  if (H5Pget_layout(plist.get()) != H5D_CHUNKED)
    throw ValueError(fmt::format(
        "{} of shape {} is not chunked, so it cannot be written in SWMR mode", what, extent.str()));
  Statistics placeholder(stored);
  std::vector<std::byte> zero(dtype_size(stored));
  placeholder.update(zero.data(), 1);
  // Until finish(), readers see a count of 0: no statistics yet.
  Attributes stats_attrs = statistics_attributes(placeholder);
  stats_attrs.front().second = AttributeValue::of(Array::scalar(std::uint64_t{0}));
  detail::write_object_attributes(dataset.get(), final_attributes(), what);
  detail::write_object_attributes(dataset.get(), stats_attrs, what);
  for (const auto& a : stats_attrs) swmr_statistics.push_back(a.first);
  check(H5Fstart_swmr_write(f.get()), [&] { return "Starting SWMR mode on " + file.string(); });
  swmr_active = true;
}

Attributes QuantityWriter::State::final_attributes() const {
  Attributes attrs;
  if (options.unit) attrs.emplace_back("units", AttributeValue::of(*options.unit));
  for (const auto& a : options.attributes) attrs.push_back(a);
  return attrs;
}

void QuantityWriter::State::flush_for_readers() {
  if (swmr_active)
    check(H5Dflush(dataset.get()), [&] { return "Flushing " + what + " for SWMR readers"; });
}

void QuantityWriter::State::write_final_attributes() {
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
            [&] { return "Deleting the placeholder attribute " + name + " of " + what; });
  }
  for (auto& a : final_attributes()) stats_attrs.push_back(std::move(a));
  detail::write_object_attributes(dataset.get(), stats_attrs, what);
}

void QuantityWriter::State::set_extent(const Shape& dims) {
  std::vector<hsize_t> d(dims.begin(), dims.end());
  check(H5Dset_extent(dataset.get(), d.data()),
        [&] { return "Resizing " + what + " to " + shape_str(dims); });
  current = dims;
}

void QuantityWriter::State::recompute_statistics() {
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
          [&] { return "Reading " + what; });
    stats.update(one.data(), 1);
    return;
  }
  const std::uint64_t row_bytes = checked_byte_size(trailing(current), element, what);
  const std::uint64_t per = std::max<std::uint64_t>(kReadBudget / row_bytes, 1);
  std::vector<std::byte> buffer(  // at most max(kReadBudget, row_bytes): no overflow
      allocatable(std::min(per, current[0]) * row_bytes, "Re-reading rows of " + what));
  Hid file_space =
      checked(H5Dget_space(dataset.get()), [&] { return "Reading the dataspace of " + what; });
  for (std::uint64_t r = 0; r < current[0]; r += per) {
    Shape count = current;
    count[0] = std::min(per, current[0] - r);
    std::vector<hsize_t> s(current.size(), 0), c(count.begin(), count.end());
    s[0] = r;
    check(
        H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, s.data(), nullptr, c.data(), nullptr),
        [&] { return "Selecting rows of " + what; });
    Hid mem_space = checked(H5Screate_simple(static_cast<int>(c.size()), c.data(), nullptr),
                            "Creating a dataspace");
    check(H5Dread(dataset.get(), mtype.get(), mem_space.get(), file_space.get(), H5P_DEFAULT,
                  buffer.data()),
          [&] { return "Reading rows of " + what; });
    stats.update(buffer.data(), element_count(count));
  }
}

}  // namespace h5archive
