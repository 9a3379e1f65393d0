// Internal: the .npy format's header and dtypes, shared by the reader and
// the writer (npy.cpp); parsed in npy_format.cpp.
#pragma once

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string>

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

}  // namespace h5archive::npy_format
