// `bench`: every performance figure of h5archive in one run, printed as one
// table of ratios against baselines measured in the same run (medians of
// several rounds). `make bench` runs it with the defaults; docs/benchmarks.md
// records a run and says how to read it.
//
//   bench [--size-mib M] [--reps N] [--stream-sizes A,B,C] [--block-mib B]
//         [--deflate-mib D] [--stream-reps N] [--calls N] [--cycles N] [--python PATH]
//         [--wheel-python PATH] [--only write,stream,connector,references,serve,python]
//
// Progress goes to stderr; the machine, the settings and the table to stdout.
#include <fmt/core.h>
#include <hdf5.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "bench_support.hpp"
#include "connector_bench.hpp"
#include "python_bench.hpp"
#include "reference_bench.hpp"
#include "serve_bench.hpp"
#include "stream_bench.hpp"
#include "write_bench.hpp"

namespace {

using namespace h5archive::bench;

constexpr const char* kUsage =
    "usage: bench [--size-mib M] [--reps N] [--stream-sizes A,B,C] [--block-mib B]\n"
    "             [--deflate-mib D] [--stream-reps N] [--calls N] [--cycles N] [--python PATH]\n"
    "             [--wheel-python PATH] [--only write,stream,connector,references,serve,python]\n"
    "  --size-mib M      quantity written and read (default 1024); streaming sizes\n"
    "                    default to M and 4M\n"
    "  --reps N          rounds per comparison (default 5)\n"
    "  --stream-sizes    streaming sizes in MiB, comma-separated\n"
    "  --block-mib B     streaming block (default 16)\n"
    "  --deflate-mib D   streamed with deflate+shuffle, ours and h5py's (default M/16)\n"
    "  --stream-reps N   streaming rounds per size (default 3)\n"
    "  --calls N         calls per per-call measurement of the connector (default 20000)\n"
    "  --cycles N        open/close cycles per side (default 10000)\n"
    "  --python PATH     python with h5py (default $H5ARCHIVE_VENV/bin/python, else\n"
    "                    ~/.cache/h5archive/venv-hdf5-1.14.5/bin/python)\n"
    "  --wheel-python P  python of the wheel's venv, for the Python row (default\n"
    "                    build/wheel-h5py-3.16.0/venv/bin/python, tests/wheel/prepare.sh)\n"
    "  --only LIST       run only these parts\n";

struct Options {
  std::uint64_t size_mib = 1024;
  int reps = 5;
  std::optional<std::vector<std::uint64_t>> stream_sizes;
  std::uint64_t block_mib = 16;
  std::optional<std::uint64_t> deflate_mib;
  int stream_reps = 3;
  long calls = 20000;
  long cycles = 10000;
  std::string python;
  std::string wheel_python = H5ARCHIVE_BENCH_WHEEL_PYTHON;
  std::set<std::string> parts{"write", "stream", "connector", "references", "serve", "python"};
};

bool positive(const std::string& text, long& out) {
  char* end = nullptr;
  out = std::strtol(text.c_str(), &end, 10);
  return end != text.c_str() && *end == '\0' && out > 0;
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    long v = 0;
    if (arg == "--python") {
      o.python = value;
    } else if (arg == "--wheel-python") {
      o.wheel_python = value;
    } else if (arg == "--only" || arg == "--stream-sizes") {
      std::stringstream in(value);
      std::set<std::string> parts;
      std::vector<std::uint64_t> sizes;
      for (std::string item; std::getline(in, item, ',');) {
        if (arg == "--only") {
          if (!o.parts.contains(item)) return false;
          parts.insert(item);
        } else {
          if (!positive(item, v)) return false;
          sizes.push_back(static_cast<std::uint64_t>(v));
        }
      }
      if (arg == "--only") {
        if (parts.empty()) return false;
        o.parts = parts;
      } else {
        if (sizes.empty()) return false;
        o.stream_sizes = sizes;
      }
    } else if (!positive(value, v)) {
      return false;
    } else if (arg == "--size-mib") {
      o.size_mib = static_cast<std::uint64_t>(v);
    } else if (arg == "--reps") {
      o.reps = static_cast<int>(v);
    } else if (arg == "--block-mib") {
      o.block_mib = static_cast<std::uint64_t>(v);
    } else if (arg == "--deflate-mib") {
      o.deflate_mib = static_cast<std::uint64_t>(v);
    } else if (arg == "--stream-reps") {
      o.stream_reps = static_cast<int>(v);
    } else if (arg == "--calls") {
      o.calls = v;
    } else if (arg == "--cycles") {
      o.cycles = v;
    } else {
      return false;
    }
  }
  return true;
}

