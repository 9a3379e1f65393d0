// `h5archive resolve`: where a reference points, as JSON.
#include <ostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "h5archive/reference.hpp"

namespace h5archive::cli {

CLI::App* add_resolve_command(CLI::App& app, ResolveOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "resolve",
      "Print a reference's parts and the file and dataset it resolves to, as JSON:\n"
      "{reference, upload_id, directory, file, path, os_path, dataset}.\n"
      "Fails if the upload is unknown or the name leads outside it (symbolic links);\n"
      "the file itself need not exist yet.");
  add_reference_options(cmd, options.reference, options.upload);
  return cmd;
}

int run_resolve(const GlobalOptions& global, const ResolveOptions& options, std::ostream& out) {
  Reference ref = Reference::parse(options.reference);
  Resolved r = global.resolve(options.reference, options.upload);
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
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}

}  // namespace h5archive::cli
