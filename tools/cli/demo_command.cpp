// `h5archive demo`: the seed documentation's example, built for real.
#include <ostream>

#include "commands.hpp"
#include "h5archive/h5archive.hpp"

namespace h5archive::cli {

namespace {

class DemoCommand : public Command {
 public:
  DemoCommand()
      : Command("demo", "Build the seed documentation's example in the staging area",
                "Build the seed example in the staging area: upload test_upload with raw file "
                "external.h5 (/path/to/data = arange(12) as 3x4 float64) and entry test_entry with "
                "data.value = eye(5) and data.value_external = 'external.h5#/path/to/data', saved "
                "as archive/test_entry.{h5,json}") {}
  void add_options(CLI::App&) override {}
  int run(const GlobalOptions& global, Streams io) override;
};

int DemoCommand::run(const GlobalOptions& global, Streams io) {
  std::ostream& out = io.out;
  const std::string upload = "test_upload";
  const std::string entry = "test_entry";
  StagingArea area = global.staging_area();
  area.create_upload(upload);

  // The raw file a user would have uploaded.
  auto raw_file = area.raw_file_path(upload, "external.h5");
  std::vector<double> values(12);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i);
  write_dataset(raw_file, "/path/to/data", Array::of(values, {3, 4}));

  // class LargeData(ArchiveSection): value_external, value = Quantity(type=HDF5Reference)
  auto large_data = SectionDef("LargeData")
                        .quantity(QuantityDef::hdf5_reference("value_external"))
                        .quantity(QuantityDef::hdf5_reference("value"))
                        .shared();
  EntryArchive archive(large_data, EntryMetadata{upload, entry, std::nullopt}, area);
  archive.data().set("value_external", "external.h5#/path/to/data");
  archive.data().set("value", Array::eye(5));
  archive.save();

  out << "staging root: " << area.root().string() << "\n"
      << "wrote " << raw_file.string() << "  (/path/to/data: float64 (3, 4))\n"
      << "wrote " << archive.hdf5_file().string()
      << "  (/data/value: float64 (5, 5); /data/value_external: external link)\n"
      << "wrote " << area.archive_json_path(upload, entry).string() << "\n"
      << "data.value          = " << archive.data().string("value") << "\n"
      << "data.value_external = " << archive.data().string("value_external") << "\n";
  return 0;
}

}  // namespace

std::unique_ptr<Command> make_demo_command() { return std::make_unique<DemoCommand>(); }

}  // namespace h5archive::cli
