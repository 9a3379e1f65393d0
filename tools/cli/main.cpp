// h5archive: the command line of libh5archive.
#include <hdf5.h>

#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "h5archive/errors.hpp"

namespace h5archive::cli {

StagingArea GlobalOptions::staging_area() const {
  return root ? StagingArea(*root, prefix_size) : StagingArea(default_staging_root(), prefix_size);
}

Resolved GlobalOptions::resolve(const std::string& reference,
                                const std::optional<std::string>& upload) const {
  std::optional<std::string_view> current;
  if (upload) current = *upload;
  return staging_area().resolve(reference, current);
}

void add_reference_options(CLI::App* cmd, std::string& reference,
                           std::optional<std::string>& upload) {
  cmd->add_option("REF", reference,
                  "/uploads/<u>/archive/<entry>#<path>, /uploads/<u>/raw/<file>#<path> or "
                  "<file>#<path> (a raw file of --upload)")
      ->required();
  cmd->add_option("--upload", upload,
                  "The current upload, for references without /uploads/<u>/<dir>/");
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
      ->check(CLI::Range(0, 255));

  ResolveOptions resolve;
  LsOptions ls;
  InfoOptions info;
  GetOptions get;
  PutOptions put;
  LinkOptions link;
  CheckOptions check;
  EnvOptions env;
  ServeOptions serve;
  CLI::App* demo_cmd = add_demo_command(app);
  CLI::App* resolve_cmd = add_resolve_command(app, resolve);
  CLI::App* ls_cmd = add_ls_command(app, ls);
  CLI::App* info_cmd = add_info_command(app, info);
  CLI::App* get_cmd = add_get_command(app, get);
  CLI::App* put_cmd = add_put_command(app, put);
  CLI::App* link_cmd = add_link_command(app, link);
  CLI::App* check_cmd = add_check_command(app, check);
  CLI::App* env_cmd = add_env_command(app, env);
  CLI::App* serve_cmd = add_serve_command(app, serve);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  // Every error is reported once, as one line with HDF5's reason in it
  // (libh5archive reads the reason off the error stack): HDF5's own printing
  // of the whole stack would come on top.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  try {
    if (demo_cmd->parsed()) return run_demo(global, std::cout);
    if (resolve_cmd->parsed()) return run_resolve(global, resolve, std::cout);
    if (ls_cmd->parsed()) return run_ls(global, ls, std::cout);
    if (info_cmd->parsed()) return run_info(global, info, std::cout);
    if (get_cmd->parsed()) return run_get(global, get, std::cout);
    if (put_cmd->parsed()) return run_put(global, put, std::cout);
    if (link_cmd->parsed()) return run_link(global, link, std::cout);
    if (check_cmd->parsed()) return run_check(global, check, std::cout, std::cerr);
    if (env_cmd->parsed()) return run_env(global, env, std::cout);
    if (serve_cmd->parsed()) return run_serve(global, serve, std::cout);
  } catch (const std::exception& e) {
    return report_error(e, std::cerr);  // exit_codes.hpp: the category's code
  }
  return 2;
}
