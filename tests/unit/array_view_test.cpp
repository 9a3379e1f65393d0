// ArrayView: numbers in someone else's buffer (numpy's), and the write path
// that takes them without a copy (write_dataset, Section::set).
#include <gtest/gtest.h>

#include <complex>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "h5archive/h5archive.hpp"
#include "test_support.hpp"

using namespace h5archive;
using h5archive::testing::message_of;
using h5archive::testing::SilenceHDF5;
using h5archive::testing::TempDir;

namespace {

long status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
  return -1;
}

// How much `fn` raises this process's peak resident memory, in MiB: Linux
// resets the peak to the current size on "5" to /proc/self/clear_refs. A
// copy of the 32 MiB the tests write would raise it by that much (the page
// cache the write fills is not the process's; the staging driver's 8 MiB
// bounce buffer is).
double peak_growth_mib(const std::function<void()>& fn) {
  { std::ofstream("/proc/self/clear_refs") << "5"; }
  const long before = status_kib("VmHWM:");
  fn();
  return static_cast<double>(status_kib("VmHWM:") - before) / 1024;
}

template <class T>
ArrayView view_of(const std::vector<T>& v, Shape shape) {
  return ArrayView(dtype_of<T>(), std::move(shape),
                   {reinterpret_cast<const std::byte*>(v.data()), v.size() * sizeof(T)});
}

struct Fixture {
  TempDir tmp;
  StagingArea area{tmp.path()};
  EntryArchive archive;

  Fixture()
      : archive((area.create_upload("u"),
                 SectionDef("Data")
                     .quantity(QuantityDef::hdf5_reference("value"))
                     .quantity(QuantityDef::hdf5_reference("energy").unit("eV"))
                     .quantity(QuantityDef::number("numbers").shape({any_size}))
                     .shared()),
                EntryMetadata{"u", "e", std::nullopt}, area) {}
  std::filesystem::path h5() const { return archive.hdf5_file(); }
};

}  // namespace

TEST(ArrayView, ChecksItsBufferAgainstDtypeAndShape) {
  std::vector<double> v{1, 2, 3, 4, 5, 6};
  ArrayView view = view_of(v, {2, 3});
  EXPECT_EQ(view.dtype(), DType::float64);
  EXPECT_EQ(view.shape(), (Shape{2, 3}));
  EXPECT_EQ(view.size(), 6u);
  EXPECT_EQ(view.data(), reinterpret_cast<const std::byte*>(v.data()));
  EXPECT_EQ(view.to_array(), Array::of<double>({1, 2, 3, 4, 5, 6}, {2, 3}));
  EXPECT_EQ(message_of([&] {
              view_of(v, {4, 2});
            }),
            "An array view of float64 (4, 2) needs 8 elements, got 48 bytes");
  EXPECT_THROW(view_of(v, {4, 2}), ValueError);
  EXPECT_EQ(message_of([] { ArrayView(DType::variable_string, {1}, {}); }),
            "An array view holds numbers or bools, not str");
  // 0-d (one element) and empty shapes.
  EXPECT_EQ(view_of(std::vector<double>{7}, {}).to_array(), Array::scalar(7.0));
  EXPECT_EQ(view_of(std::vector<double>{}, {0, 3}).to_array(),
            Array::zeros(DType::float64, {0, 3}));
}

TEST(ArrayView, OfAnArraySharesItsElementsAndCastsAsItDoes) {
  const Array a = Array::of<std::int32_t>({1, -2, 3});
  const ArrayView view = a;
  EXPECT_EQ(view.data(), a.bytes().data());
  EXPECT_EQ(view.cast_to(DType::float64), Array::of<double>({1, -2, 3}));
  EXPECT_EQ(view.cast_to(DType::complex128),
            Array::of<std::complex<double>>({{1, 0}, {-2, 0}, {3, 0}}));
  EXPECT_EQ(message_of([&] { view.cast_to(DType::int8); }), "Cannot safely cast int32 to int8");
  EXPECT_EQ(message_of([&] { a.cast_to(DType::int8); }), "Cannot safely cast int32 to int8");
  EXPECT_THROW(Array::of_strings({"a"}, {1}).view(), ValueError);
}

