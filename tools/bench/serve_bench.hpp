// The `serve` rows of `bench`: requests per second and p50/p99 latency of
// `h5archive serve` for /meta and a 1 MiB /data?format=bin slice, with a
// fixed number of concurrent keep-alive clients on loopback, against
// h5grove's own Python app (tests/e2e/h5grove_app.py) serving the same file.
#pragma once

#include <string>
#include <vector>

#include "bench_support.hpp"

namespace h5archive::bench {

struct ServeOptions {
  int clients = 4;          ///< concurrent clients, each one keep-alive connection
  double seconds = 2.0;     ///< per measurement
  int reps = 3;             ///< measurements per side; the median round is kept
  std::string h5archive;    ///< the CLI
  std::string python;       ///< with h5grove and tornado
  std::string h5grove_app;  ///< tests/e2e/h5grove_app.py
};

struct ServeFigures {
  double per_s = 0, p50_ms = 0, p99_ms = 0;
};
struct ServeResults {
  ServeFigures ours_meta, theirs_meta, ours_data, theirs_data;
  int clients = 0;
};

ServeResults run_serve_bench(const ServeOptions& o, const fs::path& folder);
std::vector<Row> serve_rows(const ServeResults& r);

}  // namespace h5archive::bench
