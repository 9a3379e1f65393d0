// Reading a dataset, or a numpy-like selection of it, out in blocks of rows
// through one reusable buffer, so memory stays bounded whatever its size:
// what `h5archive get` writes .npy files with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "h5archive/array.hpp"
#include "h5archive/selection.hpp"

namespace h5archive {

/// The default size of one streamed block.
inline constexpr std::size_t kStreamBlockBytes = std::size_t{16} << 20;

/// One block of a streamed selection: the next `rows` rows along the
/// dataset's first axis (as selected), row-major, native byte order, in the
/// dataset's dtype. Valid only during the sink's call.
struct SelectionBlock {
  const void* data = nullptr;
  std::uint64_t rows = 0;
  std::size_t bytes = 0;
};

/// Receives the blocks in order.
using BlockSink = std::function<void(const SelectionBlock&)>;

/// Streams `selection` of the numeric or bool dataset at `dataset_path` in
/// `file` to `sink`, in blocks of as many whole rows of the selection's first
/// axis as fit in `block_bytes` (at least one row); the blocks together are
/// the selection's elements in the order read_selection() returns them. A 0-d
/// dataset is one block of one element; an empty selection calls nothing.
/// Returns the selection's dtype and result shape. Errors as
/// read_selection(); TypeMismatchError naming the dataset for strings, which
/// are read whole. An exception from `sink` stops the stream and propagates.
struct StreamedSelection {
  DType dtype = DType::float64;
  Shape shape;
};
StreamedSelection stream_selection(const std::filesystem::path& file,
                                   const std::string& dataset_path, const Selection& selection,
                                   const BlockSink& sink,
                                   std::size_t block_bytes = kStreamBlockBytes);

/// Writes `selection` of the dataset as a .npy file at `npy_path` (written
/// beside it and renamed into place, as NpyWriter does). A selection that
/// keeps every axis of a numeric or bool dataset is streamed in blocks of
/// `block_bytes`; others (an integer index drops an axis, 0-d, empty,
/// strings) are read whole.
void write_selection_npy(const std::filesystem::path& file, const std::string& dataset_path,
                         const Selection& selection, const std::filesystem::path& npy_path,
                         std::size_t block_bytes = kStreamBlockBytes);

}  // namespace h5archive
