// Streaming selections of a real dataset in blocks: the bytes streamed are
// the dataset's (or the selection's), blocks respect the block size, and
// .npy files written this way read back equal.
#include "h5archive/selection_stream.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>

#include "h5archive/npy.hpp"
#include "test_support.hpp"

namespace h5archive {
namespace {

using testing::message_of;
using testing::SilenceHDF5;
using testing::TempDir;

class SelectionStream : public ::testing::Test {
 protected:
  SelectionStream() {
    std::vector<std::int64_t> v(1000 * 7);
    std::iota(v.begin(), v.end(), 0);
    cube_ = Array::of(v, Shape{1000, 7});
    write_dataset(file_, "/data/cube", cube_);
    write_dataset(file_, "/data/names", Array::of_strings({"a", "bb"}, Shape{2}));
    write_dataset(file_, "/data/scalar", Array::scalar<double>(2.5));
  }
  // Every block streamed, concatenated, and the row count of each.
  std::vector<std::byte> stream(const std::string& path, const std::string& sel,
                                std::size_t block_bytes, std::vector<std::uint64_t>& rows) {
    std::vector<std::byte> bytes;
    stream_selection(
        file_, path, parse_selection(sel),
        [&](const SelectionBlock& b) {
          const auto* p = static_cast<const std::byte*>(b.data);
          bytes.insert(bytes.end(), p, p + b.bytes);
          rows.push_back(b.rows);
        },
        block_bytes);
    return bytes;
  }
  TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "f.h5";
  Array cube_;
  SilenceHDF5 silence_;
};

TEST_F(SelectionStream, BytesStreamedAreTheDatasetsInBlocks) {
  std::vector<std::uint64_t> rows;
  // 7 int64 per row = 56 bytes: 1000 bytes hold 17 rows.
  const auto bytes = stream("/data/cube", "", 1000, rows);
  ASSERT_EQ(bytes.size(), cube_.bytes().size());
  EXPECT_EQ(std::memcmp(bytes.data(), cube_.bytes().data(), bytes.size()), 0);
  EXPECT_EQ(rows.size(), 59u);  // ceil(1000 / 17)
  EXPECT_EQ(rows.front(), 17u);
  EXPECT_EQ(rows.back(), 1000u - 58u * 17u);
}

TEST_F(SelectionStream, SelectionsStreamWhatReadSelectionReturns) {
  for (const char* sel : {"10:500:3, 1::2", "-5:", "3, 2:5", "999"}) {
    std::vector<std::uint64_t> rows;
    const auto bytes = stream("/data/cube", sel, 64, rows);
    const Array want = read_selection(file_, "/data/cube", parse_selection(sel));
    ASSERT_EQ(bytes.size(), want.bytes().size()) << sel;
    EXPECT_EQ(std::memcmp(bytes.data(), want.bytes().data(), bytes.size()), 0) << sel;
  }
  std::vector<std::uint64_t> rows;
  EXPECT_TRUE(stream("/data/cube", "5:5", 64, rows).empty());
  EXPECT_TRUE(rows.empty());
  const auto one = stream("/data/scalar", "", 64, rows);
  double value = 0;
  ASSERT_EQ(one.size(), sizeof value);
  std::memcpy(&value, one.data(), sizeof value);
  EXPECT_EQ(value, 2.5);
}

TEST_F(SelectionStream, StringsAreRefusedNamingTheDataset) {
  std::vector<std::uint64_t> rows;
  const std::string msg =
      message_of<TypeMismatchError>([&] { stream("/data/names", "", 64, rows); });
  EXPECT_NE(msg.find("/data/names"), std::string::npos) << msg;
  EXPECT_NE(msg.find(file_.string()), std::string::npos) << msg;
}

TEST_F(SelectionStream, NpyFilesReadBackEqual) {
  const auto npy = dir_.path() / "out.npy";
  write_selection_npy(file_, "/data/cube", parse_selection("100:900:7"), npy, 500);
  EXPECT_EQ(read_npy(npy), read_selection(file_, "/data/cube", parse_selection("100:900:7")));
  write_selection_npy(file_, "/data/cube", parse_selection("4"), npy, 500);  // drops an axis
  EXPECT_EQ(read_npy(npy), read_selection(file_, "/data/cube", parse_selection("4")));
  write_selection_npy(file_, "/data/names", {}, npy);
  EXPECT_EQ(read_npy(npy), Array::of_strings({"a", "bb"}, Shape{2}));
}

}  // namespace
}  // namespace h5archive
