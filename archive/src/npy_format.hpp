// Internal: the .npy format's header and dtypes, shared by the reader and
// the writer (npy.cpp); parsed in npy_format.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "h5archive/array.hpp"

#include "h5archive/dtype.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/npy.hpp"

namespace h5archive::npy_format {

inline constexpr char kMagic[] = "\x93NUMPY";
inline constexpr std::size_t kMagicSize = 6;
inline constexpr std::size_t kAlign = 64;

inline std::string quoted(const std::filesystem::path& path) { return path.string(); }

[[noreturn]] inline void bad_file(const std::filesystem::path& path, const std::string& why) {
  throw ValueError("Invalid .npy file " + quoted(path) + ": " + why);
}

/// numpy's descr ("<f8", "|S12", "<U3") for a dtype.
std::string descr_of(DType dtype, std::size_t string_size);
/// The unit whose bytes are swapped for a non-native byte order.
std::size_t swap_unit(DType dtype, std::size_t item_size);
void swap_bytes(std::byte* data, std::size_t bytes, std::size_t unit);
bool needs_swap(bool file_big_endian);

/// Reads and checks the magic, version and header dict of the open file `f`
/// (named `path` in messages); every size in it is checked.
NpyHeader parse_header(std::FILE* f, const std::filesystem::path& path);

/// Decodes the file's string records (S<n> bytes or U<n> UTF-32) into strings.
/// Encodes strings as the file's records; `what` names the destination.
/// The header bytes (magic to the final newline) for a dtype and shape; with
/// `growth` the shape is padded so that a longer first dimension fits later.
/// The longest string of `value` in code points (the n of U<n>).
std::vector<std::string> decode_strings(const NpyHeader& h, const std::vector<char>& records,
                                        std::uint64_t n, const std::filesystem::path& path);
std::vector<char> encode_strings(const std::vector<std::string>& strings, DType dtype,
                                 std::size_t size, const std::string& what);
std::string header_bytes(DType dtype, std::size_t string_size, const Shape& shape,
                         std::size_t min_total = 0);
std::size_t longest_code_points(const Array& value, const std::string& what);

}  // namespace h5archive::npy_format
