// Streaming a selection out in row blocks: one buffer of at most a block,
// refilled by strided hyperslab reads of successive rows of the dataset,
// opened once.
#include "h5archive/selection_stream.hpp"

#include <algorithm>
#include <vector>

#include "dataset_reader.hpp"
#include "h5archive/checked_size.hpp"
#include "h5archive/dataset_io.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/npy.hpp"

namespace h5archive {
namespace {

namespace fs = std::filesystem;

// Streams the resolved `slab` of `d`, the open dataset at `dataset_path` in
// `file`, described by `info` (numeric or bool).
void stream_slab(const fs::path& file, const std::string& dataset_path,
                 const detail::OpenDataset& d, const DatasetInfo& info, const StridedSlab& slab,
                 const BlockSink& sink, std::size_t block_bytes) {
  const std::size_t item = dtype_size(info.dtype);
  const std::string what = "A block of rows of " + file.string() + "#" + dataset_path;
  if (element_count(slab.result_shape) == 0) return;
  if (slab.count.empty()) {  // 0-d: one element, no rows
    std::vector<std::byte> one(item);
    detail::read_into(d, slab, one.data(), one.size(), info.dtype);
    sink(SelectionBlock{one.data(), 1, one.size()});
    return;
  }
  // Not 0: the selection has elements.
  const std::uint64_t row_bytes =
      checked_byte_size(Shape(slab.count.begin() + 1, slab.count.end()), item, what);
  const std::uint64_t rows = slab.count[0];
  const std::uint64_t block_rows =
      std::min<std::uint64_t>(rows, std::max<std::uint64_t>(1, block_bytes / row_bytes));
  Shape block_shape = slab.count;  // the result shape, with any indexed axis as 1
  block_shape[0] = block_rows;
  std::vector<std::byte> buffer(allocatable(block_shape, item, what));
  for (std::uint64_t done = 0; done < rows;) {
    const std::uint64_t n = std::min(block_rows, rows - done);
    StridedSlab block = slab;
    block.start[0] = slab.start[0] + done * slab.stride[0];
    block.count[0] = n;
    // With more than one row the first axis is a slice, kept in the result
    // (an integer index selects one row and gives one block).
    if (rows > 1) block.result_shape[0] = n;
    detail::read_into(d, block, buffer.data(), n * row_bytes, info.dtype);
    sink(SelectionBlock{buffer.data(), n, static_cast<std::size_t>(n * row_bytes)});
    done += n;
  }
}

}  // namespace

StreamedSelection stream_selection(const fs::path& file, const std::string& dataset_path,
                                   const Selection& selection, const BlockSink& sink,
                                   std::size_t block_bytes) {
  const detail::OpenDataset d = detail::open_for_reading(file, dataset_path);
  const DatasetInfo info = detail::info_of(d);
  if (is_string(info.dtype))
    throw TypeMismatchError("Cannot stream " + dataset_path + " in " + file.string() + " (" +
                            dtype_name(info.dtype, info.string_size) + "): strings are read whole");
  const StridedSlab slab = resolve(selection, info.shape);
  stream_slab(file, dataset_path, d, info, slab, sink, block_bytes);
  return {info.dtype, slab.result_shape};
}

void write_selection_npy(const fs::path& file, const std::string& dataset_path,
                         const Selection& selection, const fs::path& npy_path,
                         std::size_t block_bytes) {
  const detail::OpenDataset d = detail::open_for_reading(file, dataset_path);
  const DatasetInfo info = detail::info_of(d);
  const StridedSlab slab = resolve(selection, info.shape);
  const bool streamable = !is_string(info.dtype) && !info.shape.empty() &&
                          slab.result_shape.size() == info.shape.size() &&
                          element_count(slab.result_shape) > 0;
  if (!streamable) {
    write_npy(npy_path, read_selection(file, dataset_path, selection));
    return;
  }
  NpyWriter writer(npy_path, info.dtype,
                   Shape(slab.result_shape.begin() + 1, slab.result_shape.end()));
  stream_slab(
      file, dataset_path, d, info, slab,
      [&](const SelectionBlock& block) { writer.append_raw(block.data, block.rows); }, block_bytes);
  writer.close();
}

}  // namespace h5archive
