// Reading numpy-like selections from real HDF5 files: values, buffers,
// dtype rules, and selections through references into the staging area.
#include <gtest/gtest.h>

#include <complex>
#include <numeric>

#include "h5archive/resolve_read.hpp"
#include "h5archive/selection.hpp"
#include "test_support.hpp"

namespace h5archive {
namespace {

using testing::message_of;
using testing::SilenceHDF5;
using testing::TempDir;

// A 3x4x5 int64 dataset holding 0..59 (numpy's arange(60).reshape(3, 4, 5)).
class SliceRead : public ::testing::Test {
 protected:
  SliceRead() {
    std::vector<std::int64_t> v(60);
    std::iota(v.begin(), v.end(), 0);
    write_dataset(file_, "/data/cube", Array::of(v, Shape{3, 4, 5}));
    std::vector<std::int32_t> w(12);
    std::iota(w.begin(), w.end(), -6);
    write_dataset(file_, "/data/small", Array::of(w, Shape{12}));
    write_dataset(file_, "/data/flags", Array::of_bools({true, false, true, true}, Shape{4}));
    write_dataset(file_, "/data/x", Array::of(std::vector<double>{0.5, 1.5, 2.5, 3.5}));
    write_dataset(file_, "/data/names",
                  Array::of_strings({"a", "bb", "ccc", "dddd", "eeeee"}, Shape{5}));
    write_dataset(file_, "/data/fixed", Array::of_strings({"ab", "cd", "ef"}, Shape{3}, 4));
  }
  TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "f.h5";
  SilenceHDF5 silence_;
};

TEST_F(SliceRead, StridedSelectionsReadNumpysValues) {
  // Expected values from numpy: np.arange(60).reshape(3, 4, 5)[sel].
  const Array a = read_selection(file_, "/data/cube", parse_selection("::2, 1::2, -3:"));
  EXPECT_EQ(a.shape(), (Shape{2, 2, 3}));
  const std::vector<std::int64_t> want = {7, 8, 9, 17, 18, 19, 47, 48, 49, 57, 58, 59};
  EXPECT_EQ(
      std::vector<std::int64_t>(a.values<std::int64_t>().begin(), a.values<std::int64_t>().end()),
      want);

  const Array b = read_selection(file_, "data/cube", parse_selection("..., 1:4:2"));
  EXPECT_EQ(b.shape(), (Shape{3, 4, 2}));
  EXPECT_EQ(b.values<std::int64_t>()[0], 1);
  EXPECT_EQ(b.values<std::int64_t>()[1], 3);
  EXPECT_EQ(b.values<std::int64_t>()[23], 58);

  const Array c = read_selection(file_, "/data/cube", {Index{2}, All{}, Index{0}});
  EXPECT_EQ(c, Array::of(std::vector<std::int64_t>{40, 45, 50, 55}, Shape{4}));

  const Array d = read_selection(file_, "/data/cube", parse_selection("-1, -1, -1"));
  EXPECT_EQ(d, Array::scalar<std::int64_t>(59));

  const Array e = read_selection(file_, "/data/cube", parse_selection("1:1"));
  EXPECT_EQ(e.shape(), (Shape{0, 4, 5}));
  EXPECT_EQ(e.size(), 0u);

  EXPECT_EQ(read_selection(file_, "/data/cube", {}).shape(), (Shape{3, 4, 5}));
}

TEST_F(SliceRead, StringsReadThroughTheArrayPath) {
  EXPECT_EQ(read_selection(file_, "/data/names", parse_selection("1::2")),
            Array::of_strings({"bb", "dddd"}, Shape{2}));
  EXPECT_EQ(read_selection(file_, "/data/fixed", parse_selection("-1")),
            Array::of_strings({"ef"}, Shape{}, 4));
}

TEST_F(SliceRead, IntoBufferInStoredDtype) {
  std::vector<std::int64_t> buf(6, -1);
  read_selection_into(file_, "/data/cube", parse_selection("1, 1:4, 0:5:4"), buf.data(),
                      buf.size() * sizeof(std::int64_t), DType::int64);
  EXPECT_EQ(buf, (std::vector<std::int64_t>{25, 29, 30, 34, 35, 39}));
}

TEST_F(SliceRead, IntoBufferWithSafeConversions) {
  std::vector<double> as_double(4);
  read_selection_into(file_, "/data/small", parse_selection("::3"), as_double.data(),
                      as_double.size() * sizeof(double), DType::float64);
  EXPECT_EQ(as_double, (std::vector<double>{-6, -3, 0, 3}));

  std::vector<std::complex<double>> as_complex(2);
  read_selection_into(file_, "/data/small", parse_selection("-2:"), as_complex.data(),
                      as_complex.size() * sizeof(std::complex<double>), DType::complex128);
  EXPECT_EQ(as_complex, (std::vector<std::complex<double>>{{4, 0}, {5, 0}}));

  std::vector<std::int8_t> flags(3, 7);
  read_selection_into(file_, "/data/flags", parse_selection("1:"), flags.data(), flags.size(),
                      DType::int8);
  EXPECT_EQ(flags, (std::vector<std::int8_t>{0, 1, 1}));

  std::vector<std::uint8_t> bools(2, 7);
  read_selection_into(file_, "/data/flags", parse_selection("::2"), bools.data(), bools.size(),
                      DType::boolean);
  EXPECT_EQ(bools, (std::vector<std::uint8_t>{1, 1}));
}

TEST_F(SliceRead, IntoBufferRefusals) {
  std::vector<std::int64_t> buf(4, -1);
  const std::string file = file_.string();
  EXPECT_EQ(message_of<ValueError>([&] {
              read_selection_into(file_, "/data/cube", parse_selection("0, 0"), buf.data(),
                                  buf.size() * sizeof(std::int64_t), DType::int64);
            }),
            "Buffer of 32 bytes is too small for 5 int64 elements (40 bytes) of Dataset "
            "/data/cube in " +
                file);
  EXPECT_EQ(buf, (std::vector<std::int64_t>(4, -1)));  // untouched

  std::vector<std::int32_t> ints(4);
  EXPECT_EQ(message_of<TypeMismatchError>(
                [&] { read_selection_into(file_, "/data/x", {}, ints.data(), 16, DType::int32); }),
            "Cannot read Dataset /data/x in " + file + " (float64) as int32: the cast is not safe");
  EXPECT_EQ(
      message_of<TypeMismatchError>(
          [&] { read_selection_into(file_, "/data/cube", {}, ints.data(), 16, DType::float32); }),
      "Cannot read Dataset /data/cube in " + file + " (int64) as float32: the cast is not safe");
  EXPECT_EQ(message_of<TypeMismatchError>([&] {
              read_selection_into(file_, "/data/names", {}, ints.data(), 16, DType::int32);
            }),
            "Cannot read Dataset /data/names in " + file +
                " (str) into a int32 buffer: buffers hold numbers and bools only");
}

TEST_F(SliceRead, BadSelectionsAndMissingDatasets) {
  EXPECT_EQ(
      message_of<ValueError>([&] { read_selection(file_, "/data/small", parse_selection("12")); }),
      "Invalid selection '12' for shape (12,): index 12 is out of bounds for axis 0 with "
      "size 12");
  EXPECT_EQ(message_of<ValueError>(
                [&] { read_selection(file_, "/data/small", parse_selection("1, 2")); }),
            "Invalid selection '1, 2' for shape (12,): too many indices: 2 given for a dataset "
            "of rank 1");
  EXPECT_EQ(message_of<NotFoundError>([&] { read_selection(file_, "/data/nope", {}); }),
            "Dataset /data/nope not found in " + file_.string());
}

TEST_F(SliceRead, StridedSlabThatDoesNotFitIsRefused) {
  const StridedSlab slab{{0}, {5}, {3}, {5}};  // would need 13 elements
  EXPECT_EQ(message_of<ValueError>([&] { read_dataset_strided(file_, "/data/small", slab); }),
            "Selection start [0] count [5] stride [3] (result shape (5,)) does not fit Dataset "
            "/data/small in " +
                file_.string() + " of shape (12,)");
}

TEST(SliceReadReference, ThroughARawFileReference) {
  TempDir dir;
  StagingArea area(dir.path());
  area.create_upload("up_1");
  const auto raw = area.raw_file_path("up_1", "sub/raw.h5");
  std::filesystem::create_directories(raw.parent_path());
  write_dataset(raw, "/entry/signal", Array::of(std::vector<float>{1, 2, 3, 4, 5, 6}, Shape{2, 3}));

  EXPECT_EQ(
      read_reference_selection(area, "sub/raw.h5#/entry/signal", "up_1", parse_selection(":, 1:")),
      Array::of(std::vector<float>{2, 3, 5, 6}, Shape{2, 2}));
  EXPECT_EQ(read_reference_selection(area, "/uploads/up_1/raw/sub/raw.h5#entry/signal",
                                     std::nullopt, parse_selection("1, ::2")),
            Array::of(std::vector<float>{4, 6}, Shape{2}));
  EXPECT_THROW(read_reference_selection(area, "../x.h5#/a", "up_1", {}), SecurityError);
}

}  // namespace
}  // namespace h5archive
