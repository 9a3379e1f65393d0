// `h5archive resolve`: where a reference points, as JSON.
#include <ostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "h5archive/location.hpp"
#include "h5archive/reference.hpp"
#include "h5archive/staging_area.hpp"

namespace h5archive::cli {

namespace {

class ResolveCommand : public Command {
 public:
  ResolveCommand()
      : Command("resolve", "Print where a reference points, as JSON",
                "Print a reference's parts and the file and dataset it resolves to, as "
                "JSON:\n{reference, upload_id, directory, file, path, os_path, dataset}.\nFails if "
                "the upload is unknown or the name leads outside it (symbolic links);\nthe file "
                "itself need not exist yet.") {}

  void add_options(CLI::App& cmd) override {
    add_reference_options(cmd, options.reference, options.upload);
  }
  int run(const GlobalOptions& global, Streams io) override;

 private:
  struct {
    std::string reference;
    std::optional<std::string> upload;
  } options;
};

int ResolveCommand::run(const GlobalOptions& global, Streams io) {
  // Parsed once: the JSON shows the reference's parts as written, and the
  // location holds them checked (a raw path normalised).
  const Reference ref = Reference::parse(options.reference);
  const Resolved r = global.staging_area().resolve(
      Location::from_reference(ref, options.reference, options.upload));
  // The walk every open takes: an unknown upload, a link leading outside or
  // a folder is reported; a file not yet there is not (it may be created).
  global.staging_area().check(r, /*file_may_be_missing=*/true);
  nlohmann::ordered_json j;
  j["reference"] = options.reference;
  j["upload_id"] = r.upload_id;
  j["directory"] = r.directory == Directory::raw ? "raw" : "archive";
  j["file"] = ref.file;
  j["path"] = ref.path;
  j["os_path"] = r.file.string();
  j["dataset"] = r.dataset;
  // File names need not be UTF-8; JSON strings must be: replace, don't throw.
  io.out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}

}  // namespace

std::unique_ptr<Command> make_resolve_command() { return std::make_unique<ResolveCommand>(); }

}  // namespace h5archive::cli
