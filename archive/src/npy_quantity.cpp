// .npy files into quantities: row blocks from NpyReader appended to a
// QuantityWriter through one buffer.
#include "h5archive/npy_quantity.hpp"

#include <algorithm>
#include <vector>

#include "h5archive/checked_size.hpp"

namespace h5archive {

Extent npy_extent(const NpyHeader& header, bool unlimited_rows) {
  return unlimited_rows && !header.shape.empty() ? Extent::unlimited(header.row_shape())
                                                 : Extent::fixed(header.shape);
}

void append_npy(NpyReader& reader, QuantityWriter& writer, std::uint64_t block_bytes,
                const ByteProgress& progress) {
  const NpyHeader& header = reader.header();
  const std::string what = "A block of rows of " + reader.path().string();
  // The header's shape is checked (its byte size fits 64 bits and the file).
  const std::uint64_t total_bytes = checked_byte_size(header.shape, header.item_size, what);
  if (header.shape.empty()) {  // 0-d: one element, no rows to stream
    if (reader.rows_remaining() > 0) writer.write(reader.read_rows(1), {});
    if (progress) progress(total_bytes, total_bytes);
    return;
  }
  const std::uint64_t row_bytes =
      std::max<std::uint64_t>(1, checked_byte_size(header.row_shape(), header.item_size, what));
  // No more rows than the file has: a large block costs nothing on a small file.
  const std::uint64_t block_rows = std::clamp<std::uint64_t>(
      block_bytes / row_bytes, 1, std::max<std::uint64_t>(header.rows(), 1));
  Shape block_shape = header.shape;
  block_shape[0] = block_rows;
  std::vector<std::byte> buffer(allocatable(block_shape, header.item_size, what));
  std::uint64_t done = header.rows() - reader.rows_remaining();
  while (reader.rows_remaining() > 0) {
    const std::uint64_t n = reader.read_rows_into(block_rows, buffer.data(), buffer.size());
    block_shape[0] = n;
    writer.append(buffer.data(), block_shape, header.dtype);
    done += n;
    if (progress) progress(done * row_bytes, total_bytes);
  }
}

namespace entry_files {

QuantityMetadata put_npy_quantity(const StagingArea& area, std::string_view upload,
                                  std::string_view entry, std::string_view archive_path,
                                  const std::filesystem::path& npy_file,
                                  const WriterOptions& options, std::uint64_t block_bytes,
                                  const ByteProgress& progress) {
  NpyReader reader(npy_file);
  return put_quantity(
      area, upload, entry, archive_path, reader.header().dtype,
      npy_extent(reader.header(), options.swmr), options,
      [&](QuantityWriter& writer) { append_npy(reader, writer, block_bytes, progress); });
}

}  // namespace entry_files
}  // namespace h5archive
