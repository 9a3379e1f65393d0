// What reading through the h5archive VOL connector costs compared with the
// native connector, measured in one run on one machine:
//   a. bulk read: a float64 dataset read whole into a preallocated buffer, by
//      its `/uploads/<u>/archive/<e>` name through the connector and by its
//      plain OS path through native; alternating order, median MiB/s;
//   b. per-call overhead: H5Lexists and a 1-element H5Dread on an open file,
//      native vs h5archive (and HDF5's built-in pass_through connector over
//      native: the cost of any VOL layer that does nothing); median of 9
//      measurements of N calls each, the sides taking turns in slices;
//   c. H5Fopen/H5Fclose cycles (read-only) by name vs by path.
// The file lives in a temporary staging area written with the raw HDF5 API and
// is read once through each side before anything is timed, so every timed read
// is served from the page cache: the figures compare connector code, not disks.
#pragma once

#include <cstdint>
#include <vector>

#include "bench_support.hpp"

namespace h5archive::bench {

struct ConnectorOptions {
  std::uint64_t size_mib = 1024;
  int reps = 5;
  long calls = 20000;   ///< calls per per-call measurement
  long cycles = 10000;  ///< open/close cycles per side
};

/// Medians; [0] native, [1] h5archive, [2] pass_through, and for open/close
/// [3] h5archive given the plain path.
struct ConnectorResults {
  double mib = 0;
  double read_native = 0, read_archive = 0;  ///< MiB/s
  std::vector<double> lexists_us, read1_us, open_close_us;
};

/// Runs a, b and c in a staging area under `folder`; progress goes to stderr.
ConnectorResults run_connector_bench(const ConnectorOptions& options, const fs::path& folder);

/// The report's rows for `r`.
std::vector<Row> connector_rows(const ConnectorResults& r);

}  // namespace h5archive::bench
