// NumPy .npy files (format versions 1.0, 2.0 and 3.0, C order): reading whole
// or row block by row block, writing whole or by appending rows, so a file
// larger than memory can be streamed in and out of an archive.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "h5archive/array.hpp"

namespace h5archive {

/// What a .npy header says.
///
/// dtypes: `|b1`, `i1`..`i8`, `u1`..`u8`, `f4`, `f8`, `c8`, `c16` in either
/// byte order (big-endian data is converted to native order when read);
/// `|S<n>` reads as fixed_string of n bytes; `U<n>` (UTF-32) reads as
/// variable_string (UTF-8, trailing NULs dropped, as numpy does). Any other
/// descr (object `O`, structured, datetime, `f2`, ...) is refused.
struct NpyHeader {
  int major_version = 1;
  int minor_version = 0;
  std::string descr;             ///< as written, e.g. "<f8", ">i4", "|S5", "<U3"
  DType dtype = DType::float64;  ///< the dtype the elements read as
  std::size_t string_size = 0;   ///< fixed_string: bytes per element (S<n>)
  std::size_t item_size = 0;     ///< bytes per element in the file
  bool big_endian = false;       ///< the file's elements are big-endian
  bool unicode = false;          ///< U<n>: UTF-32 in the file, UTF-8 in memory
  bool fortran_order = false;
  Shape shape;
  std::uint64_t data_offset = 0;  ///< where the elements start in the file

  /// Rows along the first axis (1 for a 0-d array).
  std::uint64_t rows() const;
  /// The shape of one row: shape without its first axis ({} for 0-d).
  Shape row_shape() const;
};

/// Reads and checks the header of `path`. Throws NotFoundError if the file is
/// missing; ValueError naming the file and the problem for a bad magic, a bad
/// version or header length, an unparseable header dict, an unsupported
/// descr, Fortran order, or data shorter than the shape says.
NpyHeader read_npy_header(const std::filesystem::path& path);

/// Reads a whole .npy file (see read_npy_header() for the errors).
Array read_npy(const std::filesystem::path& path);

/// Writes `value` as a .npy file (version 1.0, or 2.0 if the header needs it;
/// little-endian, C order). Fixed strings are written as `|S<n>`, variable
/// strings as `<U<m>` with m the longest string in code points (at least 1),
/// so both read back as they were. The file is written beside `path` and
/// renamed into place: a failure leaves an existing file unchanged.
void write_npy(const std::filesystem::path& path, const Array& value);

/// Reads a .npy file row block by row block along the first axis, holding
/// one block in memory at a time.
class NpyReader {
 public:
  /// Opens `path` and reads its header (errors as read_npy_header()).
  explicit NpyReader(const std::filesystem::path& path);
  ~NpyReader();
  NpyReader(NpyReader&&) noexcept;
  NpyReader& operator=(NpyReader&&) noexcept;

  const NpyHeader& header() const { return header_; }
  /// The file being read.
  const std::filesystem::path& path() const { return path_; }
  /// Rows not read yet.
  std::uint64_t rows_remaining() const { return header_.rows() - rows_read_; }

  /// The next min(n, rows_remaining()) rows as an Array of shape
  /// (rows, *row_shape) (a 0-d file gives its one element as a 0-d Array).
  Array read_rows(std::uint64_t n);

  /// Reads the next min(n, rows_remaining()) rows straight into `buffer`
  /// (native byte order; numeric and bool files only, else TypeMismatchError)
  /// and returns how many rows it read. ValueError naming both sizes if
  /// `buffer_bytes` cannot hold them.
  std::uint64_t read_rows_into(std::uint64_t n, void* buffer, std::size_t buffer_bytes);

 private:
  std::filesystem::path path_;
  NpyHeader header_;
  std::FILE* file_ = nullptr;
  std::uint64_t rows_read_ = 0;
};

/// Writes a .npy file by appending rows; the header's first dimension is
/// patched at close() (the header is padded so any count fits). The data go
/// to a temporary `<path>.tmp-<host>-<pid>-<n>` beside it, created exclusively
/// (O_EXCL | O_NOFOLLOW), renamed to `path` by close(): a writer destroyed
/// without close() (e.g. by an exception) removes its temporary.
class NpyWriter {
 public:
  /// A file of `dtype` elements and rows of shape `row_shape`. For
  /// fixed_string, `string_size` is the byte size (S<n>); for
  /// variable_string, the size in code points of the `<U<n>` written (longer
  /// strings are refused when appended).
  NpyWriter(const std::filesystem::path& path, DType dtype, Shape row_shape,
            std::size_t string_size = 0);
  ~NpyWriter();
  NpyWriter(const NpyWriter&) = delete;
  NpyWriter& operator=(const NpyWriter&) = delete;

  /// Appends the rows of `rows`, whose shape must be (k, *row_shape) and whose
  /// dtype must cast safely to the file's (ValueError / TypeMismatchError
  /// naming both shapes or dtypes; nothing is written then).
  void append(const Array& rows);
  /// Appends `n_rows` rows from a native-order buffer of the file's numeric
  /// or bool dtype (no copy on little-endian hosts).
  void append_raw(const void* data, std::uint64_t n_rows);
  /// Rows appended so far.
  std::uint64_t rows() const { return rows_; }
  /// Patches the header with the row count, closes and renames the file.
  void close();

 private:
  void write_header();
  void write_bytes(const void* data, std::size_t n);

  std::filesystem::path path_;
  std::filesystem::path partial_;
  DType dtype_;
  Shape row_shape_;
  std::size_t string_size_;
  std::size_t header_bytes_ = 0;
  std::FILE* file_ = nullptr;
  std::uint64_t rows_ = 0;
};

}  // namespace h5archive
