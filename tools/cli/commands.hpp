// The h5archive subcommands: each registers its options on the CLI11 app and
// runs after parsing. Errors are thrown as exceptions; main() maps them to
// exit codes (0 ok, 1 error, 2 usage).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "h5archive/staging_area.hpp"

namespace h5archive::cli {

/// A command line that parses but cannot be run as asked (e.g. binary output
/// to a terminal): main() prints it like other errors and exits with 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Options every subcommand shares (given before or after the subcommand).
struct GlobalOptions {
  std::optional<std::string> root;       ///< --root; default_staging_root() if absent
  int prefix_size = kDefaultPrefixSize;  ///< --prefix-size

  StagingArea staging_area() const;
  /// Resolves `reference` in staging_area(), with `upload` (--upload) as the
  /// current upload for references without a /uploads/<u>/<dir>/ prefix.
  Resolved resolve(const std::string& reference, const std::optional<std::string>& upload) const;
};

/// Adds the positional REF option (a reference, described by the three forms)
/// and --upload to a subcommand that reads through a reference.
void add_reference_options(CLI::App* cmd, std::string& reference,
                           std::optional<std::string>& upload);

/// `h5archive demo`: builds the seed documentation's example.
CLI::App* add_demo_command(CLI::App& app);
int run_demo(const GlobalOptions& global, std::ostream& out);

/// `h5archive resolve REF [--upload U]`: prints the reference's parts and
/// where it resolves, as JSON.
struct ResolveOptions {
  std::string reference;
  std::optional<std::string> upload;
};
CLI::App* add_resolve_command(CLI::App& app, ResolveOptions& options);
int run_resolve(const GlobalOptions& global, const ResolveOptions& options, std::ostream& out);

/// `h5archive ls NAME-or-REF [--upload U]`: the tree of HDF5 quantities.
struct LsOptions {
  std::string target;
  std::optional<std::string> upload;
};
CLI::App* add_ls_command(CLI::App& app, LsOptions& options);
int run_ls(const GlobalOptions& global, const LsOptions& options, std::ostream& out);

/// `h5archive info REF [--upload U] [--json]`: a quantity's metadata.
struct InfoOptions {
  std::string reference;
  std::optional<std::string> upload;
  bool json = false;
};
CLI::App* add_info_command(CLI::App& app, InfoOptions& options);
int run_info(const GlobalOptions& global, const InfoOptions& options, std::ostream& out);

/// `h5archive get REF [--slice S] [--format F] [-o FILE]`: a quantity's values.
struct GetOptions {
  std::string reference;
  std::optional<std::string> upload;
  std::string slice;
  std::optional<std::string> format;  ///< npy, csv or json
  std::optional<std::string> output;  ///< -o FILE; stdout if absent
};
CLI::App* add_get_command(CLI::App& app, GetOptions& options);
int run_get(const GlobalOptions& global, const GetOptions& options, std::ostream& out);

/// `h5archive put UPLOAD ENTRY ARCHIVE_PATH FILE.npy ...`: streams a .npy file
/// into an entry.
struct PutOptions {
  std::string upload;
  std::string entry;
  std::string archive_path;
  std::string npy_file;
  std::optional<std::string> unit;
  std::vector<std::uint64_t> chunks;
  std::string compress = "none";
  unsigned level = 4;
  double block_mib = 16;
  bool swmr = false;             ///< --swmr: SWMR mode, unlimited first axis
  std::optional<bool> progress;  ///< --progress / --no-progress; isatty(2) if unset
};
CLI::App* add_put_command(CLI::App& app, PutOptions& options);
int run_put(const GlobalOptions& global, const PutOptions& options, std::ostream& out);

/// `h5archive link UPLOAD ENTRY ARCHIVE_PATH REF`: sets a quantity to a reference.
struct LinkOptions {
  std::string upload;
  std::string entry;
  std::string archive_path;
  std::string reference;
};
CLI::App* add_link_command(CLI::App& app, LinkOptions& options);
int run_link(const GlobalOptions& global, const LinkOptions& options, std::ostream& out);

/// `h5archive check UPLOAD [ENTRY]`: every reference resolves to a dataset.
struct CheckOptions {
  std::string upload;
  std::string entry;
};
CLI::App* add_check_command(CLI::App& app, CheckOptions& options);
int run_check(const GlobalOptions& global, const CheckOptions& options, std::ostream& out,
              std::ostream& err);

/// `h5archive env [--upload U]`: shell lines selecting the connector.
struct EnvOptions {
  std::optional<std::string> upload;
};
CLI::App* add_env_command(CLI::App& app, EnvOptions& options);
int run_env(const GlobalOptions& global, const EnvOptions& options, std::ostream& out);

/// `h5archive serve [--host H] [--port P] [--threads N] ...`: the h5grove
/// API and the H5Web page over HTTP (tools/serve/).
struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  unsigned threads = 8;
  std::optional<std::string> web_dir;
  std::uint64_t max_selection_mib = 1024;
  std::uint64_t max_json_elements = 1ull << 22;
  bool quiet = false;
};
CLI::App* add_serve_command(CLI::App& app, ServeOptions& options);
int run_serve(const GlobalOptions& global, const ServeOptions& options, std::ostream& out);

}  // namespace h5archive::cli
