// QuantityWriter's whole-chunk writes (H5Dwrite_chunk): blocks that start or
// end inside a chunk, overwrites of chunks HDF5 holds in its cache, cast
// blocks and reassignments read back exactly as written.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <numeric>

#include "h5archive/dataset_io.hpp"
#include "h5archive/quantity_writer.hpp"
#include "hdf5_handle.hpp"
#include "test_support.hpp"

namespace h5archive {
namespace {

using testing::TempDir;

std::vector<double> iota_doubles(std::size_t n, double from) {
  std::vector<double> v(n);
  std::iota(v.begin(), v.end(), from);
  return v;
}

hsize_t allocated_chunks(const std::filesystem::path& file, const std::string& path) {
  detail::Hid f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  detail::Hid d(H5Dopen2(f.get(), path.c_str(), H5P_DEFAULT));
  detail::Hid space(H5Dget_space(d.get()));
  hsize_t n = 0;
  EXPECT_GE(H5Dget_num_chunks(d.get(), space.get(), &n), 0);
  return n;
}

WriterOptions chunks_of(Shape chunks) {
  WriterOptions o;
  o.chunks = std::move(chunks);
  return o;
}

TEST(QuantityWriterChunks, UnevenBlocksAcrossChunkBoundaries) {
  TempDir dir;
  auto file = dir.path() / "a.h5";
  QuantityWriter w(file, "/v", DType::float64, Extent::unlimited({2}), chunks_of({4, 2}));
  double next = 0;
  for (std::uint64_t rows : {3, 10, 4, 1, 9}) {
    w.append(Array::of(iota_doubles(rows * 2, next), {rows, 2}));
    next += static_cast<double>(rows * 2);
  }
  const QuantityMetadata md = w.finish();
  EXPECT_EQ(md.shape, (Shape{27, 2}));
  EXPECT_EQ(read_dataset(file, "/v"), Array::of(iota_doubles(54, 0), {27, 2}));
  EXPECT_EQ(allocated_chunks(file, "/v"), 7u);
  ASSERT_TRUE(md.statistics);
  EXPECT_EQ(as_double(*md.statistics->min()), 0.0);
  EXPECT_EQ(as_double(*md.statistics->max()), 53.0);
  EXPECT_DOUBLE_EQ(*md.statistics->mean(), 26.5);
}

TEST(QuantityWriterChunks, WholeChunkOverwritesWhatTheCacheHolds) {
  TempDir dir;
  auto file = dir.path() / "a.h5";
  QuantityWriter w(file, "/v", DType::int32, Extent::fixed({12, 2}), chunks_of({4, 2}));
  // Rows 1-2 go through the chunk cache; rows 0-7 then replace chunks 0
  // and 1 whole: the cached rows must not come back at the close.
  w.write(Array::of(std::vector<std::int32_t>{-1, -1, -1, -1}, {2, 2}), {1, 0});
  std::vector<std::int32_t> whole(16);
  std::iota(whole.begin(), whole.end(), 100);
  w.write(Array::of(whole, {8, 2}), {0, 0});
  w.write(Array::of(std::vector<std::int32_t>{7, 8, 9, 10}, {2, 2}), {9, 0});
  w.finish();
  std::vector<std::int32_t> expected(24, 0);
  std::copy(whole.begin(), whole.end(), expected.begin());
  for (int i = 0; i < 4; ++i) expected[18 + i] = 7 + i;
  EXPECT_EQ(read_dataset(file, "/v"), Array::of(expected, {12, 2}));
}

TEST(QuantityWriterChunks, CastBlocksAndReassignmentsKeepTheirValues) {
  TempDir dir;
  auto file = dir.path() / "a.h5";
  {
    QuantityWriter w(file, "/v", DType::float64, Extent::unlimited(), chunks_of({8}));
    w.append(Array::of(std::vector<std::int32_t>(20, 3)));  // cast, then whole chunks
    w.finish();
  }
  EXPECT_EQ(read_dataset(file, "/v"), Array::of(std::vector<double>(20, 3.0)));
  // Reassigned: the staged copy has the old chunks; only the new rows stay.
  QuantityWriter w(file, "/v", DType::float64, Extent::unlimited());
  w.append(Array::of(iota_doubles(5, 1)));
  w.append(Array::of(iota_doubles(16, 6)));
  EXPECT_EQ(w.finish().shape, (Shape{21}));
  EXPECT_EQ(read_dataset(file, "/v"), Array::of(iota_doubles(21, 1)));
}

TEST(QuantityWriterChunks, ChunksOfPartRowsAndBoolsGoThroughHdf5) {
  TempDir dir;
  auto file = dir.path() / "a.h5";
  QuantityWriter w(file, "/v", DType::float64, Extent::unlimited({2}), chunks_of({4, 1}));
  w.append(Array::of(iota_doubles(16, 0), {8, 2}));
  w.finish();
  EXPECT_EQ(read_dataset(file, "/v"), Array::of(iota_doubles(16, 0), {8, 2}));
  QuantityWriter b(file, "/b", DType::boolean, Extent::unlimited(), chunks_of({2}));
  b.append(Array::of_bools({true, false, false, true, true}, {5}));
  b.finish();
  EXPECT_EQ(read_dataset(file, "/b"), Array::of_bools({true, false, false, true, true}, {5}));
}

TEST(QuantityWriterChunks, LargeBlocksGatherStatisticsAlongsideTheWrite) {
  // Blocks of 1 MiB and more gather their statistics on a second thread.
  TempDir dir;
  auto file = dir.path() / "a.h5";
  QuantityWriter w(file, "/v", DType::float64, Extent::unlimited({4}));
  double lo = INFINITY, hi = -INFINITY;
  long double sum = 0;  // extended precision: the reference mean
  std::uint64_t nans = 0, n = 0, i = 0;
  for (std::uint64_t rows : {40000, 70001, 3}) {
    std::vector<double> block(rows * 4);
    for (double& v : block) {
      v = i % 1009 == 0 ? NAN : std::sin(static_cast<double>(i)) * 1e3 + 1e6;
      ++i;
      if (std::isnan(v)) {
        ++nans;
        continue;
      }
      lo = std::min(lo, v), hi = std::max(hi, v), sum += v, ++n;
    }
    w.append(Array::of(block, {rows, 4}));
  }
  const Statistics s = *w.finish().statistics;
  EXPECT_EQ(s.count(), i);
  EXPECT_EQ(s.nan_count(), nans);
  EXPECT_EQ(as_double(*s.min()), lo);
  EXPECT_EQ(as_double(*s.max()), hi);
  EXPECT_NEAR(*s.mean(), static_cast<double>(sum / static_cast<long double>(n)), 1e-6);
}

}  // namespace
}  // namespace h5archive
