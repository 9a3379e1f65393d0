// h5archive: the command line of libh5archive. The subcommands come from one
// table (make_commands() in registry.cpp); this file parses and dispatches.
#include <hdf5.h>

#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "h5archive/errors.hpp"

namespace h5archive::cli {
namespace {

// `h5archive --help` lists each subcommand by its summary, the first line of
// its description; `h5archive <cmd> --help` shows the whole description.
class SummaryFormatter : public CLI::Formatter {
 public:
  std::string make_subcommand(const CLI::App* sub) const override {
    const std::string& description = sub->get_description();
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true),
                             description.substr(0, description.find('\n')), column_width_);
    return out.str();
  }
};

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_option("--root", global.root,
                 "Staging area root (default: $H5ARCHIVE_ROOT, else .volumes/fs/staging; now " +
                     h5archive::default_staging_root().string() + ")");
  app.add_option("--prefix-size", global.prefix_size,
                 "Length of the shard folder taken from the upload id (0 = none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 255));
}

// Runs the command that was parsed, mapping errors to exit codes.
int run_parsed(const CLI::App& app, const std::vector<std::unique_ptr<Command>>& commands,
               const GlobalOptions& global) {
  // Every error is reported once, as one line with HDF5's reason in it
  // (libh5archive reads the reason off the error stack): HDF5's own printing
  // of the whole stack would come on top.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  try {
    for (const auto& command : commands)
      if (app.got_subcommand(command->name())) return command->run(global, {std::cout, std::cerr});
  } catch (const std::exception& e) {
    return report_error(e, std::cerr);  // exit_codes.hpp: the category's code
  }
  return 2;
}

}  // namespace

StagingArea GlobalOptions::staging_area() const {
  return root ? StagingArea(*root, prefix_size) : StagingArea(default_staging_root(), prefix_size);
}

Resolved GlobalOptions::resolve(const std::string& reference,
                                const std::optional<std::string>& upload) const {
  std::optional<std::string_view> current;
  if (upload) current = *upload;
  return staging_area().resolve(reference, current);
}

void add_reference_options(CLI::App& cmd, std::string& reference,
                           std::optional<std::string>& upload) {
  cmd.add_option("REF", reference,
                 "/uploads/<u>/archive/<entry>#<path>, /uploads/<u>/raw/<file>#<path> or "
                 "<file>#<path> (a raw file of --upload)")
      ->required();
  cmd.add_option("--upload", upload,
                 "The current upload, for references without /uploads/<u>/<dir>/");
}

}  // namespace h5archive::cli

int main(int argc, char** argv) {
  using namespace h5archive::cli;
  CLI::App app{
      "h5archive: large quantities of NOMAD-style archives in HDF5.\n"
      "Staging area layout: <root>/<upload[:prefix-size]>/<upload>/{raw,archive}/"};
  app.formatter(std::make_shared<SummaryFormatter>());
  app.set_version_flag("--version", "h5archive 0.1.0");
  app.require_subcommand(1);
  // Global options are also accepted after the subcommand ("h5archive demo --root R").
  app.fallthrough();
  GlobalOptions global;
  add_global_options(app, global);

  const auto commands = make_commands();
  for (const auto& command : commands) {
    CLI::App* sub =
        app.add_subcommand(command->name(), command->summary() + "\n" + command->description());
    command->add_options(*sub);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  return run_parsed(app, commands, global);
}
