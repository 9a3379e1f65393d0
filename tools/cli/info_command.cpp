// `h5archive info`: a quantity's metadata (shape, dtype, unit, layout and
// statistics) read from the file's attributes, never from its data.
#include <ostream>
#include <string>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "h5archive/quantity_metadata.hpp"

namespace h5archive::cli {
namespace {

std::string value_text(const StatisticValue& v) {
  return std::visit(
      [](auto x) -> std::string {
        if constexpr (std::is_same_v<decltype(x), bool>) {
          return x ? "true" : "false";
        } else {
          return fmt::format("{}", x);
        }
      },
      v);
}

std::string compression_text(const Compression& c) {
  switch (c.kind) {
    case Compression::Kind::none:
      return "none";
    case Compression::Kind::deflate:
      return fmt::format("deflate (level {}{})", c.level, c.shuffle ? ", shuffle" : "");
    case Compression::Kind::other:
      return c.other;
  }
  return "?";
}

void print_text(const std::string& reference, const Resolved& r, const QuantityMetadata& m,
                std::ostream& out) {
  auto line = [&](std::string_view key, const std::string& value) {
    out << fmt::format("{:<12} {}\n", key, value);
  };
  line("reference", reference);
  line("file", r.file.string());
  line("dataset", r.dataset);
  line("shape", shape_str(m.shape));
  line("dtype", m.dtype);
  line("unit", !m.unit ? "(none)" : m.unit->empty() ? "(dimensionless)" : *m.unit);
  line("chunks", m.chunks ? shape_str(*m.chunks) : "contiguous");
  line("compression", compression_text(m.compression));
  if (!m.statistics) {
    line("statistics", "(not recorded)");
    return;
  }
  const Statistics& s = *m.statistics;
  line("count", std::to_string(s.count()));
  if (s.dtype() == DType::float32 || s.dtype() == DType::float64)
    line("nan_count", std::to_string(s.nan_count()));
  if (s.min()) line("min", value_text(*s.min()));
  if (s.max()) line("max", value_text(*s.max()));
  if (s.mean()) line("mean", fmt::format("{}", *s.mean()));
}

class InfoCommand : public Command {
 public:
  InfoCommand()
      : Command("info", "Print a quantity's metadata and statistics without reading its data",
                "Print a quantity's metadata without reading its data: shape, dtype, unit, chunk "
                "shape, compression and the statistics recorded when it was written (count, "
                "nan_count, min, max, mean)") {}

  void add_options(CLI::App& cmd) override;
  int run(const GlobalOptions& global, Streams io) override;

 private:
  struct {
    std::string reference;
    std::optional<std::string> upload;
    bool json = false;
  } options;
};

void InfoCommand::add_options(CLI::App& cmd) {
  add_reference_options(cmd, options.reference, options.upload);
  cmd.add_flag("--json", options.json,
               "Print one JSON object: reference, file, dataset, then the metadata as the entry "
               "archive stores it (shape, dtype, unit, chunks, compression, statistics)");
}

int InfoCommand::run(const GlobalOptions& global, Streams io) {
  std::ostream& out = io.out;
  const Resolved r = global.resolve(options.reference, options.upload);
  const QuantityMetadata m = read_quantity_metadata(r.file, r.dataset);
  if (!options.json) {
    print_text(options.reference, r, m, out);
    return 0;
  }
  nlohmann::ordered_json j;
  j["reference"] = options.reference;
  j["file"] = r.file.string();
  j["dataset"] = r.dataset;
  // Named: a temporary in the range expression would die before the loop runs.
  const nlohmann::json metadata = m.to_json();
  for (const auto& [key, value] : metadata.items()) j[key] = value;
  out << j.dump(2) << "\n";
  return 0;
}

}  // namespace

std::unique_ptr<Command> make_info_command() { return std::make_unique<InfoCommand>(); }

}  // namespace h5archive::cli
