// Hyperslab reads in blocks of rows, and np.save's header.
#include "h5_values.hpp"

#include <algorithm>

#include "h5archive/errors.hpp"

namespace h5archive::serve {

SlabReader::SlabReader(Id dataset, const StridedSlab& slab, Id memory_type)
    : dataset_(std::move(dataset)), memory_type_(std::move(memory_type)), slab_(slab) {
  file_space_ = checked_id(H5Dget_space(dataset_.get()), "Reading a dataspace");
  element_size_ = H5Tget_size(memory_type_.get());
  std::uint64_t bytes = 0;
  for (auto c : slab_.count) {
    if (__builtin_mul_overflow(elements_, c, &elements_))
      throw ApiError(413, "Selection has more than 2^64 elements");
  }
  if (__builtin_mul_overflow(elements_, element_size_, &bytes))
    throw ApiError(413, "Selection of " + std::to_string(elements_) +
                            " elements has more than "
                            "2^64 bytes");
  if (!slab_.count.empty()) {
    rows_ = slab_.count[0];
    row_elements_ = rows_ ? elements_ / rows_ : 0;
  }
}

void SlabReader::read_rows(std::uint64_t first, std::uint64_t count, void* buffer) {
  hsize_t n = count * row_elements_;
  if (n == 0) return;
  Id memory_space = checked_id(H5Screate_simple(1, &n, nullptr), "Creating a dataspace");
  if (slab_.count.empty()) {  // a scalar dataset: its one element
    H5Sselect_all(file_space_.get());
  } else {
    std::vector<hsize_t> start(slab_.start.begin(), slab_.start.end());
    std::vector<hsize_t> stride(slab_.stride.begin(), slab_.stride.end());
    std::vector<hsize_t> cnt(slab_.count.begin(), slab_.count.end());
    start[0] += first * stride[0];
    cnt[0] = count;
    if (H5Sselect_hyperslab(file_space_.get(), H5S_SELECT_SET, start.data(), stride.data(),
                            cnt.data(), nullptr) < 0)
      throw ApiError(500, "Selecting a hyperslab failed");
  }
  if (H5Dread(dataset_.get(), memory_type_.get(), memory_space.get(), file_space_.get(),
              H5P_DEFAULT, buffer) < 0) {
    throw ApiError(500, hdf5_failure("Reading the selection").what());
  }
}

void SlabReader::read_block(std::string& out, std::uint64_t max_bytes) {
  const std::uint64_t row_bytes = std::max<std::uint64_t>(1, row_elements_ * element_size_);
  const std::uint64_t rows =
      std::min(rows_ - next_row_, std::max<std::uint64_t>(1, max_bytes / row_bytes));
  const std::size_t old = out.size();
  out.resize(old + rows * row_elements_ * element_size_);
  read_rows(next_row_, rows, out.data() + old);
  next_row_ += rows;
}

void SlabReader::read_all(std::vector<unsigned char>& out) {
  out.assign(elements_ * element_size_, 0);
  read_rows(0, rows_, out.data());
  next_row_ = rows_;
}

void SlabReader::reclaim(std::vector<unsigned char>& data) {
  // Only variable-length data (strings, sequences) owns memory HDF5 allocated.
  if (data.empty() || (H5Tdetect_class(memory_type_.get(), H5T_VLEN) <= 0 &&
                       H5Tdetect_class(memory_type_.get(), H5T_STRING) <= 0))
    return;
  hsize_t n = elements_;
  Id space = checked_id(H5Screate_simple(1, &n, nullptr), "Creating a dataspace");
  H5Treclaim(memory_type_.get(), space.get(), H5P_DEFAULT, data.data());
}

std::string npy_header(const std::string& descr, const std::vector<hsize_t>& shape) {
  std::string shape_text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) shape_text += ", ";
    shape_text += std::to_string(shape[i]);
  }
  if (shape.size() == 1) shape_text += ",";
  shape_text += ")";
  std::string dict =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_text + ", }";
  if (!shape.empty()) dict.append(21 - std::to_string(shape[0]).size(), ' ');
  const std::size_t hlen = dict.size() + 1;
  const std::size_t pad = 64 - ((10 + hlen) % 64);
  dict.append(pad, ' ');
  dict += '\n';
  std::string header = "\x93NUMPY";
  header += '\x01';
  header += '\x00';
  const std::size_t total = dict.size();
  header += static_cast<char>(total & 0xff);
  header += static_cast<char>((total >> 8) & 0xff);
  return header + dict;
}

}  // namespace h5archive::serve
