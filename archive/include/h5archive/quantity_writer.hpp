// Streaming writes of one large quantity: a chunked HDF5 dataset filled block
// by block, with memory bounded by the block size, statistics gathered as the
// data passes, and its metadata recorded when it is finished.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "h5archive/array.hpp"
#include "h5archive/dataset_io.hpp"
#include "h5archive/layout.hpp"
#include "h5archive/quantity_metadata.hpp"

namespace h5archive {

/// How a new dataset is laid out. Ignored for an existing dataset, which
/// keeps its layout (only shape and dtype are checked).
struct WriterOptions {
  /// Chunk shape; default about 1 MiB per chunk (see default_chunks()).
  std::optional<Shape> chunks;
  /// Compression::deflate(level, shuffle) or none (the default). Refused with
  /// ValueError naming the filter if this HDF5 build lacks it.
  Compression compression;
  /// Written as the `units` attribute ("" = dimensionless) if set.
  std::optional<std::string> unit;
  /// More attributes for the dataset (e.g. long_name), written at finish().
  Attributes attributes;
  /// HDF5 chunk cache of the dataset: what bounds HDF5's own memory use.
  std::size_t chunk_cache_bytes = 4u << 20;
  /// HDF5's single-writer/multiple-reader mode: while the writer runs,
  /// readers that open the file with H5F_ACC_SWMR_READ (h5py: swmr=True) see
  /// every row appended so far and nothing else: each append is flushed. The
  /// dataset must be chunked (any non-empty extent is); a new file is created
  /// in HDF5 1.10's format, which SWMR needs, and an existing file in an older
  /// format is refused (ValueError naming it: rewrite it with
  /// h5format_convert or h5repack). No object or attribute can be created in
  /// SWMR mode, so the attributes (units, statistics) are written by finish()
  /// after it has ended. See docs/reliability.md.
  bool swmr = false;
};

/// Writes one dataset block by block. Not copyable; movable.
///
/// If the dataset exists, NOMAD's reassignment rules apply (the same as
/// write_dataset's): a known extent must equal the stored shape, an unlimited
/// one needs an extendable dataset with the same trailing shape
/// (TypeMismatchError "Shapes do not match (existing (4, 3) vs new (None, 2))
/// for dataset ..."); the dtype must cast safely into the stored dtype, which
/// is kept. Streaming supports numeric, bool and complex dtypes (strings:
/// ValueError; assign them as an Array).
///
/// Outside SWMR mode the new value is staged: written into an anonymous
/// dataset (an existing one's type, layout and attributes other than the
/// h5archive_* statistics carried over; an unlimited one starts again from 0
/// rows) that finish() links at the path once it is flushed. Until then the
/// old value and its statistics are what readers see, and a failure (a full
/// disk: Error "Not enough space to write ...", reported before HDF5 holds
/// anything it cannot write) or a kill leaves them so. In SWMR mode the
/// dataset is written in place (readers follow it while it grows) and old
/// statistics are removed before the first write.
///
/// Memory: nothing but the block being written (and its cast, if its dtype
/// differs from the stored one) and HDF5's chunk cache is held; with deflate,
/// whole chunks are compressed on up to 4 threads, two chunk buffers each.
class QuantityWriter {
 public:
  /// Opens or creates the dataset at `dataset_path` in `file` (created if
  /// missing; its folder must exist). Intermediate groups are created.
  QuantityWriter(const std::filesystem::path& file, const std::string& dataset_path, DType dtype,
                 Extent extent, WriterOptions options = {});
  QuantityWriter(QuantityWriter&&) noexcept;
  QuantityWriter& operator=(QuantityWriter&&) noexcept;
  QuantityWriter(const QuantityWriter&) = delete;
  QuantityWriter& operator=(const QuantityWriter&) = delete;
  /// Closes the dataset and file without throwing if finish() was not called:
  /// the new value is dropped (the old one stays), except in SWMR mode, where
  /// the rows written stay (statistics are not recorded).
  ~QuantityWriter();

  /// Appends `block` along the first axis. Its trailing shape must be the
  /// dataset's (TypeMismatchError naming both shapes; a block of rank one
  /// less is one row) and its dtype must cast safely into the stored one. With
  /// a known extent, rows go to the next unwritten rows (ValueError past the end).
  void append(const Array& block);
  /// The same from raw memory laid out as an Array of `dtype` and `shape`
  /// would be (no copy when dtype is the stored one): for .npy streaming.
  void append(const void* data, const Shape& shape, DType dtype);

  /// Writes `block` at `offset` (one start index per dimension). The
  /// selection must lie within the current extent (ValueError naming the
  /// selection and the shape); an unlimited dataset grows only by append().
  void write(const Array& block, const std::vector<std::uint64_t>& offset);
  void write(const void* data, const Shape& shape, DType dtype,
             const std::vector<std::uint64_t>& offset);

  /// Rows appended so far (first-axis position of the next append).
  std::uint64_t rows() const;
  /// The dataset's current shape.
  Shape shape() const;
  /// Statistics so far (exact after appends only; see finish()).
  const Statistics& statistics() const;

  /// Writes the statistics, `units` and extra attributes, shrinks a reassigned
  /// unlimited dataset to the rows written, closes the file and returns the
  /// metadata as read back from it. When hyperslab writes happened, or a
  /// known extent was not filled by appends, the statistics are computed by
  /// reading the dataset back in bounded blocks. Throws on failure (the
  /// writer is closed either way; the old value, if any, stays, and a dataset
  /// it created is removed).
  QuantityMetadata finish();
  /// Closes the writer and drops the new value (removes the dataset if this
  /// writer created it). Never throws.
  void abort() noexcept;

  /// Called by finish() with the metadata, before it returns (used to record
  /// the quantity in an entry archive).
  void on_finish(std::function<void(const QuantityMetadata&)> callback);

  const std::filesystem::path& file() const;
  const std::string& dataset_path() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
  State& live(const char* operation) const;
};

}  // namespace h5archive
