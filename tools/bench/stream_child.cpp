// The child side of the streaming benchmark (bench --stream-child SIDE MIB
// BLOCK_MIB BLOCK_FILE FOLDER): one writer, one block buffer, nothing else,
// so that the process's peak resident memory is what streaming costs.
#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <stdexcept>

#include "h5archive/array.hpp"
#include "h5archive/quantity_writer.hpp"
#include "stream_bench.hpp"

namespace h5archive::bench {

namespace {

// The driver's block, read before timing: the figure is the writer's (its
// writes and the statistics it gathers), not the producer's.
Array read_block(const fs::path& block_file, std::uint64_t block_mib) {
  Array block = Array::zeros(DType::float64, {block_mib * kRowsPerMiB, kColumns});
  std::ifstream in(block_file, std::ios::binary);
  in.read(reinterpret_cast<char*>(block.bytes().data()),
          static_cast<std::streamsize>(block.bytes().size()));
  if (!in) throw std::runtime_error("cannot read the block from " + block_file.string());
  return block;
}

// The same bytes with write(2), one call per block: the file system's limit.
void write_posix(const fs::path& file, const Array& block, std::uint64_t rows) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("open " + file.string() + ": " + strerror(errno));
  const std::uint64_t row_bytes = kColumns * sizeof(double);
  const std::uint64_t block_rows = block.shape()[0];
  for (std::uint64_t done = 0; done < rows; done += block_rows) {
    const std::size_t bytes = std::min(block_rows, rows - done) * row_bytes;
    write_fully(fd, block.bytes().data(), bytes, file);
  }
  if (::close(fd) != 0) throw std::runtime_error("close " + file.string() + ": " + strerror(errno));
}

void write_quantity(const fs::path& file, const Array& block, std::uint64_t rows, bool deflate) {
  WriterOptions options;
  options.chunks = Shape{kRowsPerMiB, kColumns};  // 1 MiB, as h5py's side
  if (deflate) options.compression = Compression::deflate(kStreamDeflateLevel, true);
  QuantityWriter writer(file, "/data/value", DType::float64, Extent::unlimited({kColumns}),
                        options);
  const std::uint64_t block_rows = block.shape()[0];
  for (std::uint64_t done = 0; done < rows; done += block_rows) {
    const std::uint64_t n = std::min(block_rows, rows - done);  // a last block may be short
    writer.append(block.bytes().data(), Shape{n, kColumns}, DType::float64);
  }
  writer.finish();
}

}  // namespace

int stream_child(const std::string& side, std::uint64_t mib, std::uint64_t block_mib,
                 const fs::path& block_file, const fs::path& folder) {
  try {
    if (side != "h5archive" && side != "deflate" && side != "write")
      throw std::runtime_error("unknown streaming side " + side);
    const Array block = read_block(block_file, block_mib);
    const std::uint64_t rows = mib * kRowsPerMiB;
    const fs::path file = folder / (side == "write" ? "stream.bin" : "stream.h5");
    const double seconds = seconds_of([&] {
      if (side == "write")
        write_posix(file, block, rows);
      else
        write_quantity(file, block, rows, side == "deflate");
    });
    fmt::print("{:.6f} {} {}\n", seconds, peak_rss_kib(), fs::file_size(file));
    return 0;
  } catch (const std::exception& e) {
    fmt::print("streaming {} MiB ({}) failed: {}\n", mib, side, e.what());
    return 1;
  }
}

}  // namespace h5archive::bench
