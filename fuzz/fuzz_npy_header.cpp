// libFuzzer target: the .npy reader. The input is written to a scratch file
// (the reader takes a path) and read with read_npy_header(), read_npy() and a
// row-block NpyReader. Properties:
// - each either succeeds or throws h5archive::Error;
// - an accepted file reads to an Array of the header's shape and dtype, and
//   the block reader returns the same rows as the whole read. Only `<U<n>`
//   files may still fail after their header: their elements can be invalid
//   UTF-32, which the reader refuses by naming the file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "h5archive/errors.hpp"
#include "h5archive/npy.hpp"

namespace fs = std::filesystem;

namespace {

fs::path scratch;
void remove_scratch() {
  std::error_code ignored;
  fs::remove(scratch, ignored);
}

const fs::path& scratch_file() {
  if (scratch.empty()) {
    scratch =
        fs::temp_directory_path() / ("h5archive-fuzz-npy-" + std::to_string(::getpid()) + ".npy");
    std::atexit(remove_scratch);
  }
  return scratch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path& file = scratch_file();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  h5archive::NpyHeader header;
  try {
    header = h5archive::read_npy_header(file);
  } catch (const h5archive::Error&) {
    return 0;
  }
  // The data fit in the input (the header says so), so reading is bounded.
  h5archive::Array whole;
  try {
    whole = h5archive::read_npy(file);
  } catch (const h5archive::Error&) {
    if (header.unicode) return 0;
    __builtin_trap();  // a header that checks out, but the file does not read
  }
  if (whole.shape() != header.shape || whole.dtype() != header.dtype) __builtin_trap();
  try {
    h5archive::NpyReader reader(file);
    std::uint64_t rows = 0;
    while (reader.rows_remaining() > 0) {
      const h5archive::Array block = reader.read_rows(3);
      if (block.shape().empty()) {
        rows += 1;
      } else {
        rows += block.shape()[0];
      }
      if (rows > header.rows()) __builtin_trap();
    }
    if (rows != header.rows()) __builtin_trap();  // the blocks miss rows
  } catch (const h5archive::Error&) {
    __builtin_trap();
  }
  return 0;
}
