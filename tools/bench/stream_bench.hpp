// Streaming write: one quantity of 1, 2 and 4 GiB (by default) appended in
// 16 MiB blocks with h5archive::QuantityWriter, each size in a fresh child
// process (this program run with --stream-child) so that the peak resident
// memory measured (the child's VmHWM, cross-checked with getrusage's
// ru_maxrss from wait4) is the writer's and not the driver's, whose own
// buffers hold gigabytes. Goal: a peak at most 64 MiB that does not grow with
// the total size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench_support.hpp"

namespace h5archive::bench {

struct StreamOptions {
  std::vector<std::uint64_t> sizes_mib{1024, 2048, 4096};
  std::uint64_t block_mib = 16;
  int reps = 3;
  std::string self;  ///< this program, to start the children
};

struct StreamPoint {
  std::uint64_t mib = 0;
  double rate = 0;                 ///< median MiB/s
  std::uint64_t peak_rss_kib = 0;  ///< largest over the repetitions
};

struct StreamResults {
  std::vector<StreamPoint> points;
  std::uint64_t block_mib = 0;
  std::string problem;  ///< why there are no figures (e.g. no QuantityWriter)
};

StreamResults run_stream_bench(const StreamOptions& options, const fs::path& folder);

/// `posix_rate`: the write() figure of the write benchmark (MiB/s), if it ran.
std::vector<Row> stream_rows(const StreamResults& r, std::optional<double> posix_rate);

/// The child's work: streams `mib` MiB in `block_mib` MiB blocks into a new
/// staging area under `folder`, then prints "<seconds> <VmHWM KiB>" on stdout.
/// Returns the exit status.
int stream_child(std::uint64_t mib, std::uint64_t block_mib, const fs::path& folder);

}  // namespace h5archive::bench
