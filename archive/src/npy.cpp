// The .npy format: a magic string, a version, a header length, a Python dict
// literal {'descr': ..., 'fortran_order': ..., 'shape': (...)} padded with
// spaces to a multiple of 64 bytes, then the raw elements.
#include "h5archive/npy.hpp"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>
#include <utility>

#include "h5archive/checked_size.hpp"
#include "npy_format.hpp"
#include "temp_files.hpp"

namespace h5archive {
namespace {

namespace fs = std::filesystem;

using npy_format::bad_file;
using npy_format::decode_strings;
using npy_format::descr_of;
using npy_format::encode_strings;
using npy_format::header_bytes;
using npy_format::kAlign;
using npy_format::kMagic;
using npy_format::kMagicSize;
using npy_format::longest_code_points;
using npy_format::needs_swap;
using npy_format::parse_header;
using npy_format::quoted;
using npy_format::swap_bytes;
using npy_format::swap_unit;

// `shape` with `rows` put in front: the shape of a block of rows.
Shape with_rows(std::uint64_t rows, const Shape& row_shape) {
  Shape shape{rows};
  shape.insert(shape.end(), row_shape.begin(), row_shape.end());
  return shape;
}

// ---------------------------------------------------------------- files

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

FilePtr open_for_reading(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw NotFoundError("File " + quoted(path) + " not found");
  FilePtr f(std::fopen(path.c_str(), "rb"));
  if (!f) throw NotFoundError("Cannot open " + quoted(path) + ": " + std::strerror(errno));
  return f;
}

// The data of a .npy file go to a temporary beside it, created exclusively
// (temp_files.hpp), which close renames onto the file: readers never see a
// part, and a planted file or link at the temporary's name is never written.
std::FILE* open_partial(const fs::path& path, fs::path& partial) {
  detail::TemporaryFile tmp;
  try {
    tmp = detail::create_temporary_beside(path);
  } catch (const Error& e) {
    throw NotFoundError(e.what());
  }
  partial = tmp.path;
  std::FILE* f = ::fdopen(tmp.fd, "wb");
  if (f == nullptr) {
    const std::string reason = std::strerror(errno);
    ::close(tmp.fd);
    std::error_code ec;
    fs::remove(partial, ec);
    throw ValueError("Cannot open " + partial.string() + ": " + reason);
  }
  return f;
}

// Closes and removes a partial file whose writing failed, so that a failed
// write leaves nothing behind; the caller rethrows.
void discard_partial(std::FILE*& f, const fs::path& partial) noexcept {
  std::fclose(std::exchange(f, nullptr));
  std::error_code ec;
  fs::remove(partial, ec);
}

// Closes the partial file and renames it onto `path`; removes it on failure.
void commit_partial(std::FILE* f, const fs::path& partial, const fs::path& path) {
  const bool mode_set = detail::set_new_file_mode(::fileno(f));
  const bool flushed = std::fflush(f) == 0;
  const int flush_errno = errno;
  const bool closed = std::fclose(f) == 0;
  std::error_code ec;
  if (!mode_set || !flushed || !closed) {
    const std::string reason = std::strerror(!flushed ? flush_errno : errno);
    fs::remove(partial, ec);
    throw ValueError("Closing " + partial.string() + " failed: " + reason);
  }
  fs::rename(partial, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    throw ValueError("Cannot rename " + partial.string() + " to " + quoted(path) + ": " +
                     ec.message());
  }
  detail::remove_stale_temporaries(path);
}

// Writes `bytes` after `header` to a partial file, then renames it.
void write_whole_file(const fs::path& path, const std::string& header, const void* bytes,
                      std::size_t size) {
  fs::path partial;
  std::FILE* f = open_partial(path, partial);
  const bool written = std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
                       (size == 0 || std::fwrite(bytes, 1, size, f) == size);
  if (!written) {
    const std::string reason = std::strerror(errno);
    discard_partial(f, partial);
    throw ValueError("Writing " + partial.string() + " failed: " + reason);
  }
  commit_partial(f, partial, path);
}

void write_scalar_npy(const fs::path& path, const Array& value, DType dtype, std::size_t size) {
  const std::string header = header_bytes(dtype, size, Shape{});
  if (is_string(dtype)) {
    const auto records = encode_strings(value.strings(), dtype, size, quoted(path));
    write_whole_file(path, header, records.data(), records.size());
    return;
  }
  std::vector<std::byte> bytes = value.bytes();
  if (std::endian::native == std::endian::big)
    swap_bytes(bytes.data(), bytes.size(), swap_unit(dtype, dtype_size(dtype)));
  write_whole_file(path, header, bytes.data(), bytes.size());
}

}  // namespace

// ---------------------------------------------------------------- header

std::uint64_t NpyHeader::rows() const { return shape.empty() ? 1 : shape[0]; }

Shape NpyHeader::row_shape() const {
  return shape.empty() ? Shape{} : Shape(shape.begin() + 1, shape.end());
}

NpyHeader read_npy_header(const fs::path& path) {
  FilePtr f = open_for_reading(path);
  return parse_header(f.get(), path);
}

Array read_npy(const fs::path& path) {
  NpyReader reader(path);
  Array a = reader.read_rows(reader.rows_remaining());
  if (!reader.header().shape.empty() && a.shape() != reader.header().shape)
    bad_file(path, "read shape " + shape_str(a.shape()) + " instead of " +
                       shape_str(reader.header().shape));
  return a;
}

// ---------------------------------------------------------------- reader

NpyReader::NpyReader(const fs::path& path) : path_(path) {
  FilePtr f = open_for_reading(path);
  header_ = parse_header(f.get(), path);
  if (std::fseek(f.get(), static_cast<long>(header_.data_offset), SEEK_SET) != 0)
    bad_file(path, "cannot seek to the data");
  file_ = f.release();
}

NpyReader::~NpyReader() {
  if (file_ != nullptr) std::fclose(file_);
}

NpyReader::NpyReader(NpyReader&& other) noexcept
    : path_(std::move(other.path_)),
      header_(std::move(other.header_)),
      file_(std::exchange(other.file_, nullptr)),
      rows_read_(other.rows_read_) {}

NpyReader& NpyReader::operator=(NpyReader&& other) noexcept {
  if (this != &other) {
    if (file_ != nullptr) std::fclose(file_);
    path_ = std::move(other.path_);
    header_ = std::move(other.header_);
    file_ = std::exchange(other.file_, nullptr);
    rows_read_ = other.rows_read_;
  }
  return *this;
}

Array NpyReader::read_rows(std::uint64_t n) {
  n = std::min(n, rows_remaining());
  Shape shape = header_.row_shape();
  if (!header_.shape.empty()) shape.insert(shape.begin(), n);
  const std::uint64_t count = element_count(shape);
  const std::string what = "Rows of .npy file " + quoted(path_);
  check_allocatable(header_.dtype, header_.string_size, shape, what);
  if (is_string(header_.dtype)) {
    std::vector<char> records(allocatable(shape, header_.item_size, what));
    if (std::fread(records.data(), 1, records.size(), file_) != records.size())
      bad_file(path_, "data shorter than the shape says");
    rows_read_ += n;
    auto strings = decode_strings(header_, records, count, path_);
    return Array::of_strings(std::move(strings), shape, header_.unicode ? 0 : header_.string_size);
  }
  Array a = Array::zeros(header_.dtype, shape);
  read_rows_into(n, a.bytes().data(), a.bytes().size());
  return a;
}

std::uint64_t NpyReader::read_rows_into(std::uint64_t n, void* buffer, std::size_t buffer_bytes) {
  if (is_string(header_.dtype))
    throw TypeMismatchError("Cannot read the " + header_.descr + " strings of " + quoted(path_) +
                            " into a buffer: buffers hold numbers and bools only");
  n = std::min(n, rows_remaining());
  const std::uint64_t bytes = checked_byte_size(
      with_rows(n, header_.row_shape()), header_.item_size, "Rows of .npy file " + quoted(path_));
  if (buffer_bytes < bytes)
    throw ValueError("Buffer of " + std::to_string(buffer_bytes) + " bytes is too small for " +
                     std::to_string(n) + " rows (" + std::to_string(bytes) + " bytes) of " +
                     quoted(path_));
  auto* out = static_cast<std::byte*>(buffer);
  if (std::fread(out, 1, bytes, file_) != bytes)
    bad_file(path_, "data shorter than the shape says");
  rows_read_ += n;
  if (needs_swap(header_.big_endian))
    swap_bytes(out, bytes, swap_unit(header_.dtype, header_.item_size));
  if (header_.dtype == DType::boolean)  // numpy treats any non-zero byte as True
    for (std::uint64_t i = 0; i < bytes; ++i) out[i] = std::byte{out[i] != std::byte{0}};
  return n;
}

// ---------------------------------------------------------------- writing

void write_npy(const fs::path& path, const Array& value) {
  DType dtype = value.dtype();
  std::size_t size = value.string_size();
  if (dtype == DType::variable_string) size = longest_code_points(value, quoted(path));
  const Shape& shape = value.shape();
  if (shape.empty()) {
    // A 0-d array has no first axis to append along: one header, one element.
    write_scalar_npy(path, value, dtype, size);
    return;
  }
  NpyWriter writer(path, dtype, Shape(shape.begin() + 1, shape.end()), size);
  writer.append(value);
  writer.close();
}

NpyWriter::NpyWriter(const fs::path& path, DType dtype, Shape row_shape, std::size_t string_size)
    : path_(path), dtype_(dtype), row_shape_(std::move(row_shape)), string_size_(string_size) {
  if (is_string(dtype) && string_size == 0)
    throw ValueError("Cannot write " + quoted(path) + ": " + dtype_name(dtype) +
                     " elements need a size of at least 1");
  std::error_code ec;
  const fs::path folder = path.parent_path();
  if (!folder.empty() && !fs::is_directory(folder, ec))
    throw NotFoundError("Cannot create " + quoted(path) + ": folder " + folder.string() +
                        " does not exist");
  file_ = open_partial(path, partial_);
  try {
    write_header();
  } catch (...) {
    discard_partial(file_, partial_);
    throw;
  }
}

NpyWriter::~NpyWriter() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::error_code ec;
    fs::remove(partial_, ec);
  }
}