TEST(ArrayView, WriteDatasetTakesTheBufferUncopied) {
  TempDir tmp;
  const auto file = tmp.path() / "f.h5";
  std::vector<double> v(1 << 22);  // 32 MiB
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i) * 0.5;
  const double grown = peak_growth_mib([&] {
    write_dataset(file, "/a/b", view_of(v, {4096, 1024}));
  });
  EXPECT_LT(grown, 16) << "write_dataset copied the view";
  const Array back = read_dataset(file, "/a/b");
  EXPECT_EQ(back.shape(), (Shape{4096, 1024}));
  EXPECT_EQ(std::vector<double>(back.values<double>().begin(), back.values<double>().end()), v);
}

TEST(ArrayView, HDF5QuantityIsWrittenFromTheBufferUncopied) {
  Fixture fx;
  std::vector<double> v(1 << 22);  // 32 MiB
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i % 1000) - 10;
  Section& d = fx.archive.data();
  const double grown = peak_growth_mib([&] { d.set("value", view_of(v, {8192, 512})); });
  EXPECT_LT(grown, 16) << "Section::set copied the view";
  EXPECT_EQ(d.string("value"), "/uploads/u/archive/e#/data/value");
  const Array back = d.read("value");
  EXPECT_EQ(back, view_of(v, {8192, 512}).to_array());
  // The statistics and metadata are the ones an Array gets.
  const QuantityMetadata from_view = *d.metadata("value");
  d.set("value", view_of(v, {8192, 512}).to_array());
  EXPECT_EQ(*d.metadata("value"), from_view);
  EXPECT_EQ(as_double(*from_view.statistics->min()), -10.0);
  EXPECT_EQ(as_double(*from_view.statistics->max()), 989.0);
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/value", "long_name"), "value");
}

TEST(ArrayView, HDF5QuantityKeepsTheReassignmentRulesAndUnits) {
  Fixture fx;
  Section& d = fx.archive.data();
  d.set("value", view_of(std::vector<double>{1, 1, 1}, {3}));
  SilenceHDF5 quiet;
  const std::string shape_msg = message_of([&] {
    d.set("value", view_of(std::vector<double>{1, 1, 1, 1}, {4}));
  });
  EXPECT_TRUE(shape_msg.starts_with("Shapes do not match (existing (3,) vs new (4,))"))
      << shape_msg;
  const std::string dtype_msg = message_of([&] {
    d.set("value", view_of(std::vector<std::complex<double>>{{1, 0}, {1, 0}, {1, 0}}, {3}));
  });
  EXPECT_TRUE(
      dtype_msg.starts_with("Datatypes cannot be safely cast (existing float64 vs new complex128)"))
      << dtype_msg;
  // A safe cast into the stored dtype, which is kept.
  d.set("value", view_of(std::vector<std::int32_t>{1, 2, 3}, {3}));
  EXPECT_EQ(read_dataset(fx.h5(), "/data/value"), Array::of<double>({1, 2, 3}));
  // The definition's unit goes to the `units` attribute.
  d.set("energy", view_of(std::vector<float>{1.5f}, {1}));
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/energy", "units"), "eV");
  EXPECT_EQ(read_dataset(fx.h5(), "/data/energy"), Array::of<float>({1.5f}));
}

TEST(ArrayView, OtherQuantitiesKeepACopy) {
  Fixture fx;
  Section& d = fx.archive.data();
  std::vector<double> v{1, 2, 3};
  d.set("numbers", view_of(v, {3}));
  v[0] = 100;  // the section's value is its own
  EXPECT_EQ(d.array("numbers"), Array::of<double>({1, 2, 3}));
  d.set("numbers", view_of(std::vector<std::int16_t>{4, 5}, {2}));
  EXPECT_EQ(d.array("numbers"), Array::of<double>({4, 5}));
  EXPECT_EQ(
      message_of([&] {
        d.set("numbers", view_of(v, {1, 3}));
      }),
      "Shape mismatch for /data/numbers: the definition's shape is ['*'], the value's (1, 3)");
  EXPECT_THROW(d.set("numbers", view_of(std::vector<std::complex<float>>{{1, 0}}, {1})),
               TypeMismatchError);
}

TEST(ArrayView, WithoutContextNothingIsWritten) {
  Section detached(SectionDef("Data").quantity(QuantityDef::hdf5_reference("value")).shared());
  EXPECT_EQ(message_of([&] { detached.set("value", view_of(std::vector<double>{1}, {1})); }),
            "Cannot normalize HDF5 value without context.");
}
