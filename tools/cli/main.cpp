// h5archive: the command line of libh5archive.
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "h5archive/errors.hpp"

namespace h5archive::cli {

StagingArea GlobalOptions::staging_area() const {
  return root ? StagingArea(*root, prefix_size) : StagingArea(default_staging_root(), prefix_size);
}

}  // namespace h5archive::cli

int main(int argc, char** argv) {
  using namespace h5archive::cli;
  CLI::App app{
      "h5archive: large quantities of NOMAD-style archives in HDF5.\n"
      "Staging area layout: <root>/<upload[:prefix-size]>/<upload>/{raw,archive}/"};
  app.set_version_flag("--version", "h5archive 0.1.0");
  app.require_subcommand(1);
  // Global options are also accepted after the subcommand ("h5archive demo --root R").
  app.fallthrough();

  GlobalOptions global;
  app.add_option("--root", global.root,
                 "Staging area root (default: $H5ARCHIVE_ROOT, else .volumes/fs/staging; now " +
                     h5archive::default_staging_root().string() + ")");
  app.add_option("--prefix-size", global.prefix_size,
                 "Length of the shard folder taken from the upload id (0 = none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);

  ResolveOptions resolve;
  CLI::App* demo_cmd = add_demo_command(app);
  CLI::App* resolve_cmd = add_resolve_command(app, resolve);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    if (demo_cmd->parsed()) return run_demo(global, std::cout);
    if (resolve_cmd->parsed()) return run_resolve(global, resolve, std::cout);
  } catch (const std::exception& e) {
    std::cerr << "h5archive: error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
