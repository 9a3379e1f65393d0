// Assigning a float64 array from Python: h5archive's bindings
// (`entry.data.value = a`, `entry.save()`) against NOMAD's path (h5py
// `create_dataset(data=a)`, contiguous, uncompressed), both measured by
// tools/bench/bench_python_assign.py in one process of the wheel's venv
// (tests/wheel/prepare.sh), which this part starts. Goal: h5archive at least
// 1.5 times as fast. A second row puts h5py beside a plain write() of the
// same bytes, the floor under both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench_support.hpp"

namespace h5archive::bench {

inline constexpr double kPythonAssignGoal = 1.5;

struct PythonOptions {
  std::uint64_t size_mib = 1024;
  int reps = 5;
  /// The wheel venv's python; missing: the row says how to make it.
  std::string python;
  /// tools/bench/bench_python_assign.py.
  std::string script;
};

struct PythonResults {
  std::uint64_t mib = 0;
  int reps = 0;
  double seconds = 0, h5py_seconds = 0;  ///< medians
  double write_seconds = 0;              ///< median, plain write() of the same bytes
  double direct_seconds = 0;             ///< median, H5ARCHIVE_DIRECT_WRITES=1
  double min = 0, max = 0, h5py_min = 0, h5py_max = 0;
  std::string problem;  ///< why there are no figures
};

PythonResults run_python_bench(const PythonOptions& options, const fs::path& folder);

std::vector<Row> python_rows(const PythonResults& r);

/// Parses the script's line "result size_mib=.. reps=.. h5archive_s=.. h5py_s=..
/// h5archive_min=.. h5archive_max=.. h5py_min=.. h5py_max=.. speedup=.. write_s=..
/// [direct_s=..]";
/// false if a field is missing or a time is not positive.
bool parse_python_result(const std::string& line, PythonResults& out);

}  // namespace h5archive::bench
