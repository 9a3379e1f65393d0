#include "stream_bench.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <stdexcept>

#include "child_process.hpp"

namespace h5archive::bench {

namespace {

constexpr double kPeakLimitMiB = 64;
constexpr double kFlatGoal = 1.10;  // peak of the largest size / peak of the smallest
constexpr double kPosixGoal = 0.80, kH5pyGoal = 1.50, kDeflateGoal = 1.00;

// One block every side appends: a slow sine (a smooth signal, like a
// detector trace) plus small Gaussian noise, which keeps the low mantissa
// bytes random: deflate+shuffle compresses it, but not to nothing.
void write_block_file(const fs::path& file, std::uint64_t block_mib) {
  std::vector<double> v(block_mib * kRowsPerMiB * kColumns);
  std::mt19937_64 random(11);
  std::normal_distribution<double> noise(0.0, 0.01);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] =
        100.0 * std::sin(2 * std::numbers::pi * static_cast<double>(i) / 65536.0) + noise(random);
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(double)));
  if (!out) throw std::runtime_error("cannot write the block to " + file.string());
}

struct Sample {
  double seconds = 0;
  std::uint64_t peak_kib = 0;  // max of VmHWM / ru_maxrss
  std::uint64_t bytes = 0;     // the file's size
};

// Runs one child writing into a fresh `folder` (removed afterwards, the page
// cache written back before: each run starts from a clean cache). Throws
// with the child's own message if it failed.
Sample run_child(const std::vector<std::string>& argv, const fs::path& folder) {
  fs::create_directories(folder);
  settle(folder.parent_path());
  std::string answer;
  ChildProcess::Exit exit;
  {
    ChildProcess child(argv);
    try {
      answer = child.receive();
    } catch (const std::exception&) {
      // its stderr has said why
    }
    exit = child.wait();
  }
  fs::remove_all(folder);
  Sample s;
  unsigned long long hwm = 0, bytes = 0;
  if (exit.status != 0 ||
      std::sscanf(answer.c_str(), "%lf %llu %llu", &s.seconds, &hwm, &bytes) != 3 || s.seconds <= 0)
    throw std::runtime_error(answer.empty() ? fmt::format("{} exited with {}", argv[0], exit.status)
                                            : answer);
  s.peak_kib = std::max<std::uint64_t>(hwm, static_cast<std::uint64_t>(exit.max_rss_kib));
  s.bytes = bytes;
  return s;
}

// The rates (MiB/s) and last file size of one side of a comparison.
struct Side {
  std::vector<double> rates;
  std::uint64_t bytes = 0;
  std::uint64_t peak_kib = 0;
  void add(std::uint64_t mib, const Sample& s) {
    rates.push_back(static_cast<double>(mib) / s.seconds);
    bytes = s.bytes;
    peak_kib = std::max(peak_kib, s.peak_kib);
  }
};

class Runner {
 public:
  Runner(const StreamOptions& o, const fs::path& folder) : o_(o), folder_(folder / "stream") {
    fs::create_directories(folder_);
    block_file_ = folder_ / "block.f64";
    write_block_file(block_file_, o.block_mib);
  }
  ~Runner() {
    std::error_code ec;
    fs::remove_all(folder_, ec);
  }
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  Sample ours(const std::string& side, std::uint64_t mib) {
    const fs::path sub = folder_ / fmt::format("{}-{}", side, mib);
    Sample s = run_child({o_.self, "--stream-child", side, std::to_string(mib),
                          std::to_string(o_.block_mib), block_file_.string(), sub.string()},
                         sub);
    fmt::print(stderr, "  {:<9} {:>5} MiB: {:.2f} s, {:.0f} MiB/s, peak RSS {:.1f} MiB\n", side,
               mib, s.seconds, static_cast<double>(mib) / s.seconds,
               static_cast<double>(s.peak_kib) / 1024);
    return s;
  }

  Sample h5py(std::uint64_t mib, int level) {
    const fs::path sub = folder_ / fmt::format("h5py-{}-{}", level, mib);
    Sample s = run_child({o_.python, o_.h5py_script, std::to_string(mib), block_file_.string(),
                          std::to_string(kColumns), std::to_string(kRowsPerMiB),
                          std::to_string(level), (sub / "stream.h5").string()},
                         sub);
    fmt::print(stderr, "  h5py{:<5} {:>5} MiB: {:.2f} s, {:.0f} MiB/s, peak RSS {:.1f} MiB\n",
               level < 0 ? "" : "-gz", mib, s.seconds, static_cast<double>(mib) / s.seconds,
               static_cast<double>(s.peak_kib) / 1024);
    return s;
  }

 private:
  const StreamOptions& o_;
  fs::path folder_, block_file_;
};

StreamComparison compare(std::uint64_t mib, const Side& ours, const Side& h5py) {
  const double raw = static_cast<double>(mib) * kMiB;
  return {mib, median(ours.rates), median(h5py.rates), static_cast<double>(ours.bytes) / raw,
          static_cast<double>(h5py.bytes) / raw};
}

}  // namespace

