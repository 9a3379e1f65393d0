#include "stream_bench.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <stdexcept>

#include "child_process.hpp"

namespace h5archive::bench {

namespace {

constexpr double kPeakLimitMiB = 64;
constexpr double kFlatGoal = 1.10;  // peak of the largest size / peak of the smallest

}  // namespace

StreamResults run_stream_bench(const StreamOptions& o, const fs::path& folder) {
  StreamResults r;
  r.block_mib = o.block_mib;
  std::vector<std::vector<double>> rates(o.sizes_mib.size());
  std::vector<std::uint64_t> peaks(o.sizes_mib.size(), 0);
  fmt::print(stderr, "[stream] {} MiB blocks, {} rounds\n", o.block_mib, o.reps);
  for (int rep = 0; rep < o.reps; ++rep) {
    for (std::size_t k = 0; k < o.sizes_mib.size(); ++k) {
      // Alternate direction so no size always follows the biggest write.
      const std::size_t i = rep % 2 == 0 ? k : o.sizes_mib.size() - 1 - k;
      const fs::path child_folder = folder / fmt::format("stream-{}", o.sizes_mib[i]);
      fs::create_directories(child_folder);
      settle(child_folder);
      std::string answer;
      ChildProcess::Exit exit;
      {
        ChildProcess child({o.self, "--stream-child", std::to_string(o.sizes_mib[i]),
                            std::to_string(o.block_mib), child_folder.string()});
        try {
          answer = child.receive();
        } catch (const std::exception&) {
          // its stderr has said why
        }
        exit = child.wait();
      }
      fs::remove_all(child_folder);
      double seconds = 0;
      unsigned long long hwm = 0;
      if (exit.status != 0 || std::sscanf(answer.c_str(), "%lf %llu", &seconds, &hwm) != 2) {
        r.problem =
            answer.empty() ? fmt::format("streaming child exited with {}", exit.status) : answer;
        r.points.clear();
        fmt::print(stderr, "  no streaming figures: {}\n", r.problem);
        return r;
      }
      const std::uint64_t peak =
          std::max<std::uint64_t>(hwm, static_cast<std::uint64_t>(exit.max_rss_kib));
      rates[i].push_back(static_cast<double>(o.sizes_mib[i]) / seconds);
      peaks[i] = std::max(peaks[i], peak);
      fmt::print(stderr,
                 "  {} MiB: {:.2f} s, {:.0f} MiB/s, peak RSS {:.1f} MiB (ru_maxrss {:.1f})\n",
                 o.sizes_mib[i], seconds, rates[i].back(), static_cast<double>(hwm) / 1024,
                 static_cast<double>(exit.max_rss_kib) / 1024);
    }
  }
  for (std::size_t i = 0; i < o.sizes_mib.size(); ++i)
    r.points.push_back({o.sizes_mib[i], median(rates[i]), peaks[i]});
  return r;
}

std::vector<Row> stream_rows(const StreamResults& r, std::optional<double> posix_rate) {
  if (r.points.empty())
    return {{"streaming write", "-", "-", "-", "<= 64 MiB, flat", "skipped: " + r.problem}};
  std::vector<Row> rows;
  for (const StreamPoint& p : r.points) {
    rows.push_back(
        {fmt::format("stream {} MiB in {} MiB blocks vs write() calls", p.mib, r.block_mib),
         fmt::format("{:.0f} MiB/s", p.rate),
         posix_rate ? fmt::format("{:.0f} MiB/s", *posix_rate) : "-",
         posix_rate ? fmt::format("{:.3f}", p.rate / *posix_rate) : "-", "none", "-"});
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
  return rows;
}

}  // namespace h5archive::bench
