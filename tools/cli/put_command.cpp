// `h5archive put`: streams a .npy file into an entry's archive HDF5 file in
// row blocks (memory bounded by the block size; entry_files::put_npy_quantity)
// and records the quantity.
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "h5archive/checked_size.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/npy_quantity.hpp"
#include "h5archive/reference.hpp"
#include "progress_bar.hpp"

namespace h5archive::cli {
namespace {

struct PutOptions {
  std::string upload;
  std::string entry;
  std::string archive_path;
  std::string npy_file;
  std::optional<std::string> unit;
  std::vector<std::uint64_t> chunks;
  std::string compress = "none";
  unsigned level = 4;
  double block_mib = 16;
  bool swmr = false;             // --swmr: SWMR mode, unlimited first axis
  std::optional<bool> progress;  // --progress / --no-progress; isatty(2) if unset
};

Compression compression_of(const PutOptions& options) {
  if (options.compress == "none") return {};
  if (options.level > 9)
    throw UsageError(
        fmt::format("--level {} is out of range: deflate levels are 0-9", options.level));
  return Compression::deflate(options.level, true);
}

class PutCommand : public Command {
 public:
  PutCommand()
      : Command(
            "put", "Stream a .npy file into an entry's archive as a quantity",
            "Stream a .npy file into the entry's archive HDF5 file at ARCHIVE_PATH and set the "
            "quantity to /uploads/<UPLOAD>/archive/<ENTRY>#<ARCHIVE_PATH> in archive/<ENTRY>.json, "
            "with its metadata (shape, dtype, unit, chunks, compression, statistics). An existing "
            "dataset keeps its shape and dtype (NOMAD's reassignment rules)") {}

  void add_options(CLI::App& cmd) override;
  int run(const GlobalOptions& global, Streams io) override;

 private:
  PutOptions options;
};

void PutCommand::add_options(CLI::App& cmd) {
  cmd.add_option("UPLOAD", options.upload, "Upload id (the upload must exist)")->required();
  cmd.add_option("ENTRY", options.entry, "Entry id (its archive is created if missing)")
      ->required();
  cmd.add_option("ARCHIVE_PATH", options.archive_path,
                 "Where the quantity lives in the archive, e.g. /data/value or /data/subs/0/y")
      ->required();
  cmd.add_option("FILE", options.npy_file,
                 "The .npy file (C order; versions 1.0-3.0; numeric, bool or complex: string "
                 "arrays cannot be streamed)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd.add_option("--unit", options.unit, "Written as the dataset's `units` attribute");
  cmd.add_option("--chunk", options.chunks,
                 "Chunk shape, one number per dimension (default: about 1 MiB chunks)")
      ->delimiter(',');
  cmd.add_option("--compress", options.compress,
                 "Compression of the chunks: deflate is applied after HDF5's byte shuffle")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "deflate"}));
  cmd.add_option("--level", options.level, "deflate level, 0-9 (with --compress deflate)")
      ->capture_default_str();
  cmd.add_option("--block-mib", options.block_mib,
                 "Size of the blocks read from the file and written, in MiB (bounds memory)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd.add_flag("--swmr", options.swmr,
               "Write in HDF5's single-writer/multiple-reader mode with an unlimited first axis: "
               "readers that open the file with SWMR (h5py: swmr=True; h5watch) see the rows "
               "written so far while put runs. A new file is written in HDF5 1.10's format; an "
               "existing dataset must be extendable along its first axis");
  cmd.add_flag("--progress,!--no-progress", options.progress,
               "Show a progress bar on standard error (default: when it is a terminal)");
}

int PutCommand::run(const GlobalOptions& global, Streams io) {
  std::ostream& out = io.out;
  WriterOptions writer_options;
  writer_options.compression = compression_of(options);
  writer_options.unit = options.unit;
  writer_options.swmr = options.swmr;
  if (!options.chunks.empty())
    writer_options.chunks = Shape(options.chunks.begin(), options.chunks.end());

  const NpyHeader header = read_npy_header(options.npy_file);
  // The header's shape is checked (its byte size fits 64 bits and the file).
  const std::uint64_t total_bytes =
      checked_byte_size(header.shape, header.item_size, "A block of rows of " + options.npy_file);
  // Clamped: a double beyond 2**64 does not convert (--block-mib 1e30).
  const double wanted = std::ceil(options.block_mib * (1 << 20));
  const std::uint64_t block_bytes =
      wanted < 0x1p63 ? static_cast<std::uint64_t>(wanted) : std::uint64_t{1} << 63;
  ProgressBar bar(io.err, options.progress.value_or(stderr_is_terminal()), total_bytes);

  const QuantityMetadata m = entry_files::put_npy_quantity(
      global.staging_area(), options.upload, options.entry, options.archive_path, options.npy_file,
      writer_options, block_bytes, [&](std::uint64_t done, std::uint64_t) { bar.update(done); });
  bar.finish();
  out << Reference::archive(options.upload, options.entry, options.archive_path).str() << "\n";
  out << fmt::format("shape {}  dtype {}  rows {}\n", shape_str(m.shape), m.dtype, header.rows());
  return 0;
}

}  // namespace

std::unique_ptr<Command> make_put_command() { return std::make_unique<PutCommand>(); }

}  // namespace h5archive::cli
