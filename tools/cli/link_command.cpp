// `h5archive link`: sets an HDF5Reference quantity of an entry to a reference
// (checked to resolve to a dataset; an external link is written beside it).
#include <ostream>

#include "commands.hpp"
#include "h5archive/entry_files.hpp"

namespace h5archive::cli {

namespace {

class LinkCommand : public Command {
 public:
  LinkCommand()
      : Command("link", "Set an entry's quantity to a reference (an external link)",
                "Set the quantity at ARCHIVE_PATH of the entry to REF: REF must resolve (with "
                "UPLOAD as the current upload) to an existing dataset. archive/<ENTRY>.json stores "
                "REF unchanged and archive/<ENTRY>.h5 gets an external link with a relative file "
                "name at ARCHIVE_PATH; stored data are never replaced by a link") {}

  void add_options(CLI::App& cmd) override;
  int run(const GlobalOptions& global, Streams io) override;

 private:
  struct {
    std::string upload;
    std::string entry;
    std::string archive_path;
    std::string reference;
  } options;
};

void LinkCommand::add_options(CLI::App& cmd) {
  cmd.add_option("UPLOAD", options.upload, "Upload id (the upload must exist)")->required();
  cmd.add_option("ENTRY", options.entry, "Entry id (its archive is created if missing)")
      ->required();
  cmd.add_option("ARCHIVE_PATH", options.archive_path,
                 "Where the quantity lives in the archive, e.g. /data/value_external")
      ->required();
  cmd.add_option("REF", options.reference,
                 "<file>#<path> (a raw file of UPLOAD), /uploads/<u>/raw/<file>#<path> or "
                 "/uploads/<u>/archive/<entry>#<path>")
      ->required();
}

int LinkCommand::run(const GlobalOptions& global, Streams io) {
  entry_files::link_quantity(global.staging_area(), options.upload, options.entry,
                             options.archive_path, options.reference);
  io.out << options.archive_path << " -> " << options.reference << "\n";
  return 0;
}

}  // namespace

std::unique_ptr<Command> make_link_command() { return std::make_unique<LinkCommand>(); }

}  // namespace h5archive::cli
