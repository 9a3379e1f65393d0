// `h5archive link`: sets an HDF5Reference quantity of an entry to a reference
// (checked to resolve to a dataset; an external link is written beside it).
#include <ostream>

#include "commands.hpp"
#include "h5archive/entry_files.hpp"

namespace h5archive::cli {

CLI::App* add_link_command(CLI::App& app, LinkOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "link",
      "Set the quantity at ARCHIVE_PATH of the entry to REF: REF must resolve (with UPLOAD as "
      "the current upload) to an existing dataset. archive/<ENTRY>.json stores REF unchanged and "
      "archive/<ENTRY>.h5 gets an external link with a relative file name at ARCHIVE_PATH; "
      "stored data are never replaced by a link");
  cmd->add_option("UPLOAD", options.upload, "Upload id (the upload must exist)")->required();
  cmd->add_option("ENTRY", options.entry, "Entry id (its archive is created if missing)")
      ->required();
  cmd->add_option("ARCHIVE_PATH", options.archive_path,
                  "Where the quantity lives in the archive, e.g. /data/value_external")
      ->required();
  cmd->add_option("REF", options.reference,
                  "<file>#<path> (a raw file of UPLOAD), /uploads/<u>/raw/<file>#<path> or "
                  "/uploads/<u>/archive/<entry>#<path>")
      ->required();
  return cmd;
}

int run_link(const GlobalOptions& global, const LinkOptions& options, std::ostream& out) {
  entry_files::link_quantity(global.staging_area(), options.upload, options.entry,
                             options.archive_path, options.reference);
  out << options.archive_path << " -> " << options.reference << "\n";
  return 0;
}

}  // namespace h5archive::cli
