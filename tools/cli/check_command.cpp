// `h5archive check`: every reference of an upload's entry archives resolves
// to an existing dataset; the broken ones are listed with the reason.
#include <ostream>

#include <fmt/format.h>

#include "commands.hpp"
#include "h5archive/entry_files.hpp"
#include "h5archive/errors.hpp"

namespace h5archive::cli {

namespace {

class CheckCommand : public Command {
 public:
  CheckCommand()
      : Command(
            "check", "Check that every reference of an upload's entries resolves to a dataset",
            "Check that every reference in the upload's entry archives (archive/*.json), or in "
            "ENTRY's only, resolves to an existing dataset. Exit 0 if all do; exit 1 listing each "
            "broken reference on standard error as <entry> <archive path> <reference>: <reason>") {}

  void add_options(CLI::App& cmd) override {
    cmd.add_option("UPLOAD", options.upload, "Upload id")->required();
    cmd.add_option("ENTRY", options.entry, "Only this entry (default: every entry)");
  }
  int run(const GlobalOptions& global, Streams io) override;

 private:
  struct {
    std::string upload;
    std::string entry;
  } options;
};

int CheckCommand::run(const GlobalOptions& global, Streams io) {
  const StagingArea area = global.staging_area();
  if (!area.has_upload(options.upload))
    throw NotFoundError(
        fmt::format("Upload '{}' does not exist in {}", options.upload, area.root().string()));
  const auto broken = entry_files::check_references(area, options.upload, options.entry);
  std::size_t total = 0;
  const auto entries = options.entry.empty() ? entry_files::list_entries(area, options.upload)
                                             : std::vector<std::string>{options.entry};
  for (const auto& entry : entries)
    total += entry_files::list_references(area, options.upload, entry).size();
  for (const auto& b : broken)
    io.err << fmt::format("{} {} {}: {}\n", b.entry, b.archive_path, b.reference, b.reason);
  io.out << fmt::format("{} entries, {} references, {} broken\n", entries.size(), total,
                        broken.size());
  return broken.empty() ? 0 : 1;
}

}  // namespace

std::unique_ptr<Command> make_check_command() { return std::make_unique<CheckCommand>(); }

}  // namespace h5archive::cli
