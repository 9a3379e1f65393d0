// Test program for tests/e2e/swmr_readers_test.py: streams rows into an entry
// quantity in SWMR mode, slowly, so readers can watch it grow.
//
//   swmr_writer <root> <upload> <entry> <rows> <columns> <pause-ms>
//
// Row r holds r + 1 in every column (never 0, HDF5's fill value), so a reader
// that ever sees a row of another value has read something never written.
// After each append "rows N" is printed (and flushed); "done" at the end.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <vector>

#include "h5archive/entry_archive.hpp"
#include "h5archive/schema.hpp"

using namespace h5archive;

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: swmr_writer ROOT UPLOAD ENTRY ROWS COLUMNS PAUSE_MS\n";
    return 2;
  }
  try {
    const StagingArea area(argv[1]);
    const std::uint64_t rows = std::strtoull(argv[4], nullptr, 10);
    const std::uint64_t columns = std::strtoull(argv[5], nullptr, 10);
    const auto pause = std::chrono::milliseconds(std::strtol(argv[6], nullptr, 10));
    area.create_upload(argv[2]);
    auto def = SectionDef("Stream").quantity(QuantityDef::hdf5_reference("value")).shared();
    EntryArchive archive(def, {argv[2], argv[3], std::nullopt}, area);
    WriterOptions options;
    options.swmr = true;
    options.chunks = Shape{1, columns};
    QuantityWriter writer =
        archive.data().stream("value", DType::float64, Extent::unlimited({columns}), options);
    std::vector<double> row(columns);
    for (std::uint64_t r = 0; r < rows; ++r) {
      row.assign(columns, static_cast<double>(r + 1));
      writer.append(row.data(), Shape{1, columns}, DType::float64);
      std::cout << "rows " << r + 1 << std::endl;
      std::this_thread::sleep_for(pause);
    }
    writer.finish();
    archive.save();
    std::cout << "done" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "swmr_writer: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