std::string default_python() {
  const char* venv = std::getenv("H5ARCHIVE_VENV");
  if (venv != nullptr && *venv != '\0') return (fs::path(venv) / "bin" / "python").string();
  const char* home = std::getenv("HOME");
  return home == nullptr
             ? std::string{}
             : (fs::path(home) / ".cache/h5archive/venv-hdf5-1.14.5/bin/python").string();
}

// This program's own path, to start the streaming children.
std::string self_path(const char* argv0) {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(argv0) : exe.string();
}

int run(const Options& o, const std::string& self, const std::string& command) {
  const TempFolder folder;
  const auto sizes =
      o.stream_sizes.value_or(std::vector<std::uint64_t>{o.size_mib, 4 * o.size_mib});
  const std::string python = o.python.empty() ? default_python() : o.python;
  fmt::print("h5archive bench: {}\n", command);
  fmt::print("{}", machine_description("  "));
  fmt::print("  files    {} (removed at the end)\n\n", folder.path().parent_path().string());
  std::fflush(stdout);

  std::vector<Row> rows;
  if (o.parts.contains("write")) {
    const WriteResults w =
        run_write_bench({o.size_mib, o.reps, python, H5ARCHIVE_BENCH_H5PY}, folder.path());
    if (!w.h5py_versions.empty()) fmt::print("  h5py side: {}\n", w.h5py_versions);
    const auto more = write_rows(w);
    rows.insert(rows.end(), more.begin(), more.end());
  }
  if (o.parts.contains("stream")) {
    StreamOptions so{sizes,
                     o.block_mib,
                     o.deflate_mib.value_or(std::max<std::uint64_t>(o.size_mib / 16, 1)),
                     o.stream_reps,
                     self,
                     python,
                     H5ARCHIVE_BENCH_H5PY_STREAM};
    const auto more = stream_rows(run_stream_bench(so, folder.path()));
    rows.insert(rows.end(), more.begin(), more.end());
  }
  if (o.parts.contains("connector")) {
    const fs::path sub = folder.path() / "connector";
    fs::create_directories(sub);
    const auto more =
        connector_rows(run_connector_bench({o.size_mib, o.reps, o.calls, o.cycles}, sub));
    fs::remove_all(sub);
    rows.insert(rows.end(), more.begin(), more.end());
  }
  if (o.parts.contains("references")) {
    const fs::path sub = folder.path() / "references";
    fs::create_directories(sub);
    const auto more = reference_rows(run_reference_bench({o.reps, 0.2}, sub));
    rows.insert(rows.end(), more.begin(), more.end());
  }
  if (o.parts.contains("serve")) {
    const fs::path sub = folder.path() / "serve";
    fs::create_directories(sub);
    ServeOptions so;
    so.h5archive = (fs::path(self).parent_path() / "h5archive").string();
    so.python = python;
    so.h5grove_app = H5ARCHIVE_BENCH_H5GROVE_APP;
    so.reps = o.reps < 3 ? o.reps : 3;
    const auto more = serve_rows(run_serve_bench(so, sub));
    rows.insert(rows.end(), more.begin(), more.end());
  }
  if (o.parts.contains("python")) {
    const auto more = python_rows(run_python_bench(
        {o.size_mib, o.reps, o.wheel_python, H5ARCHIVE_BENCH_PYTHON_ASSIGN}, folder.path()));
    rows.insert(rows.end(), more.begin(), more.end());
  }
  fmt::print("\n");
  print_table(rows);
  fmt::print(
      "\n(medians of {} rounds, {} for streaming; ratio = h5archive / baseline, except per-call "
      "and open/close rows: time / native time)\n",
      o.reps, o.stream_reps);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 7 && std::string(argv[1]) == "--stream-child") {
    if (H5open() < 0) return 1;
    return stream_child(argv[2], std::strtoull(argv[3], nullptr, 10),
                        std::strtoull(argv[4], nullptr, 10), argv[5], argv[6]);
  }
  Options o;
  if (argc == 2 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    fmt::print("{}", kUsage);
    return 0;
  }
  if (!parse(argc, argv, o)) {
    fmt::print(stderr, "{}", kUsage);
    return 2;
  }
  std::string command = "bench";
  for (int i = 1; i < argc; ++i) command += std::string(" ") + argv[i];
  // Initialise HDF5 up front so its one-time set-up is timed on no side.
  if (H5open() < 0) return 1;
  try {
    return run(o, self_path(argv[0]), command);
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench: {}\n", e.what());
    return 1;
  }
}
