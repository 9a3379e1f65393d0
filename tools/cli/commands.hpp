// The h5archive subcommands: each registers its options on the CLI11 app and
// runs after parsing. Errors are thrown as exceptions; main() maps them to
// exit codes (0 ok, 1 error, 2 usage).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "h5archive/staging_area.hpp"

namespace h5archive::cli {

/// Options every subcommand shares (given before or after the subcommand).
struct GlobalOptions {
  std::optional<std::string> root;  ///< --root; default_staging_root() if absent
  int prefix_size = 2;              ///< --prefix-size

  StagingArea staging_area() const;
};

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

}  // namespace h5archive::cli
