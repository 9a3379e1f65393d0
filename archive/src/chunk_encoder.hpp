// Internal: HDF5's shuffle and deflate filters applied to whole chunks by the
// streaming writer on several threads (HDF5 runs its filter pipeline on one
// thread, and deflate is what a compressed stream spends its time on). The
// bytes are those HDF5's own filters write (H5Zshuffle.c; H5Zdeflate.c:
// compress2 at the dataset's level), so the chunks go to the file with
// H5Dwrite_chunk and any HDF5 reads them as if H5Dwrite had written them.
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace h5archive::detail {

struct ChunkFilters {
  bool shuffle = false;
  int level = 0;            ///< deflate level
  std::size_t element = 1;  ///< bytes per element, for shuffle
};

/// The filters of dataset-creation list `dcpl` when they are exactly deflate,
/// or shuffle then deflate; nullopt for any other pipeline (none included).
std::optional<ChunkFilters> encodable_filters(hid_t dcpl, std::size_t element);

/// Encodes the `count` chunks of `chunk_bytes` each that lie one after the
/// other at `data`, a few at a time on as many threads (two buffers of a chunk
/// each per thread), and hands each to `write(index, bytes, size)` in order,
/// from the calling thread. Throws Error naming `what` if zlib fails.
void encode_chunks(const ChunkFilters& filters, const std::byte* data, std::size_t chunk_bytes,
                   std::size_t count, const std::string& what,
                   const std::function<void(std::size_t, const void*, std::size_t)>& write);

}  // namespace h5archive::detail
