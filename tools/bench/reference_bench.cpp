#include "reference_bench.hpp"

#include <fmt/core.h>

#include <string>

#include "h5archive/reference.hpp"
#include "h5archive/staging_area.hpp"

namespace h5archive::bench {

namespace {

constexpr double kGoalPerS = 1e6;
constexpr double kResolveGoalPerS = 0.5e6;
constexpr int kUploads = 4;

std::string upload_id(int i) { return fmt::format("upload_{:02d}_Xq3vR8", i); }

// 1000 references: 40 % archive, 40 % raw of a (possibly other) upload, 20 %
// relative to the current upload; dataset paths 2-4 levels deep.
std::vector<std::string> reference_mix() {
  std::vector<std::string> mix;
  for (int i = 0; i < 1000; ++i) {
    const std::string u = upload_id(i % kUploads);
    switch (i % 5) {
      case 0:
      case 1:
        mix.push_back(
            fmt::format("/uploads/{}/archive/entry_{}#/data/results/value_{}", u, i, i % 17));
        break;
      case 2:
      case 3:
        mix.push_back(
            fmt::format("/uploads/{}/raw/run_{}/scan_{}.h5#/entry/instrument/data", u, i % 7, i));
        break;
      default:
        mix.push_back(fmt::format("measurements/sample_{}.nxs#entry/data/counts", i));
    }
  }
  return mix;
}

// References per second of `op` over the mix, counting whole passes until at
// least `seconds` have gone; `sink` keeps the work from being optimised away.
template <class Op>
double rate(const std::vector<std::string>& mix, double seconds, Op op, std::size_t& sink) {
  std::size_t done = 0;
  double elapsed = 0;
  while (elapsed < seconds) {
    elapsed += seconds_of([&] {
      for (const std::string& s : mix) sink += op(s);
    });
    done += mix.size();
  }
  return static_cast<double>(done) / elapsed;
}

}  // namespace

ReferenceResults run_reference_bench(const ReferenceOptions& o, const fs::path& folder) {
  const StagingArea staging(folder / "staging");
  for (int i = 0; i < kUploads; ++i) staging.create_upload(upload_id(i));
  const std::vector<std::string> mix = reference_mix();
  const std::string current = upload_id(0);
  ReferenceResults r;
  r.distinct = mix.size();
  std::size_t sink = 0;
  const auto parse = [](const std::string& s) { return Reference::parse(s).path.size(); };
  const auto resolve = [&](const std::string& s) {
    return staging.resolve(s, current).dataset.size();
  };
  rate(mix, 0.05, parse, sink);  // warm-up: caches, allocator, dentries
  rate(mix, 0.05, resolve, sink);
  std::vector<double> parse_rates, resolve_rates;
  for (int rep = 0; rep < o.reps; ++rep) {
    parse_rates.push_back(rate(mix, o.seconds_per_measurement, parse, sink));
    resolve_rates.push_back(rate(mix, o.seconds_per_measurement, resolve, sink));
  }
  r.parse_per_s = median(parse_rates);
  r.resolve_per_s = median(resolve_rates);
  fmt::print(stderr, "[references] {} distinct; parse {:.0f}/s, parse+resolve {:.0f}/s ({})\n",
             r.distinct, r.parse_per_s, r.resolve_per_s, sink % 10);
  return r;
}

std::vector<Row> reference_rows(const ReferenceResults& r) {
  const auto row = [&](const std::string& what, double per_s, double goal) {
    return Row{what,
               fmt::format("{:.2f} M/s", per_s / 1e6),
               fmt::format("{:.2f} M/s", goal / 1e6),
               fmt::format("{:.3f}", per_s / goal),
               ">= 1.00 (goal)",
               met(per_s >= goal)};
  };
  // Resolving checks ids and the name's own `..` and reads no file system:
  // where a name leads is the kernel's answer at open (the staging driver).
  return {row("Reference::parse, mixed references", r.parse_per_s, kGoalPerS),
          row("StagingArea::resolve (parse + checks)", r.resolve_per_s, kResolveGoalPerS)};
}

}  // namespace h5archive::bench
