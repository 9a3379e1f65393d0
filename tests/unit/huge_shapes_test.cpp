// Hostile sizes at every entry point: a 128-byte .npy whose header claims
// (2**40, 2**40), HDF5 datasets whose dims overflow 64 bits (chunked and
// never written, so the file stays a few KiB), datasets that fit 64 bits but
// not memory, and selections, slabs and writer extents that overflow. Each is
// a ValueError naming the file and shape, before anything is allocated.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "h5archive/dataset_io.hpp"
#include "h5archive/npy.hpp"
#include "h5archive/quantity_metadata.hpp"
#include "h5archive/quantity_writer.hpp"
#include "h5archive/selection.hpp"
#include "hdf5_handle.hpp"
#include "test_support.hpp"

namespace h5archive {
namespace {

using detail::Hid;
using ::testing::HasSubstr;
using testing::message_of;
using testing::TempDir;
namespace fs = std::filesystem;

constexpr std::uint64_t k2_40 = std::uint64_t{1} << 40;
const char* const kHugeShape = "(1099511627776, 1099511627776)";

// A version 1.0 .npy file of exactly 128 bytes: header only, no data.
fs::path npy_with_header(const fs::path& dir, const std::string& name, const std::string& dict) {
  std::string header = dict;
  const std::size_t total = 128;
  header.append(total - 10 - header.size() - 1, ' ');
  header += '\n';
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size() & 0xFF);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  const fs::path path = dir / name;
  std::ofstream(path, std::ios::binary) << bytes;
  EXPECT_EQ(fs::file_size(path), total);
  return path;
}

TEST(HugeNpy, ShapeWhoseCountOverflowsIsRefusedNamingFileAndShape) {
  TempDir dir;
  const fs::path p = npy_with_header(
      dir.path(), "huge.npy",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }");
  const std::string expected = "The .npy file " + p.string() + " (<f8) has shape " +
                               std::string(kHugeShape) +
                               ": its element count does not fit in 64 bits";
  EXPECT_EQ(message_of<ValueError>([&] { read_npy_header(p); }), expected);
  EXPECT_EQ(message_of<ValueError>([&] { NpyReader reader(p); }), expected);
  EXPECT_EQ(message_of<ValueError>([&] { read_npy(p); }), expected);
}

TEST(HugeNpy, ShapeWhoseBytesOverflowIsRefused) {
  TempDir dir;
  // 2**61 float64: the count fits, 2**64 bytes do not.
  const fs::path p = npy_with_header(
      dir.path(), "bytes.npy",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }");
  EXPECT_THAT(message_of<ValueError>([&] { read_npy_header(p); }),
              HasSubstr(p.string() + " (<f8) has shape (2305843009213693952,) of 8-byte elements: "
                                     "its size in bytes does not fit in 64 bits"));
  // U<n>: 4 bytes per code point.
  const fs::path u = npy_with_header(
      dir.path(), "unicode.npy",
      "{'descr': '<U1099511627776', 'fortran_order': False, 'shape': (8388608,), }");
  EXPECT_THAT(message_of<ValueError>([&] { read_npy_header(u); }),
              HasSubstr("its size in bytes does not fit in 64 bits"));
}

TEST(HugeNpy, ShapeThatFitsButNotTheFileReportsTheTrueByteCount) {
  TempDir dir;
  const fs::path p =
      npy_with_header(dir.path(), "big.npy",
                      "{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }");
  EXPECT_EQ(message_of<ValueError>([&] { read_npy_header(p); }),
            "Invalid .npy file " + p.string() +
                ": data shorter than the shape says: (1099511627776,) of <f8 needs 8796093022208 "
                "bytes, the file has 0");
}

TEST(HugeNpy, AppendingRowsWhoseBytesOverflowIsRefused) {
  TempDir dir;
  NpyWriter writer(dir.path() / "out.npy", DType::float64, Shape{k2_40, k2_40});
  const double one = 1;
  EXPECT_THAT(message_of<ValueError>([&] { writer.append_raw(&one, 1); }),
              HasSubstr("Rows appended to " + (dir.path() / "out.npy").string() +
                        " has shape (1, 1099511627776, 1099511627776)"));
}

// A file with chunked, never written datasets of huge shapes: HDF5 takes
// such dims (it does not check their product) and the file stays tiny.
class HugeDatasets : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = dir_.path() / "huge.h5";
    Hid f(H5Fcreate(file_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    ASSERT_TRUE(f);
    create(f.get(), "/x", {k2_40, k2_40}, {1024, 1024});
    create(f.get(), "/bytes", {std::uint64_t{1} << 61, 4}, {1024, 4});
    create(f.get(), "/big", {k2_40}, {1024});
    create(f.get(), "/rows", {2, k2_40}, {1, 1024});
    ASSERT_GE(f.close(), 0);
  }

  void TearDown() override {
    // Nothing was written or allocated for the data.
    EXPECT_LT(fs::file_size(file_), 64u << 10);
  }

  static void create(hid_t f, const char* name, std::vector<hsize_t> dims,
                     std::vector<hsize_t> chunks) {
    Hid space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
    Hid dcpl(H5Pcreate(H5P_DATASET_CREATE));
    ASSERT_GE(H5Pset_chunk(dcpl.get(), static_cast<int>(chunks.size()), chunks.data()), 0);
    ASSERT_GE(H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_LATE), 0);
    Hid d(
        H5Dcreate2(f, name, H5T_NATIVE_DOUBLE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT));
    ASSERT_TRUE(d) << name;
  }

