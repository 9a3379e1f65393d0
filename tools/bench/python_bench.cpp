// The Python assignment row (python_bench.hpp).
#include "python_bench.hpp"

#include <fmt/core.h>

#include <map>
#include <sstream>
#include <stdexcept>

#include "child_process.hpp"

namespace h5archive::bench {

bool parse_python_result(const std::string& line, PythonResults& out) {
  std::istringstream in(line);
  std::string word;
  if (!(in >> word) || word != "result") return false;
  std::map<std::string, double> fields;
  while (in >> word) {
    const std::size_t eq = word.find('=');
    if (eq == std::string::npos) return false;
    char* end = nullptr;
    const std::string value = word.substr(eq + 1);
    const double v = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0') return false;
    fields[word.substr(0, eq)] = v;
  }
  for (const char* key : {"size_mib", "reps", "h5archive_s", "h5py_s", "h5archive_min",
                          "h5archive_max", "h5py_min", "h5py_max", "write_s"})
    if (!fields.contains(key) || fields[key] <= 0) return false;
  out.mib = static_cast<std::uint64_t>(fields["size_mib"]);
  out.reps = static_cast<int>(fields["reps"]);
  out.seconds = fields["h5archive_s"];
  out.h5py_seconds = fields["h5py_s"];
  out.write_seconds = fields["write_s"];
  out.direct_seconds = fields.contains("direct_s") ? fields["direct_s"] : 0;
  out.min = fields["h5archive_min"];
  out.max = fields["h5archive_max"];
  out.h5py_min = fields["h5py_min"];
  out.h5py_max = fields["h5py_max"];
  return true;
}

PythonResults run_python_bench(const PythonOptions& o, const fs::path& folder) {
  PythonResults r;
  r.mib = o.size_mib;
  if (o.python.empty() || !fs::exists(o.python)) {
    r.problem = fmt::format(
        "no wheel venv ({}); make it with `H5ARCHIVE_WHEEL_H5PY=3.16.0 "
        "tests/wheel/prepare.sh build/wheel-h5py-3.16.0` or pass --wheel-python",
        o.python.empty() ? "none given" : o.python);
    fmt::print(stderr, "[python] skipped: {}\n", r.problem);
    return r;
  }
  std::string line;
  ChildProcess::Exit exit;
  {
    // The venv's h5py brings its own HDF5: nothing of the bootstrap's may
    // reach it (tests/wheel/with_wheel.sh drops the same variables).
    ChildProcess child({"env", "-u", "LD_LIBRARY_PATH", "-u", "HDF5_PLUGIN_PATH", "-u",
                        "HDF5_VOL_CONNECTOR", o.python, o.script, "--size-mib",
                        std::to_string(o.size_mib), "--reps", std::to_string(o.reps), "--folder",
                        folder.string(), "--direct"});
    try {
      line = child.receive();
    } catch (const std::exception&) {
      // its stderr has said why
    }
    exit = child.wait();
  }
  if (exit.status != 0 || !parse_python_result(line, r))
    r.problem = fmt::format("{} exited with {}{}", o.script, exit.status,
                            line.empty() ? "" : " (said '" + line + "')");
  return r;
}

std::vector<Row> python_rows(const PythonResults& r) {
  const std::string what =
      fmt::format("Python: assign {} MiB float64 + save vs h5py create_dataset", r.mib);
  const std::string goal = fmt::format(">= {:.2f}", kPythonAssignGoal);
  if (!r.problem.empty()) return {{what, "-", "-", "-", goal, "skipped: " + r.problem}};
  const double mib = static_cast<double>(r.mib);
  const auto rate = [&](double seconds) { return fmt::format("{:.0f} MiB/s", mib / seconds); };
  const double ratio = r.h5py_seconds / r.seconds;
  fmt::print(
      "  python side: h5archive {:.3f} s (rounds {:.3f}-{:.3f}), h5py {:.3f} s ({:.3f}-{:.3f})",
      r.seconds, r.min, r.max, r.h5py_seconds, r.h5py_min, r.h5py_max);
  if (r.direct_seconds > 0)
    fmt::print("; then h5archive with H5ARCHIVE_DIRECT_WRITES=1 {:.3f} s", r.direct_seconds);
  fmt::print("\n");
  // The floor: the same bytes by one plain write() to a new file. h5py's
  // contiguous create_dataset is one such write plus HDF5's metadata, so
  // this row says how much room any faster assignment could have.
  const std::string floor_what =
      fmt::format("Python: h5py create_dataset vs plain write() of the same {} MiB", r.mib);
  return {{what, rate(r.seconds), rate(r.h5py_seconds), fmt::format("{:.3f}", ratio), goal,
           met(ratio >= kPythonAssignGoal)},
          {floor_what, rate(r.h5py_seconds), rate(r.write_seconds),
           fmt::format("{:.3f}", r.write_seconds / r.h5py_seconds), "none", "-"}};
}

}  // namespace h5archive::bench
