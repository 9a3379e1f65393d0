// Writing a quantity from a .npy file block by block (memory bounded by the
// block size, whatever the file's size): into any QuantityWriter, or as an
// entry's quantity (what `h5archive put` does).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>

#include "h5archive/entry_files.hpp"
#include "h5archive/npy.hpp"
#include "h5archive/quantity_writer.hpp"

namespace h5archive {

/// Called after each block with the bytes written so far and in all.
using ByteProgress = std::function<void(std::uint64_t done_bytes, std::uint64_t total_bytes)>;

/// The default size of one block read from a .npy file and written.
inline constexpr std::uint64_t kNpyBlockBytes = std::uint64_t{16} << 20;

/// The extent of a .npy file's array in HDF5: its shape, or with
/// `unlimited_rows` an unlimited first axis of its row shape (a 0-d array
/// stays fixed: it has no rows).
Extent npy_extent(const NpyHeader& header, bool unlimited_rows);

/// Appends every row `reader` has not read yet to `writer` in blocks of as
/// many rows as fit in `block_bytes` (at least one, at most the file's rows),
/// through one buffer; a 0-d file is written as its one element. Numeric,
/// bool and complex files only (the reader's TypeMismatchError otherwise);
/// ValueError naming the file if a block's size does not fit in memory.
void append_npy(NpyReader& reader, QuantityWriter& writer,
                std::uint64_t block_bytes = kNpyBlockBytes, const ByteProgress& progress = {});

namespace entry_files {

/// entry_files::put_quantity() of the .npy file `npy_file`, streamed with
/// append_npy(): the extent is npy_extent(header, options.swmr). Returns
/// what put_quantity() returns; errors are the reader's and put_quantity()'s.
QuantityMetadata put_npy_quantity(const StagingArea& area, std::string_view upload,
                                  std::string_view entry, std::string_view archive_path,
                                  const std::filesystem::path& npy_file,
                                  const WriterOptions& options,
                                  std::uint64_t block_bytes = kNpyBlockBytes,
                                  const ByteProgress& progress = {});

}  // namespace entry_files
}  // namespace h5archive