  std::string overflow_of(const std::string& dataset) const {
    return "Dataset " + dataset + " in " + file_.string() + " has shape " + kHugeShape +
           ": its element count does not fit in 64 bits";
  }

  TempDir dir_;
  fs::path file_;
};

TEST_F(HugeDatasets, CountOverflowIsRefusedByEveryReader) {
  const std::string expected = overflow_of("/x");
  EXPECT_EQ(message_of<ValueError>([&] { dataset_info(file_, "/x"); }), expected);
  EXPECT_EQ(message_of<ValueError>([&] { read_quantity_metadata(file_, "/x"); }), expected);
  EXPECT_EQ(message_of<ValueError>([&] { read_dataset(file_, "/x"); }), expected);
  EXPECT_EQ(message_of<ValueError>([&] {
              read_dataset(file_, "/x", Hyperslab{{0, 0}, {1, 1}});
            }),
            expected);
  EXPECT_EQ(message_of<ValueError>([&] { read_selection(file_, "/x", parse_selection("0, 0")); }),
            expected);
  double v = 0;
  const StridedSlab one{{0, 0}, {1, 1}, {1, 1}, {1, 1}};
  EXPECT_EQ(message_of<ValueError>([&] { read_dataset_strided(file_, "/x", one); }), expected);
  EXPECT_EQ(message_of<ValueError>(
                [&] { read_dataset_into(file_, "/x", one, &v, sizeof v, DType::float64); }),
            expected);
}

TEST_F(HugeDatasets, ByteOverflowIsRefused) {
  EXPECT_EQ(message_of<ValueError>([&] { dataset_info(file_, "/bytes"); }),
            "Dataset /bytes in " + file_.string() +
                " has shape (2305843009213693952, 4) of 8-byte elements: its size in bytes does "
                "not fit in 64 bits");
}

