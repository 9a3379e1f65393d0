// Reading a dataset's selection for /data: the hyperslab only, in blocks,
// and the NPY header h5grove's format=npy puts before the bytes.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "api_error.hpp"
#include "h5archive/dataset_io.hpp"

namespace h5archive::serve {

/// Reads a strided hyperslab of a dataset in a memory type, whole or in
/// blocks of rows of its first axis, so a large answer never sits in memory
/// at once. Every call needs hdf5_mutex() held.
class SlabReader {
 public:
  SlabReader(Id dataset, const StridedSlab& slab, Id memory_type);
  /// Bytes of the whole selection in the memory type.
  std::uint64_t total_bytes() const { return elements_ * element_size_; }
  std::uint64_t elements() const { return elements_; }
  hid_t memory_type() const { return memory_type_.get(); }
  bool done() const { return next_row_ >= rows_; }
  /// The next rows (at least one, at most about `max_bytes`), appended to `out`.
  void read_block(std::string& out, std::uint64_t max_bytes);
  /// Reads everything into `out` (resized); the caller reclaims vlen memory
  /// with reclaim() when it is done with it.
  void read_all(std::vector<unsigned char>& out);
  void reclaim(std::vector<unsigned char>& data);

 private:
  void read_rows(std::uint64_t first, std::uint64_t count, void* buffer);

  Id dataset_, file_space_, memory_type_;
  StridedSlab slab_;
  std::uint64_t elements_ = 1, element_size_ = 0;
  std::uint64_t rows_ = 1, row_elements_ = 1, next_row_ = 0;
};

/// numpy's NPY v1.0 header (magic to newline, padded to 64 bytes with room
/// for the first axis to grow, as np.save writes it) for `descr` and `shape`.
std::string npy_header(const std::string& descr, const std::vector<hsize_t>& shape);

}  // namespace h5archive::serve
