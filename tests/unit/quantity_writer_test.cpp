// QuantityWriter: appends, hyperslabs, reassignment, compression, chunks,
// statistics and bounded memory, checked against real HDF5 files.
#include "h5archive/quantity_writer.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>

#include "h5archive/dataset_io.hpp"
#include "hdf5_handle.hpp"
#include "test_support.hpp"

namespace h5archive {
namespace {

using testing::message_of;
using testing::SilenceHDF5;
using testing::TempDir;

std::vector<double> iota_doubles(std::size_t n, double from) {
  std::vector<double> v(n);
  std::iota(v.begin(), v.end(), from);
  return v;
}

// The dataset creation property list of a stored dataset, for layout checks.
detail::Hid dcpl_of(const std::filesystem::path& file, const std::string& path) {
  detail::Hid f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  detail::Hid d(H5Dopen2(f.get(), path.c_str(), H5P_DEFAULT));
  return detail::Hid(H5Dget_create_plist(d.get()));
}

TEST(QuantityWriter, AppendsGrowTheUnlimitedAxis) {
  TempDir dir;
  auto file = dir.path() / "a.h5";
  QuantityWriter w(file, "/data/value", DType::float64, Extent::unlimited({3}));
  EXPECT_EQ(w.shape(), (Shape{0, 3}));
  w.append(Array::of(iota_doubles(6, 0), {2, 3}));
  w.append(Array::of(iota_doubles(3, 6), {3}));                                   // one row
  w.append(Array::of(std::vector<std::int32_t>{9, 10, 11, 12, 13, 14}, {2, 3}));  // safe cast
  EXPECT_EQ(w.rows(), 5u);
  QuantityMetadata md = w.finish();
  EXPECT_EQ(md.shape, (Shape{5, 3}));
  EXPECT_EQ(md.dtype, "float64");
  EXPECT_EQ(read_dataset(file, "/data/value"), Array::of(iota_doubles(15, 0), {5, 3}));
}

TEST(QuantityWriter, HyperslabWritesAndKnownExtent) {
  TempDir dir;
  auto file = dir.path() / "a.h5";
  QuantityWriter w(file, "x", DType::int32, Extent::fixed({4, 4}));
  w.write(Array::of(std::vector<std::int32_t>{1, 2, 3, 4}, {2, 2}), {1, 2});
  w.write(Array::of(std::vector<std::int32_t>{7}, {1, 1}), {3, 0});
  const std::string msg = message_of<ValueError>([&] {
    w.write(Array::of(std::vector<std::int32_t>{1, 2, 3, 4}, {2, 2}), {3, 3});
  });
  EXPECT_NE(msg.find("Selection offset [3, 3] shape (2, 2) does not fit dataset /x in"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("of shape (4, 4)"), std::string::npos) << msg;
  QuantityMetadata md = w.finish();
  std::vector<std::int32_t> expected(16, 0);
  expected[6] = 1, expected[7] = 2, expected[10] = 3, expected[11] = 4, expected[12] = 7;
  EXPECT_EQ(read_dataset(file, "/x"), Array::of(expected, {4, 4}));
  // Statistics were computed over the stored data, unwritten zeros included.
  ASSERT_TRUE(md.statistics);
  EXPECT_EQ(md.statistics->count(), 16u);
  EXPECT_EQ(md.statistics->min(), StatisticValue(std::int64_t{0}));
  EXPECT_EQ(md.statistics->max(), StatisticValue(std::int64_t{7}));
  EXPECT_DOUBLE_EQ(*md.statistics->mean(), 17.0 / 16.0);
}

TEST(QuantityWriter, AppendChecksShapeAndDtype) {
  TempDir dir;
  SilenceHDF5 quiet;
  auto file = dir.path() / "a.h5";
  QuantityWriter w(file, "/v", DType::float32, Extent::unlimited({3}));
  std::string msg = message_of<TypeMismatchError>([&] {
    w.append(Array::of(iota_doubles(4, 0), {2, 2}));
  });
  EXPECT_NE(msg.find("Block of shape (2, 2) does not fit dataset /v in"), std::string::npos) << msg;
  EXPECT_NE(msg.find("of shape (None, 3): rows must have shape (3,)"), std::string::npos) << msg;
  msg = message_of<TypeMismatchError>([&] { w.append(Array::of(iota_doubles(3, 0), {1, 3})); });
  EXPECT_NE(msg.find("Datatypes cannot be safely cast (existing float32 vs new float64)"),
            std::string::npos)
      << msg;
  EXPECT_EQ(w.rows(), 0u);
  QuantityWriter fixed(file, "/f", DType::int64, Extent::fixed({2}));
  fixed.append(Array::of(std::vector<std::int64_t>{1, 2}));
  msg = message_of<ValueError>([&] { fixed.append(Array::of(std::vector<std::int64_t>{3})); });
  EXPECT_NE(msg.find("Appending 1 rows at row 2 overflows dataset /f"), std::string::npos) << msg;
}

TEST(QuantityWriter, ReassignmentFollowsNomadsRules) {
  TempDir dir;
  SilenceHDF5 quiet;
  auto file = dir.path() / "a.h5";
  write_dataset(file, "/data/value", Array::of(iota_doubles(3, 0)));
  std::string msg = message_of<TypeMismatchError>(
      [&] { QuantityWriter(file, "/data/value", DType::float64, Extent::fixed({4})); });
  EXPECT_NE(msg.find("Shapes do not match (existing (3,) vs new (4,)) for dataset /data/value"),
            std::string::npos)
      << msg;
  msg = message_of<TypeMismatchError>(
      [&] { QuantityWriter(file, "/data/value", DType::float64, Extent::unlimited()); });
  EXPECT_NE(msg.find("Shapes do not match (existing (3,) vs new (None,))"), std::string::npos)
      << msg;
  msg = message_of<TypeMismatchError>(
      [&] { QuantityWriter(file, "/data/value", DType::complex128, Extent::fixed({3})); });
  EXPECT_NE(msg.find("Datatypes cannot be safely cast (existing float64 vs new complex128)"),
            std::string::npos)
      << msg;
  msg = message_of<TypeMismatchError>(
      [&] { QuantityWriter(file, "/data", DType::float64, Extent::fixed({3})); });
  EXPECT_NE(msg.find("Incompatible object (Group) already exists at /data"), std::string::npos)
      << msg;
  EXPECT_EQ(read_dataset(file, "/data/value"), Array::of(iota_doubles(3, 0)));

  // Same shape, int32 into the stored float64: allowed, float64 kept.
  QuantityWriter w(file, "/data/value", DType::int32, Extent::fixed({3}));
  w.append(Array::of(std::vector<std::int32_t>{5, 6, 7}));
  EXPECT_EQ(w.finish().dtype, "float64");
  EXPECT_EQ(read_dataset(file, "/data/value"), Array::of(std::vector<double>{5, 6, 7}));

  // An unlimited dataset rewritten with fewer rows keeps only the new rows.
  {
    QuantityWriter u(file, "/u", DType::int16, Extent::unlimited({2}));
    u.append(Array::of(std::vector<std::int16_t>{1, 2, 3, 4, 5, 6}, {3, 2}));
    u.finish();
  }
  QuantityWriter u(file, "/u", DType::int16, Extent::unlimited({2}));
  u.append(Array::of(std::vector<std::int16_t>{9, 8}, {1, 2}));
  QuantityMetadata md = u.finish();
  EXPECT_EQ(md.shape, (Shape{1, 2}));
  EXPECT_EQ(md.statistics->count(), 2u);
  EXPECT_EQ(read_dataset(file, "/u"), Array::of(std::vector<std::int16_t>{9, 8}, {1, 2}));
  msg = message_of<TypeMismatchError>(
      [&] { QuantityWriter(file, "/u", DType::int16, Extent::unlimited({3})); });
  EXPECT_NE(msg.find("Shapes do not match (existing (None, 2) vs new (None, 3))"),
            std::string::npos)
      << msg;
}

TEST(QuantityWriter, DeflateWithShuffleRoundTrips) {
  TempDir dir;
  auto file = dir.path() / "c.h5";
  WriterOptions o;
  o.compression = Compression::deflate(6, true);
  QuantityWriter w(file, "/z", DType::float64, Extent::unlimited({10}), o);
  for (int i = 0; i < 5; ++i) w.append(Array::of(iota_doubles(1000, i * 1000.0), {100, 10}));
  QuantityMetadata md = w.finish();
  EXPECT_EQ(md.compression, Compression::deflate(6, true));
  EXPECT_EQ(read_dataset(file, "/z"), Array::of(iota_doubles(5000, 0), {500, 10}));
  detail::Hid dcpl = dcpl_of(file, "/z");
  ASSERT_EQ(H5Pget_nfilters(dcpl.get()), 2);
  unsigned flags = 0, values[4] = {};
  std::size_t n = 4;
  EXPECT_EQ(H5Pget_filter2(dcpl.get(), 0, &flags, &n, values, 0, nullptr, nullptr),
            H5Z_FILTER_SHUFFLE);
  n = 4;
  EXPECT_EQ(H5Pget_filter2(dcpl.get(), 1, &flags, &n, values, 0, nullptr, nullptr),
            H5Z_FILTER_DEFLATE);
  EXPECT_EQ(values[0], 6u);
}

TEST(QuantityWriter, DefaultChunksAreAboutOneMebibyte) {
  EXPECT_EQ(default_chunks(DType::float64, Extent::unlimited()), (Shape{131072}));
  EXPECT_EQ(default_chunks(DType::float64, Extent::unlimited({1024})), (Shape{128, 1024}));
  EXPECT_EQ(default_chunks(DType::float32, Extent::fixed({10, 100})), (Shape{10, 100}));
  EXPECT_EQ(default_chunks(DType::uint8, Extent::fixed({0, 7})), (Shape{1, 7}));
  // One row of 8 MiB: trailing dimensions are cut down too.
  Shape big = default_chunks(DType::float64, Extent::unlimited({1024, 1024}));
  EXPECT_EQ(big[0], 1u);
  EXPECT_LE(8 * element_count(big), 1u << 20);
  EXPECT_GE(8 * element_count(big), 1u << 19);

  TempDir dir;
  auto file = dir.path() / "k.h5";
  WriterOptions o;
  o.chunks = Shape{7, 3};
  QuantityWriter(file, "/o", DType::int8, Extent::unlimited({3}), o).finish();
  EXPECT_EQ(read_quantity_metadata(file, "/o").chunks, (Shape{7, 3}));
  EXPECT_EQ(QuantityWriter(file, "/d", DType::float64, Extent::unlimited({1024})).finish().chunks,
            (Shape{128, 1024}));
  o.chunks = Shape{0, 3};
  const std::string msg = message_of<ValueError>(
      [&] { QuantityWriter(file, "/bad", DType::int8, Extent::unlimited({3}), o); });
  EXPECT_NE(msg.find("Chunk shape (0, 3) does not fit dataset /bad"), std::string::npos) << msg;
}

TEST(QuantityWriter, StatisticsMatchAnIndependentComputation) {
  TempDir dir;
  auto file = dir.path() / "s.h5";
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> all;
  QuantityWriter w(file, "/f", DType::float64, Extent::unlimited());
  for (int b = 0; b < 7; ++b) {
    std::vector<double> block;
    for (int i = 0; i < 1000; ++i)
      block.push_back(i % 97 == 0 ? nan : std::sin(b * 1000.0 + i) * 1e3 + 1e6);
    all.insert(all.end(), block.begin(), block.end());
    w.append(Array::of(block));
  }
  QuantityMetadata md = w.finish();
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  std::uint64_t nans = 0, n = 0;
  for (double v : all) {
    if (std::isnan(v)) {
      ++nans;
      continue;
    }
    lo = std::min(lo, v), hi = std::max(hi, v), sum += v, ++n;
  }
  ASSERT_TRUE(md.statistics);
  const Statistics& s = *md.statistics;
  EXPECT_EQ(s.count(), all.size());
  EXPECT_EQ(s.nan_count(), nans);
  EXPECT_EQ(as_double(*s.min()), lo);
  EXPECT_EQ(as_double(*s.max()), hi);
  EXPECT_NEAR(*s.mean(), sum / static_cast<double>(n), 1e-9);

  // Integers: exact 64-bit extremes.
  QuantityWriter iw(file, "/i", DType::int64, Extent::unlimited());
  iw.append(Array::of(std::vector<std::int64_t>{5, std::numeric_limits<std::int64_t>::max(), -3}));
  iw.append(Array::of(std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min() + 1}));
  Statistics is = *iw.finish().statistics;
  EXPECT_EQ(is.min(), StatisticValue(std::numeric_limits<std::int64_t>::min() + 1));
  EXPECT_EQ(is.max(), StatisticValue(std::numeric_limits<std::int64_t>::max()));

  // Empty and all-NaN: counts only.
  Statistics es =
      *QuantityWriter(file, "/e", DType::float32, Extent::unlimited()).finish().statistics;
  EXPECT_EQ(es.count(), 0u);
  EXPECT_FALSE(es.min());
  EXPECT_FALSE(es.mean());
  QuantityWriter nw(file, "/n", DType::float64, Extent::unlimited());
  nw.append(Array::of(std::vector<double>{nan, nan}));
  Statistics ns = *nw.finish().statistics;
  EXPECT_EQ(ns.nan_count(), 2u);
  EXPECT_FALSE(ns.max());

  // Bool: min/max as bools; complex: count only.
  QuantityWriter bw(file, "/b", DType::boolean, Extent::unlimited());
  bw.append(Array::of_bools({true, true, false}, {3}));
  Statistics bs = *bw.finish().statistics;
  EXPECT_EQ(bs.min(), StatisticValue(false));
  EXPECT_EQ(bs.max(), StatisticValue(true));
  EXPECT_NEAR(*bs.mean(), 2.0 / 3.0, 1e-15);
  QuantityWriter cw(file, "/c", DType::complex128, Extent::unlimited());
  cw.append(Array::of(std::vector<std::complex<double>>{{1, 2}, {3, 4}}));
  Statistics cs = *cw.finish().statistics;
  EXPECT_EQ(cs.count(), 2u);
  EXPECT_FALSE(cs.min());
}

TEST(QuantityWriter, StatisticsAgreeWithNumpy) {
  const char* python = std::getenv("H5ARCHIVE_PYTHON");
  std::string py = python ? python : "";
  if (py.empty()) {
    py = std::string(std::getenv("HOME")) + "/.cache/h5archive/venv-hdf5-1.14.5/bin/python";
  }
  if (!std::filesystem::exists(py)) GTEST_SKIP() << "no venv python at " << py;
  TempDir dir;
  auto file = dir.path() / "np.h5";
  QuantityWriter w(file, "/v", DType::float32, Extent::unlimited({4}));
  for (int b = 0; b < 5; ++b) {
    std::vector<float> block;
    for (int i = 0; i < 400; ++i) block.push_back(static_cast<float>(std::cos(b * 400 + i) * 50));
    w.append(Array::of(block, {100, 4}));
  }
  const Statistics s = *w.finish().statistics;
  auto out = dir.path() / "out.txt";
  // No plugin path: h5py would load the (possibly instrumented) connector.
  const std::string cmd = "env -u HDF5_PLUGIN_PATH -u HDF5_VOL_CONNECTOR " + py +
                          " -c \"import h5py,numpy as np; d=h5py.File('" + file.string() +
                          "','r')['v'][()].astype(np.float64); print(d.size, repr(d.min()), "
                          "repr(d.max()), repr(d.mean()))\" > " +
                          out.string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(out);
  std::uint64_t count = 0;
  std::string lo, hi, mean;
  in >> count >> lo >> hi >> mean;
  auto num = [](std::string t) {
    if (t.starts_with("np.float64(")) t = t.substr(11, t.size() - 12);
    return std::stod(t);
  };
  EXPECT_EQ(s.count(), count);
  EXPECT_EQ(as_double(*s.min()), num(lo));
  EXPECT_EQ(as_double(*s.max()), num(hi));
  EXPECT_NEAR(*s.mean(), num(mean), 1e-12);
}

std::uint64_t peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmHWM:")) return std::stoull(line.substr(6));
  return 0;
}

TEST(QuantityWriter, MemoryStaysBoundedByTheBlock) {
  TempDir dir;
  auto file = dir.path() / "big.h5";
  constexpr std::uint64_t kBlockRows = 512 * 1024;  // 4 MiB of float64
  std::vector<double> block(kBlockRows);
  const std::uint64_t before = peak_rss_kib();
  {
    QuantityWriter w(file, "/big", DType::float64, Extent::unlimited());
    for (int b = 0; b < 64; ++b) {  // 256 MiB
      std::iota(block.begin(), block.end(), static_cast<double>(b * kBlockRows));
      w.append(block.data(), Shape{kBlockRows}, DType::float64);
    }
    QuantityMetadata md = w.finish();
    EXPECT_EQ(md.shape, (Shape{64 * kBlockRows}));
    EXPECT_EQ(as_double(*md.statistics->max()), 64.0 * kBlockRows - 1);
  }
  const std::uint64_t growth = peak_rss_kib() - before;
  EXPECT_LT(growth, 40u * 1024) << "peak RSS grew by " << growth << " KiB";
  const auto last = read_dataset(file, "/big", Hyperslab{{64 * kBlockRows - 2}, {2}});
  EXPECT_EQ(last, Array::of(std::vector<double>{64.0 * kBlockRows - 2, 64.0 * kBlockRows - 1}));
}

// Without finish() nothing of the new value reaches its path (an exception
// unwinding through the writer must not leave half a value), except in SWMR
// mode, where readers have been seeing the rows all along.
TEST(QuantityWriter, DestructorAndAbortDropAnUnfinishedValue) {
  TempDir dir;
  auto file = dir.path() / "d.h5";
  SilenceHDF5 quiet;
  {
    QuantityWriter w(file, "/dropped", DType::int8, Extent::unlimited());
    w.append(Array::of(std::vector<std::int8_t>{1, 2}));
  }
  EXPECT_THROW(read_dataset(file, "/dropped"), NotFoundError);
  {
    WriterOptions swmr;
    swmr.swmr = true;
    QuantityWriter w(dir.path() / "s.h5", "/kept", DType::int8, Extent::unlimited(), swmr);
    w.append(Array::of(std::vector<std::int8_t>{1, 2}));
  }
  EXPECT_EQ(read_dataset(dir.path() / "s.h5", "/kept"), Array::of(std::vector<std::int8_t>{1, 2}));
  QuantityWriter w(file, "/gone", DType::int8, Extent::unlimited());
  w.append(Array::of(std::vector<std::int8_t>{1}));
  w.abort();
  EXPECT_THROW(read_dataset(file, "/gone"), NotFoundError);
  EXPECT_NE(message_of<ValueError>([&] {
              w.append(Array::of(std::vector<std::int8_t>{1}));
            }).find("the writer is finished or closed"),
            std::string::npos);
}

// SWMR mode: a reader opened with H5F_ACC_SWMR_READ while the writer runs
// sees each appended row after it is flushed; finish() writes the final
// statistics in place (no object may be created in SWMR mode).
TEST(QuantityWriterSwmr, ReaderSeesAppendedRowsAndFinalStatistics) {
  TempDir dir;
  auto file = dir.path() / "s.h5";
  WriterOptions options;
  options.swmr = true;
  options.unit = "eV";
  QuantityWriter w(file, "/data/value", DType::float64, Extent::unlimited({2}), options);
  w.append(Array::of(iota_doubles(4, 1), {2, 2}));
  detail::Hid f(H5Fopen(file.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT));
  ASSERT_TRUE(f) << "a SWMR reader opens the file while it is written";
  detail::Hid d(H5Dopen2(f.get(), "/data/value", H5P_DEFAULT));
  const auto rows_seen = [&] {
    EXPECT_GE(H5Drefresh(d.get()), 0);
    detail::Hid space(H5Dget_space(d.get()));
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    return dims[0];
  };
  EXPECT_EQ(rows_seen(), 2u);
  w.append(Array::of(iota_doubles(2, 5), {1, 2}));
  EXPECT_EQ(rows_seen(), 3u);
  const QuantityMetadata md = w.finish();  // the reader still holds the file
  d.close();
  f.close();
  EXPECT_EQ(md.shape, (Shape{3, 2}));
  EXPECT_EQ(md.unit, "eV");
  ASSERT_TRUE(md.statistics);
  EXPECT_EQ(md.statistics->count(), 6u);
  EXPECT_EQ(as_double(*md.statistics->max()), 6.0);
  EXPECT_EQ(read_dataset(file, "/data/value"), Array::of(iota_doubles(6, 1), {3, 2}));
}

TEST(QuantityWriterSwmr, NoRowsEndsSwmrAndWritesCountOnly) {
  TempDir dir;
  auto file = dir.path() / "s.h5";
  WriterOptions options;
  options.swmr = true;
  QuantityWriter w(file, "x", DType::int16, Extent::unlimited({3}), options);
  const QuantityMetadata md = w.finish();
  ASSERT_TRUE(md.statistics);
  EXPECT_EQ(md.statistics->count(), 0u);
  EXPECT_FALSE(md.statistics->min());
  EXPECT_EQ(md.shape, (Shape{0, 3}));
}

TEST(QuantityWriterSwmr, RefusesUnchunkedDatasetsAndOldFileFormats) {
  TempDir dir;
  SilenceHDF5 quiet;
  WriterOptions options;
  options.swmr = true;
  auto scalar = dir.path() / "scalar.h5";
  EXPECT_EQ(message_of<ValueError>(
                [&] { QuantityWriter(scalar, "s", DType::float64, Extent::fixed({}), options); }),
            "dataset /s in " + scalar.string() +
                " of shape () is not chunked, so it cannot be written in SWMR mode");
  {
    detail::Hid f(H5Fopen(scalar.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    EXPECT_EQ(H5Lexists(f.get(), "s", H5P_DEFAULT), 0) << "the refused dataset is removed";
  }
  // A file written in the default format cannot be written in SWMR mode: its
  // superblock is version 0 in HDF5 1.14, version 2 (1.8's) in 2.x.
  auto old = dir.path() / "old.h5";
  write_dataset(old, "/other", Array::of(iota_doubles(3, 0), {3}));
  unsigned major = 0, minor = 0, release = 0;
  ASSERT_GE(H5get_libversion(&major, &minor, &release), 0);
  EXPECT_EQ(message_of<ValueError>(
                [&] { QuantityWriter(old, "v", DType::float64, Extent::unlimited({2}), options); }),
            old.string() + " is in a file format older than HDF5 1.10's (superblock version " +
                (major >= 2 ? "2" : "0") +
                "), which SWMR cannot write: convert it (h5format_convert) or write without SWMR");
  detail::Hid f(H5Fopen(old.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  EXPECT_EQ(H5Lexists(f.get(), "v", H5P_DEFAULT), 0) << "nothing is written to a refused file";
  EXPECT_GT(H5Lexists(f.get(), "other", H5P_DEFAULT), 0);
}

}  // namespace
}  // namespace h5archive
