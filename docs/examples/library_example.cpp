// The worked example of docs/library.md, built and run by make test
// (tests/e2e/docs_example_test.sh checks that the page shows this code).
#include <h5archive/h5archive.hpp>

#include <cstdio>
#include <exception>

using namespace h5archive;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: library_example STAGING_ROOT\n");
    return 2;
  }
  try {
    // clang-format off
    // BEGIN docs/library.md
StagingArea area(argv[1]);                   // <root>/te/test_upload/{raw,archive}
area.create_upload("test_upload");
write_dataset(area.raw_file_path("test_upload", "external.h5"), "/path/to/data",
              Array::of<double>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4}));

// class LargeData(ArchiveSection): value_external, value = Quantity(type=HDF5Reference)
auto large_data = SectionDef("LargeData")
                      .quantity(QuantityDef::hdf5_reference("value_external"))
                      .quantity(QuantityDef::hdf5_reference("value"))
                      .shared();
EntryArchive archive(large_data, EntryMetadata{"test_upload", "test_entry", std::nullopt}, area);
archive.data().set("value_external", "external.h5#/path/to/data");
archive.data().set("value", Array::eye(5));
archive.data().string("value");   // "/uploads/test_upload/archive/test_entry#/data/value"
archive.save();                   // archive/test_entry.json

Array v = archive.data().read("value");                              // whole
Array row = archive.data().read("value", Hyperslab{{1, 0}, {1, 5}}); // a hyperslab
Array ext = archive.read_path("/data/value_external");                // through the link
EntryArchive again = EntryArchive::load(area, large_data, "test_upload", "test_entry");
    // END docs/library.md
    // clang-format on
    std::printf("value %s %s, value[1][1] %g\n", v.dtype_name().c_str(),
                shape_str(v.shape()).c_str(), v.values<double>()[6]);
    std::printf("row %s, external %s, reloaded %s\n", shape_str(row.shape()).c_str(),
                shape_str(ext.shape()).c_str(), again.data().string("value").c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "library_example: %s\n", e.what());
    return 1;
  }
}
