// Streaming write: one quantity of 1 and 4 GiB (by default) appended in
// 16 MiB blocks with h5archive::QuantityWriter, against the same blocks
// written by plain write() calls at each size, and by h5py appending them to
// a resizable (maxshape=None) chunked dataset with the same 1 MiB chunks
// (NOMAD users' way), uncompressed and with deflate+shuffle. Every
// measurement runs in a fresh child process (this program run with
// --stream-child, or tools/bench/bench_h5py_stream.py) so that the peak
// resident memory measured (the child's VmHWM, cross-checked with getrusage's
// ru_maxrss from wait4) is the writer's and not the driver's. Goal for
// h5archive: a peak at most 64 MiB that does not grow with the total size.
//
// Every side writes the same block, read from one file the driver writes
// before the first round: a smooth function plus small noise (compressible,
// but not trivially).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench_support.hpp"

namespace h5archive::bench {

/// The deflate level of the compressed rows (with shuffle), on both sides.
inline constexpr unsigned kStreamDeflateLevel = 4;

struct StreamOptions {
  std::vector<std::uint64_t> sizes_mib{1024, 4096};
  std::uint64_t block_mib = 16;
  /// Size of the deflate+shuffle comparison (deflate writes ~10-50 MiB/s).
  std::uint64_t deflate_mib = 64;
  int reps = 3;
  std::string self;  ///< this program, to start the children
  /// Python with h5py; empty: no h5py rows.
  std::string python;
  /// tools/bench/bench_h5py_stream.py.
  std::string h5py_script;
};

struct StreamPoint {
  std::uint64_t mib = 0;
  double rate = 0;                 ///< median MiB/s, QuantityWriter
  double posix_rate = 0;           ///< median MiB/s, write() of the same blocks
  std::uint64_t peak_rss_kib = 0;  ///< largest over the repetitions
};

/// QuantityWriter vs h5py over the same blocks.
struct StreamComparison {
  std::uint64_t mib = 0;
  double rate = 0, h5py_rate = 0;  ///< median MiB/s
  double ratio = 0;                ///< compressed bytes / raw bytes, h5archive's file
  double h5py_ratio = 0;           ///< the same for h5py's file
};

struct StreamResults {
  std::vector<StreamPoint> points;
  std::uint64_t block_mib = 0;
  std::string problem;  ///< why there are no figures (a streaming run failed)
  std::optional<StreamComparison> h5py, deflate;
  std::string h5py_problem;  ///< why there are no h5py figures
};

StreamResults run_stream_bench(const StreamOptions& options, const fs::path& folder);

std::vector<Row> stream_rows(const StreamResults& r);

/// The child's work (bench --stream-child SIDE MIB BLOCK_MIB BLOCK_FILE
/// FOLDER): writes `mib` MiB, `block_mib` MiB at a time from the block in
/// `block_file`, into a new file in `folder`, the way `side` says
/// ("h5archive", "deflate": h5archive with deflate+shuffle, "write": plain
/// write() calls), then prints "<seconds> <VmHWM KiB> <file bytes>" on stdout.
/// Returns the exit status.
int stream_child(const std::string& side, std::uint64_t mib, std::uint64_t block_mib,
                 const fs::path& block_file, const fs::path& folder);

}  // namespace h5archive::bench
