// Quantities from .npy files: streamed in blocks into a QuantityWriter or an
// entry, they read back equal, with the block sizes and progress expected.
#include "h5archive/npy_quantity.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "h5archive/dataset_io.hpp"
#include "test_support.hpp"

namespace h5archive {
namespace {

using testing::SilenceHDF5;
using testing::TempDir;

Array rows_of_floats(std::uint64_t rows, std::uint64_t columns) {
  std::vector<float> v(rows * columns);
  std::iota(v.begin(), v.end(), -3.5f);
  return Array::of(v, Shape{rows, columns});
}

TEST(NpyQuantity, AppendNpyRoundTripsInBlocks) {
  TempDir dir;
  const Array value = rows_of_floats(1001, 6);  // 24-byte rows
  write_npy(dir.path() / "v.npy", value);
  NpyReader reader(dir.path() / "v.npy");
  QuantityWriter writer(dir.path() / "q.h5", "/data/v", DType::float32,
                        npy_extent(reader.header(), false));
  std::vector<std::uint64_t> done;
  append_npy(reader, writer, 2400, [&](std::uint64_t d, std::uint64_t total) {
    EXPECT_EQ(total, 1001u * 24u);
    done.push_back(d);
  });
  EXPECT_EQ(reader.rows_remaining(), 0u);
  const QuantityMetadata m = writer.finish();
  EXPECT_EQ(m.shape, (Shape{1001, 6}));
  EXPECT_EQ(read_dataset(dir.path() / "q.h5", "/data/v"), value);
  // 100 rows per 2400-byte block: 10 full blocks and one of 1 row.
  ASSERT_EQ(done.size(), 11u);
  EXPECT_EQ(done[0], 2400u);
  EXPECT_EQ(done.back(), 1001u * 24u);
}

TEST(NpyQuantity, ExtentsOfNpyHeaders) {
  TempDir dir;
  write_npy(dir.path() / "v.npy", rows_of_floats(4, 3));
  write_npy(dir.path() / "s.npy", Array::scalar<std::int16_t>(7));
  const NpyHeader v = read_npy_header(dir.path() / "v.npy");
  EXPECT_EQ(npy_extent(v, false).str(), "(4, 3)");
  EXPECT_EQ(npy_extent(v, true).str(), "(None, 3)");
  const NpyHeader s = read_npy_header(dir.path() / "s.npy");
  EXPECT_EQ(npy_extent(s, true).str(), "()");
}

TEST(NpyQuantity, PutNpyQuantityRecordsTheEntry) {
  TempDir dir;
  SilenceHDF5 quiet;
  StagingArea area(dir.path());
  area.create_upload("up");
  const Array value = rows_of_floats(50, 4);
  write_npy(dir.path() / "v.npy", value);
  WriterOptions options;
  options.unit = "eV";
  const QuantityMetadata m = entry_files::put_npy_quantity(area, "up", "e1", "/data/spectrum",
                                                           dir.path() / "v.npy", options, 100);
  EXPECT_EQ(m.shape, (Shape{50, 4}));
  EXPECT_EQ(m.dtype, "float32");
  EXPECT_EQ(m.unit, "eV");
  const auto h5 = area.archive_hdf5_path("up", "e1");
  EXPECT_EQ(read_dataset(h5, "/data/spectrum"), value);
  EXPECT_EQ(entry_files::load_entry(area, "up", "e1")["data"]["spectrum"],
            "/uploads/up/archive/e1#/data/spectrum");

  const Array scalar = Array::scalar<std::int16_t>(7);
  write_npy(dir.path() / "s.npy", scalar);
  entry_files::put_npy_quantity(area, "up", "e1", "/data/n", dir.path() / "s.npy", {});
  EXPECT_EQ(read_dataset(h5, "/data/n"), scalar);
}

}  // namespace
}  // namespace h5archive
