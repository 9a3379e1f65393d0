// Writing one float64 quantity of `size_mib` MiB (rows x kColumns) four ways,
// each from file creation to close returning, no fsync (every side leaves the
// same dirty pages to the kernel):
//   - h5archive::write_dataset (the library);
//   - the raw HDF5 C API, as a careful user writes it by hand;
//   - plain write() calls putting the same bytes into a file (the machine's limit);
//   - h5py with NOMAD's settings, timed inside Python (optional).
// One untimed write per side first, then `reps` rounds, the order rotating each
// round so no side always runs on the warmest page cache; medians per side.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bench_support.hpp"

namespace h5archive::bench {

struct WriteOptions {
  std::uint64_t size_mib = 1024;
  int reps = 5;
  /// Python with h5py; empty: no h5py side.
  std::string python;
  /// tools/bench/bench_h5py.py.
  std::string h5py_script;
};

struct WriteResults {
  double mib = 0;                             ///< size written per run
  double library = 0, native = 0, posix = 0;  ///< median MiB/s
  std::optional<double> h5py;                 ///< median MiB/s, if measured
  std::string h5py_versions;                  ///< "h5py 3.x, HDF5 1.14.5"
  std::string h5py_problem;                   ///< why there is no h5py figure
};

/// Runs the comparison in `folder` (files removed after each write); progress
/// goes to stderr.
WriteResults run_write_bench(const WriteOptions& options, const fs::path& folder);

/// The report's rows for `r` (library vs C API, vs write(), vs h5py).
std::vector<Row> write_rows(const WriteResults& r);

}  // namespace h5archive::bench
