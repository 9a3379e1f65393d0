// The h5archive subcommands as objects in one registry (make_commands()):
// each has a name, a one-line summary, a longer description, registers its
// options on its CLI11 subcommand and runs after parsing. Errors are thrown as
// exceptions; main() maps them to exit codes (0 ok, 1 error, 2 usage).
#pragma once

#include <iosfwd>
#include <memory>
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

/// Where a command writes: its result to `out`, diagnostics to `err`.
struct Streams {
  std::ostream& out;
  std::ostream& err;
};

/// One subcommand. Its options are bound to members of the object by
/// add_options(), so run() sees them parsed.
class Command {
 public:
  /// `summary`: the one line `h5archive --help` lists; `description`: what
  /// `h5archive <name> --help` prints above the usage (after the summary).
  Command(std::string name, std::string summary, std::string description)
      : name_(std::move(name)),
        summary_(std::move(summary)),
        description_(std::move(description)) {}
  virtual ~Command() = default;
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;

  const std::string& name() const { return name_; }
  const std::string& summary() const { return summary_; }
  const std::string& description() const { return description_; }

  /// Adds the positional arguments and options (the usage and options help).
  virtual void add_options(CLI::App& cmd) = 0;
  /// Does the work; returns the exit code.
  virtual int run(const GlobalOptions& global, Streams io) = 0;

 private:
  std::string name_;
  std::string summary_;
  std::string description_;
};

/// Adds the positional REF option (a reference, described by the three forms)
/// and --upload to a subcommand that reads through a reference.
void add_reference_options(CLI::App& cmd, std::string& reference,
                           std::optional<std::string>& upload);

/// The registry: every subcommand, in the order `h5archive --help` lists them.
std::vector<std::unique_ptr<Command>> make_commands();

std::unique_ptr<Command> make_demo_command();
std::unique_ptr<Command> make_resolve_command();
std::unique_ptr<Command> make_ls_command();
std::unique_ptr<Command> make_info_command();
std::unique_ptr<Command> make_get_command();
std::unique_ptr<Command> make_put_command();
std::unique_ptr<Command> make_link_command();
std::unique_ptr<Command> make_check_command();
std::unique_ptr<Command> make_env_command();
std::unique_ptr<Command> make_serve_command();

}  // namespace h5archive::cli
