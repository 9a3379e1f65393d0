// How a dataset is shaped and stored: its extent (fixed, or rows appended)
// and its compression. Value types shared by the HDF5 layer (which creates
// datasets) and the quantities above it (writers, metadata).
#pragma once

#include <string>

#include "h5archive/array.hpp"

namespace h5archive {

/// The shape of a streamed quantity: a known extent, or an unlimited first
/// axis that starts at 0 rows and grows with each append.
struct Extent {
  Shape shape;  ///< full shape; with `unlimited_rows`, shape[0] is ignored (0)
  bool unlimited_rows = false;

  /// A dataset of exactly `shape` (rank 0 allowed: a scalar).
  static Extent fixed(Shape shape) { return {std::move(shape), false}; }
  /// (None, trailing...): rows are appended.
  static Extent unlimited(Shape trailing = {});
  /// "(None, 3)" or "(10, 3)".
  std::string str() const;
};

/// How a dataset's chunks are compressed.
struct Compression {
  /// `other`: filters h5archive does not write (e.g. h5py's lzf), named in `other`.
  enum class Kind { none, deflate, other } kind = Kind::none;
  unsigned level = 4;    ///< deflate level 0–9
  bool shuffle = false;  ///< byte shuffle before deflate
  std::string other;     ///< kind other: the filter names, "+"-joined
  static Compression deflate(unsigned level = 4, bool shuffle = true) {
    return {Kind::deflate, level, shuffle, {}};
  }
  friend bool operator==(const Compression&, const Compression&) = default;
};

/// About 1 MiB chunks for `extent` of `dtype`: whole rows of the trailing
/// dimensions, as many as fit in 1 MiB (at least 1, at most the extent's
/// rows when known); if one row is larger, trailing dimensions are halved
/// from the left until the chunk fits. No dimension is ever 0.
Shape default_chunks(DType dtype, const Extent& extent);

}  // namespace h5archive