TEST_F(HugeDatasets, TooLargeForMemoryIsRefusedBeforeReadingButSlicesRead) {
  // 8 TiB fits 64 bits: the metadata reads, the whole does not.
  EXPECT_EQ(dataset_info(file_, "/big").shape, Shape{k2_40});
  EXPECT_EQ(read_quantity_metadata(file_, "/big").shape, Shape{k2_40});
  const std::string needs = "Reading Dataset /big in " + file_.string() +
                            " (float64) of shape (1099511627776,) needs 8.0 TiB (8796093022208 "
                            "bytes) in memory at once, more than this process may allocate";
  EXPECT_THAT(message_of<ValueError>([&] { read_dataset(file_, "/big"); }), HasSubstr(needs));
  EXPECT_THAT(message_of<ValueError>([&] { read_selection(file_, "/big", {}); }), HasSubstr(needs));
  EXPECT_THAT(message_of<ValueError>([&] {
                read_dataset(file_, "/big", Hyperslab{{0}, {k2_40}});
              }),
              HasSubstr(needs));
  EXPECT_THAT(message_of<ValueError>([&] { read_selection(file_, "/rows", parse_selection("1")); }),
              HasSubstr("of shape (1099511627776,) needs 8.0 TiB"));
  // A slice is read (the fill value: chunks never written).
  const Array head = read_selection(file_, "/big", parse_selection("5:8"));
  EXPECT_EQ(head, Array::of<double>({0, 0, 0}));
  const Array tail = read_selection(file_, "/big", parse_selection("-2:"));
  EXPECT_EQ(tail.shape(), Shape{2});
}

TEST_F(HugeDatasets, SlabWhoseResultShapeOverflowsIsRefused) {
  // A caller-made slab whose result shape does not match its count.
  const StridedSlab bad{{0}, {1}, {1}, {k2_40, k2_40}};
  double v = 0;
  EXPECT_THAT(message_of<ValueError>(
                  [&] { read_dataset_into(file_, "/big", bad, &v, sizeof v, DType::float64); }),
              HasSubstr(std::string("has shape ") + kHugeShape +
                        ": its element count does not fit in 64 bits"));
}

TEST(HugeSelection, OnAShapeWhoseCountOverflowsIsRefused) {
  EXPECT_EQ(message_of<ValueError>([] {
              resolve(parse_selection(":, 0:3"), Shape{k2_40, k2_40});
            }),
            "Invalid selection ':, 0:3': the dataset has shape (1099511627776, "
            "1099511627776): its element count does not fit in 64 bits");
}

TEST(HugeSelection, DimensionsAboveInt64MaxResolveWithoutWrapping) {
  const std::uint64_t n = (std::uint64_t{1} << 63) + 5;
  StridedSlab s = resolve(parse_selection("-1"), Shape{n});
  EXPECT_EQ(s.start, std::vector<std::uint64_t>{n - 1});
  EXPECT_EQ(s.count, std::vector<std::uint64_t>{1});
  s = resolve(parse_selection("-2:"), Shape{n});
  EXPECT_EQ(s.start, std::vector<std::uint64_t>{n - 2});
  EXPECT_EQ(s.result_shape, Shape{2});
  // A step near INT64_MAX over a dimension near 2**64: ceil without overflow.
  const std::uint64_t m = ~std::uint64_t{0};
  s = resolve(parse_selection("0::9223372036854775807"), Shape{m});
  EXPECT_EQ(s.result_shape, Shape{3});  // 0, 2**63 - 1, 2**64 - 2
  EXPECT_THAT(
      message_of<ValueError>([] { resolve(parse_selection("-9223372036854775808"), Shape{5}); }),
      HasSubstr("index -9223372036854775808 is out of bounds for axis 0 with size 5"));
}

TEST(HugeWriterExtent, IsRefusedBeforeTheFileIsTouched) {
  TempDir dir;
  const fs::path file = dir.path() / "w.h5";
  EXPECT_EQ(message_of<ValueError>([&] {
              QuantityWriter w(file, "/q", DType::float64, Extent::fixed({k2_40, k2_40}));
            }),
            "dataset /q in " + file.string() + " has shape " + kHugeShape +
                ": its element count does not fit in 64 bits");
  EXPECT_THAT(message_of<ValueError>([&] {
                QuantityWriter w(file, "/q", DType::float64,
                                 Extent::unlimited({std::uint64_t{1} << 61, 4}));
              }),
              HasSubstr("its size in bytes does not fit in 64 bits"));
  EXPECT_FALSE(fs::exists(file));
}

}  // namespace
}  // namespace h5archive
