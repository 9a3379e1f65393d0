// `h5archive serve`: the h5grove API and the H5Web page over HTTP
// (cpp-httplib), with a bounded thread pool, a log line per request and a
// clean stop on SIGINT/SIGTERM.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

#include "h5archive/staging_area.hpp"
#include "h5grove_api.hpp"

namespace h5archive::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  ///< 0: any free port (printed at start)
  unsigned threads = 8;
  std::filesystem::path web_dir;  ///< index.html, main.js, main.css; empty: no page
  Limits limits;
  bool quiet = false;  ///< no request log lines (benchmarks)
};

/// Serves until SIGINT or SIGTERM; returns 0 then, 1 if the address cannot
/// be bound. Prints "listening on http://<host>:<port>/" to `out` once
/// bound, and one line per request to `log`.
int run_server(const StagingArea& area, const ServerOptions& options, std::ostream& out,
               std::ostream& log);

}  // namespace h5archive::serve