StreamResults run_stream_bench(const StreamOptions& o, const fs::path& folder) {
  StreamResults r;
  r.block_mib = o.block_mib;
  const std::size_t n = o.sizes_mib.size();
  std::vector<Side> ours(n), posix(n);
  Side h5py, deflate, h5py_deflate;
  bool with_h5py = !o.python.empty() && fs::exists(o.python);
  if (!with_h5py) r.h5py_problem = o.python.empty() ? "no python given" : "no " + o.python;
  fmt::print(stderr, "[stream] {} MiB blocks, {} rounds\n", o.block_mib, o.reps);
  try {
    Runner run(o, folder);
    for (int rep = 0; rep < o.reps; ++rep) {
      // Sides and sizes take turns: no side always follows the biggest write.
      const bool forward = rep % 2 == 0;
      for (std::size_t k = 0; k < n; ++k) {
        const std::size_t i = forward ? k : n - 1 - k;
        const std::uint64_t mib = o.sizes_mib[i];
        if (forward) ours[i].add(mib, run.ours("h5archive", mib));
        posix[i].add(mib, run.ours("write", mib));
        if (!forward) ours[i].add(mib, run.ours("h5archive", mib));
      }
      if (forward) deflate.add(o.deflate_mib, run.ours("deflate", o.deflate_mib));
      if (with_h5py) {
        try {
          h5py.add(o.sizes_mib.front(), run.h5py(o.sizes_mib.front(), -1));
          h5py_deflate.add(o.deflate_mib,
                           run.h5py(o.deflate_mib, static_cast<int>(kStreamDeflateLevel)));
        } catch (const std::exception& e) {
          with_h5py = false;
          r.h5py_problem = e.what();
        }
      }
      if (!forward) deflate.add(o.deflate_mib, run.ours("deflate", o.deflate_mib));
    }
  } catch (const std::exception& e) {
    r.problem = e.what();
    fmt::print(stderr, "  no streaming figures: {}\n", r.problem);
    return r;
  }
  for (std::size_t i = 0; i < n; ++i)
    r.points.push_back(
        {o.sizes_mib[i], median(ours[i].rates), median(posix[i].rates), ours[i].peak_kib});
  if (with_h5py) {
    r.h5py = compare(o.sizes_mib.front(), ours.front(), h5py);
    r.deflate = compare(o.deflate_mib, deflate, h5py_deflate);
  }
  return r;
}

std::vector<Row> stream_rows(const StreamResults& r) {
  if (r.points.empty())
    return {{"streaming write", "-", "-", "-", "<= 64 MiB, flat", "skipped: " + r.problem}};
  const auto rate = [](double v) { return fmt::format("{:.0f} MiB/s", v); };
  std::vector<Row> rows;
  for (const StreamPoint& p : r.points) {
    const double ratio = p.rate / p.posix_rate;
    rows.push_back(
        {fmt::format("stream {} MiB in {} MiB blocks vs write() calls", p.mib, r.block_mib),
         rate(p.rate), rate(p.posix_rate), fmt::format("{:.3f}", ratio),
         fmt::format(">= {:.2f}", kPosixGoal), met(ratio >= kPosixGoal)});
  }
  for (const StreamPoint& p : r.points) {
    const double mib = static_cast<double>(p.peak_rss_kib) / 1024;
    rows.push_back({fmt::format("stream {} MiB: peak resident memory vs limit", p.mib),
                    fmt::format("{:.1f} MiB", mib), fmt::format("{:.0f} MiB", kPeakLimitMiB),
                    fmt::format("{:.3f}", mib / kPeakLimitMiB), "<= 1.00",
                    met(mib <= kPeakLimitMiB)});
  }
  const StreamPoint& small = r.points.front();
  const StreamPoint& large = r.points.back();
  const double growth =
      static_cast<double>(large.peak_rss_kib) / static_cast<double>(small.peak_rss_kib);
  rows.push_back({fmt::format("stream peak memory, {} vs {} MiB (flat)", large.mib, small.mib),
                  fmt::format("{:.1f} MiB", static_cast<double>(large.peak_rss_kib) / 1024),
                  fmt::format("{:.1f} MiB", static_cast<double>(small.peak_rss_kib) / 1024),
                  fmt::format("{:.3f}", growth), fmt::format("<= {:.2f}", kFlatGoal),
                  met(growth <= kFlatGoal)});
  const auto versus = [&](const StreamComparison& c, const std::string& what, double goal) {
    const double ratio = c.rate / c.h5py_rate;  // = h5py's time / ours
    return Row{what,
               rate(c.rate),
               rate(c.h5py_rate),
               fmt::format("{:.3f}", ratio),
               fmt::format(">= {:.2f}", goal),
               met(ratio >= goal)};
  };
  if (r.h5py && r.deflate) {
    rows.push_back(versus(
        *r.h5py, fmt::format("stream {} MiB vs h5py resize+append (maxshape=None)", r.h5py->mib),
        kH5pyGoal));
    rows.push_back(versus(
        *r.deflate,
        fmt::format("stream {} MiB deflate {}+shuffle vs h5py, same filters "
                    "(size {:.2f} vs {:.2f})",
                    r.deflate->mib, kStreamDeflateLevel, r.deflate->ratio, r.deflate->h5py_ratio),
        kDeflateGoal));
  } else {
    rows.push_back({"stream vs h5py resize+append (maxshape=None)", "-", "-", "-",
                    fmt::format(">= {:.2f}", kH5pyGoal), "skipped: " + r.h5py_problem});
  }
  return rows;
}

}  // namespace h5archive::bench
