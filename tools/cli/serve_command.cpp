// `h5archive serve`: the h5grove API and the H5Web page for a staging area.
#include <hdf5.h>

#include <cstdint>

#include "../serve/http_server.hpp"
#include "commands.hpp"

namespace h5archive::cli {
namespace {

// The H5Web page next to this executable: the build tree's web/ (build/bin
// -> build/web) or the installed share/h5archive/web; empty if neither.
std::filesystem::path default_web_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const auto prefix = exe.parent_path().parent_path();
  for (const auto& dir : {prefix / "web", prefix / "share" / "h5archive" / "web"}) {
    if (std::filesystem::exists(dir / "index.html", ec)) return dir;
  }
  return {};
}

class ServeCommand : public Command {
 public:
  ServeCommand()
      : Command("serve", "Serve the staging area over HTTP: the h5grove API and the H5Web page",
                "Serve the staging area (the global --root and --prefix-size) over HTTP: the "
                "h5grove 4.0.0 API that H5Web uses (/meta, /attr, /data, /paths with "
                "file=/uploads/<u>/archive/<entry>, /uploads/<u>/raw/<path> or a whole reference) "
                "and the H5Web page at / (?file=/uploads/...&path=/data/value). Reads only below "
                "the root, read-only. Stops on SIGINT/SIGTERM; logs one line per request (method, "
                "target, status, bytes, ms) to stderr") {}

  void add_options(CLI::App& cmd) override;
  int run(const GlobalOptions& global, Streams io) override;

 private:
  struct {
    std::string host = "127.0.0.1";
    int port = 8080;
    unsigned threads = 8;
    std::optional<std::string> web_dir;
    std::uint64_t max_selection_mib = 1024;
    std::uint64_t max_json_elements = 1ull << 22;
    bool quiet = false;
  } options;
};

void ServeCommand::add_options(CLI::App& cmd) {
  cmd.add_option("--host", options.host,
                 "Address to listen on (loopback by default: the API has no authentication)")
      ->capture_default_str();
  cmd.add_option("--port", options.port, "TCP port (0: any free port, printed at start)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  cmd.add_option("--threads", options.threads,
                 "Worker threads, i.e. connections served at once (HDF5 reads themselves run "
                 "one at a time: the HDF5 library is not thread-safe)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  cmd.add_option("--web", options.web_dir,
                 "Folder with the built H5Web page (index.html, main.js, main.css); default: "
                 "the one installed next to this program");
  cmd.add_option("--max-selection-mib", options.max_selection_mib,
                 "Largest format=bin/npy selection one request may ask for (larger: 413)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  cmd.add_option("--max-json-elements", options.max_json_elements,
                 "Largest format=json selection, in elements (larger: 413)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 30));
  cmd.add_flag("--quiet", options.quiet, "No request log lines");
}

int ServeCommand::run(const GlobalOptions& global, Streams io) {
  serve::ServerOptions server;
  server.host = options.host;
  server.port = options.port;
  server.threads = options.threads;
  server.web_dir = options.web_dir ? std::filesystem::path(*options.web_dir) : default_web_dir();
  server.limits.max_binary_bytes = options.max_selection_mib << 20;
  server.limits.max_json_elements = options.max_json_elements;
  server.quiet = options.quiet;
  return serve::run_server(global.staging_area(), server, io.out, io.err);
}

}  // namespace

std::unique_ptr<Command> make_serve_command() { return std::make_unique<ServeCommand>(); }

}  // namespace h5archive::cli