void NpyWriter::write_header() {
  // First header: sized for the longest first dimension, so the patch at
  // close() rewrites it in place with the same length.
  Shape shape = row_shape_;
  shape.insert(shape.begin(), rows_);
  std::string header = header_bytes(dtype_, string_size_, shape);
  if (header_bytes_ == 0) {
    Shape widest = shape;
    widest[0] = ~std::uint64_t{0};
    header_bytes_ = header_bytes(dtype_, string_size_, widest).size();
  }
  header = header_bytes(dtype_, string_size_, shape, header_bytes_);
  if (std::fseek(file_, 0, SEEK_SET) != 0) throw ValueError("Cannot seek in " + partial_.string());
  write_bytes(header.data(), header.size());
}

void NpyWriter::write_bytes(const void* data, std::size_t n) {
  if (n > 0 && std::fwrite(data, 1, n, file_) != n)
    throw ValueError("Writing " + partial_.string() + " failed: " + std::strerror(errno));
}

void NpyWriter::append(const Array& rows) {
  if (file_ == nullptr) throw ValueError("NpyWriter for " + quoted(path_) + " is closed");
  const Shape row_shape =
      rows.shape().empty() ? Shape{} : Shape(rows.shape().begin() + 1, rows.shape().end());
  if (rows.shape().empty() || row_shape != row_shape_) {
    throw ValueError("Cannot append an array of shape " + shape_str(rows.shape()) + " to " +
                     quoted(path_) + ": rows must have shape " + shape_str(row_shape_) +
                     " (arrays of shape (k, ...))");
  }
  const std::uint64_t n = rows.shape()[0];
  const std::string what = quoted(path_);
  if (is_string(dtype_)) {
    if (!is_string(rows.dtype()))
      throw TypeMismatchError("Cannot append " + rows.dtype_name() + " rows to the " +
                              descr_of(dtype_, string_size_) + " strings of " + what);
    const auto records = encode_strings(rows.strings(), dtype_, string_size_, what);
    write_bytes(records.data(), records.size());
    rows_ += n;
    return;
  }
  if (!can_cast_safely(rows.dtype(), dtype_))
    throw TypeMismatchError("Cannot append " + rows.dtype_name() + " rows to " + what + " of " +
                            dtype_name(dtype_) + ": the cast is not safe");
  if (rows.dtype() == dtype_) {
    append_raw(rows.bytes().data(), n);
  } else {
    const Array cast = rows.cast_to(dtype_);
    append_raw(cast.bytes().data(), n);
  }
}

void NpyWriter::append_raw(const void* data, std::uint64_t n_rows) {
  if (file_ == nullptr) throw ValueError("NpyWriter for " + quoted(path_) + " is closed");
  if (is_string(dtype_))
    throw TypeMismatchError("append_raw() takes numbers and bools; " + quoted(path_) + " holds " +
                            descr_of(dtype_, string_size_) + " strings");
  const std::uint64_t bytes = checked_byte_size(with_rows(n_rows, row_shape_), dtype_size(dtype_),
                                                "Rows appended to " + quoted(path_));
  if (std::endian::native == std::endian::little) {
    write_bytes(data, bytes);
  } else {
    std::vector<std::byte> swapped(static_cast<const std::byte*>(data),
                                   static_cast<const std::byte*>(data) + bytes);
    swap_bytes(swapped.data(), bytes, swap_unit(dtype_, dtype_size(dtype_)));
    write_bytes(swapped.data(), bytes);
  }
  rows_ += n_rows;
}

void NpyWriter::close() {
  if (file_ == nullptr) return;
  try {
    write_header();
  } catch (...) {
    discard_partial(file_, partial_);
    throw;
  }
  commit_partial(std::exchange(file_, nullptr), partial_, path_);
}

}  // namespace h5archive
