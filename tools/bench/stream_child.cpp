// The child side of the streaming benchmark (bench --stream-child MIB BLOCK
// FOLDER): one QuantityWriter, one block buffer, nothing else, so that the
// process's peak resident memory is what streaming costs.
#include <fmt/core.h>

#include <exception>

#include "stream_bench.hpp"
#if H5ARCHIVE_BENCH_HAS_QUANTITY_WRITER
#include "h5archive/quantity_writer.hpp"
#endif

namespace h5archive::bench {

#if H5ARCHIVE_BENCH_HAS_QUANTITY_WRITER

int stream_child(std::uint64_t mib, std::uint64_t block_mib, const fs::path& folder) {
  try {
    const std::uint64_t rows = mib * kRowsPerMiB;
    const std::uint64_t block_rows = block_mib * kRowsPerMiB;
    // Filled once, before timing: the figure is the writer's (HDF5 writes and
    // the statistics it gathers), not the producer's.
    Array block = Array::zeros(DType::float64, {block_rows, kColumns});
    auto values = block.values<double>();
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i) * 0.5;
    const double seconds = seconds_of([&] {
      QuantityWriter writer(folder / "stream.h5", "/data/value", DType::float64,
                            Extent::unlimited({kColumns}));
      for (std::uint64_t done = 0; done < rows; done += block_rows) {
        if (rows - done < block_rows) {
          block = Array::zeros(DType::float64, {rows - done, kColumns});  // a last, short block
        }
        writer.append(block);
      }
      writer.finish();
    });
    fmt::print("{:.6f} {}\n", seconds, peak_rss_kib());
    return 0;
  } catch (const std::exception& e) {
    fmt::print("streaming {} MiB failed: {}\n", mib, e.what());
    return 1;
  }
}
#else
// Until the library has QuantityWriter's implementation (CMake checks for
// archive/src/quantity_writer.cpp), the table says why it has no streaming rows.
int stream_child(std::uint64_t, std::uint64_t, const fs::path&) {
  fmt::print("QuantityWriter is not in this build of libh5archive\n");
  return 3;
}
#endif

}  // namespace h5archive::bench
