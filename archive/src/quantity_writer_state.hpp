// Internal: the state of a QuantityWriter (quantity_writer.cpp) and the
// steps its public calls are made of.
#pragma once

#include <hdf5.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chunk_encoder.hpp"
#include "dataset_io_detail.hpp"
#include "h5archive/quantity_writer.hpp"
#include "hdf5_handle.hpp"

namespace h5archive {

struct QuantityWriter::State {
  std::filesystem::path file;
  std::string path;
  std::string what;
  // Declared before the file and dataset: released after they are closed.
  std::optional<detail::SpaceReservation> space;
  detail::Hid f;
  detail::Hid dataset;
  std::uint64_t chunk_bytes = 0;  // 0: not chunked
  std::uint64_t handed = 0;       // bytes handed to HDF5 that its cache may still hold
  // Rows per chunk when whole chunks go to the file as they are
  // (plan_direct_writes), 0 when every block goes through HDF5's pipeline.
  std::uint64_t direct_rows = 0;
  // With direct_rows: the deflate (and shuffle) this writer applies itself.
  std::optional<detail::ChunkFilters> filters;
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
  void close() noexcept;

  // Before HDF5 is handed `block_bytes` more (see SpaceReservation).
  void reserve(std::uint64_t block_bytes);

  // Closes the writer, removing what it created.
  void discard() noexcept;

  void write_block(const void* data, const Shape& mem_shape, DType dtype,
                   const std::vector<std::uint64_t>& start, bool update_stats);

  // The hyperslab `start` of mem_shape written through HDF5's pipeline
  // (type conversion, chunk cache, filters).
  void write_selection(const void* data, const Shape& mem_shape,
                       const std::vector<std::uint64_t>& start);

  // Whole chunks bypass the chunk cache: a chunk cache smaller than a block
  // would copy every byte into the cache (after filling new chunks with the
  // fill value) and out again; deflate, which HDF5 runs on one thread, runs
  // on several (chunk_encoder.hpp). Only for datasets without filters or with
  // exactly (shuffle,) deflate, whose chunks are whole rows and whose file
  // type is the memory type byte for byte, outside SWMR mode; the files are
  // ordinary chunked datasets (H5Dwrite_chunk only writes what H5Dwrite would
  // have).
  void plan_direct_writes();

  // Writes the chunks that `mem_shape` rows at `start` cover whole with
  // H5Dwrite_chunk, the rows before and after them with write_selection;
  // false (nothing written) when the block covers no whole chunk.
  bool write_whole_chunks(const void* data, const Shape& mem_shape,
                          const std::vector<std::uint64_t>& start);

  // Checked before anything is written: SWMR needs superblock version 3+.
  void check_swmr_format() const;

  // Enters SWMR mode once the dataset exists. No object or attribute can be
  // created after that, so the attributes finish() writes are created now:
  // units and extra ones with their final values, statistics as placeholders
  // of their final types, overwritten in place by finish().
  void start_swmr();

  // units and the caller's attributes.
  Attributes final_attributes() const;

  // SWMR readers see what is flushed: each append ends with a flush.
  void flush_for_readers();

  // Writes the final attributes: in SWMR mode in place when the statistics
  // have the placeholders' names; otherwise (no rows, only NaNs) SWMR mode is
  // ended by closing the file, which is reopened normally (this fails while
  // a reader still holds the file open).
  void write_final_attributes();

  void set_extent(const Shape& dims);

  // Statistics of the stored data, read back in blocks of about kReadBudget.
  void recompute_statistics();
};

}  // namespace h5archive
