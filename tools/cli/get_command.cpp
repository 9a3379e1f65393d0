// `h5archive get`: a quantity or a numpy-like slice of it, as .npy (streamed
// in row blocks by the library, so memory stays bounded), CSV or JSON.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "commands.hpp"
#include "h5archive/entry_archive.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/selection_stream.hpp"
#include "value_format.hpp"

namespace h5archive::cli {
namespace {

namespace fs = std::filesystem;

// NpyWriter needs a seekable file (it patches the header): go through a
// temporary file, then copy it to the pipe. The file lives in a folder
// that mkdtemp creates (a fresh name, mode 0700): no other user can
// plant a file or link at its name, in a shared /tmp or anywhere else.
void pipe_selection_npy(const Resolved& r, const Selection& selection, std::ostream& out) {
  std::string pattern = (fs::temp_directory_path() / "h5archive-get-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw Error(
        fmt::format("Cannot create a temporary folder {}: {}", pattern, std::strerror(errno)));
  const fs::path folder = pattern;
  const auto remove_folder = [&] {
    std::error_code ignored;
    fs::remove_all(folder, ignored);
  };
  try {
    const fs::path temp = folder / "selection.npy";
    write_selection_npy(r.file, r.dataset, selection, temp);
    std::ifstream in(temp, std::ios::binary);
    if (!in) throw Error("Cannot read back " + temp.string());
    out << in.rdbuf();
    out.flush();
    if (!out) throw Error("Writing the .npy data to standard output failed");
  } catch (...) {
    remove_folder();
    throw;
  }
  remove_folder();
}

class GetCommand : public Command {
 public:
  GetCommand()
      : Command("get", "Read a quantity or a slice of it as .npy, CSV or JSON",
                "Read a quantity, or a slice of it, and write it as .npy, CSV or JSON. Default "
                "format: npy with -o FILE, json on standard output. Binary .npy is never written "
                "to a terminal (exit 2): use -o FILE or redirect standard output") {}

  void add_options(CLI::App& cmd) override;
  int run(const GlobalOptions& global, Streams io) override;

 private:
  struct {
    std::string reference;
    std::optional<std::string> upload;
    std::string slice;
    std::optional<std::string> format;  // npy, csv or json
    std::optional<std::string> output;  // -o FILE; stdout if absent
  } options;
};

void GetCommand::add_options(CLI::App& cmd) {
  add_reference_options(cmd, options.reference, options.upload);
  cmd.add_option("--slice", options.slice,
                 "numpy selection, one part per axis: start:stop:step, an index, ':' or '...' "
                 "(e.g. \"0:100, :, 3\"); default: everything");
  cmd.add_option("--format", options.format,
                 "npy (.npy file, C order), csv (1-D: one value per line; 2-D: one row per line) "
                 "or json (nested lists; NaN/inf as \"nan\"/\"inf\"/\"-inf\", complex as "
                 "[re, im])")
      ->check(CLI::IsMember({"npy", "csv", "json"}));
  cmd.add_option("-o,--output", options.output,
                 "Write to FILE (replaced atomically) instead of standard output");
}

int GetCommand::run(const GlobalOptions& global, Streams io) {
  std::ostream& out = io.out;
  const std::string format = options.format.value_or(options.output ? "npy" : "json");
  if (format == "npy" && !options.output && ::isatty(STDOUT_FILENO) == 1)
    throw UsageError(
        "refusing to write binary .npy data to a terminal: give -o FILE, redirect standard "
        "output, or choose --format json or csv");
  const Resolved r = global.resolve(options.reference, options.upload);
  const Selection selection = parse_selection(options.slice);

  if (format == "npy") {
    if (options.output) {
      write_selection_npy(r.file, r.dataset, selection, *options.output);
      return 0;
    }
    pipe_selection_npy(r, selection, out);
    return 0;
  }

  const Array values = read_selection(r.file, r.dataset, selection);
  auto write = [&](std::ostream& stream) {
    if (format == "csv") {
      write_csv(values, stream);
    } else {
      stream << array_to_json(values).dump() << "\n";
    }
  };
  if (options.output) {
    // Replaced atomically, like an entry archive: a failure leaves no half file.
    std::ostringstream text;
    write(text);
    write_file_atomically(*options.output, text.str());
  } else {
    write(out);
  }
  return 0;
}

}  // namespace

std::unique_ptr<Command> make_get_command() { return std::make_unique<GetCommand>(); }

}  // namespace h5archive::cli
