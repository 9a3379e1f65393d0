// Array construction, typed access, casting, equality and shape notation.
#include "h5archive/array.hpp"

#include <gtest/gtest.h>

#include <complex>
#include <string>
#include "test_support.hpp"

using h5archive::testing::message_of;

namespace h5archive {
namespace {

TEST(ArrayTest, ShapeStrUsesNumpyTupleNotation) {
  EXPECT_EQ(shape_str({}), "()");
  EXPECT_EQ(shape_str({3}), "(3,)");
  EXPECT_EQ(shape_str({2, 3}), "(2, 3)");
  EXPECT_EQ(shape_str({0, 1, 4}), "(0, 1, 4)");
}

TEST(ArrayTest, ElementCountOfZeroDIsOneAndOfEmptyIsZero) {
  EXPECT_EQ(element_count({}), 1u);
  EXPECT_EQ(element_count({0}), 0u);
  EXPECT_EQ(element_count({2, 3, 4}), 24u);
  EXPECT_EQ(element_count({5, 0}), 0u);
}

TEST(ArrayTest, DefaultIsAnEmptyFloat64Vector) {
  Array a;
  EXPECT_EQ(a.dtype(), DType::float64);
  EXPECT_EQ(a.shape(), Shape{0});
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(a.dtype_name(), "float64");
  EXPECT_TRUE(a.values<double>().empty());
}

TEST(ArrayTest, NumericConstructionAndTypedAccess) {
  Array a = Array::of<std::int32_t>({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(a.dtype(), DType::int32);
  EXPECT_EQ(a.rank(), 2u);
  EXPECT_EQ(a.size(), 6u);
  EXPECT_EQ(a.values<std::int32_t>()[5], 6);
  EXPECT_EQ(a.bytes().size(), 24u);
  Array s = Array::scalar(2.5);
  EXPECT_EQ(s.shape(), Shape{});
  EXPECT_EQ(s.values<double>()[0], 2.5);
}

TEST(ArrayTest, WrongCountIsAValueErrorNamingTheShape) {
  auto msg = message_of<ValueError>([] { Array::of<double>({1, 2, 3, 4, 5}, {2, 3}); });
  EXPECT_NE(msg.find("5 values"), std::string::npos) << msg;
  EXPECT_NE(msg.find("(2, 3)"), std::string::npos) << msg;
}

TEST(ArrayTest, WrongTypedAccessNamesBothDtypes) {
  Array a = Array::of<double>({1.0});
  auto msg = message_of<TypeMismatchError>([&] { (void)a.values<std::int32_t>(); });
  EXPECT_EQ(msg, "Array is float64, not int32");
  EXPECT_THROW((void)a.bools(), TypeMismatchError);
  EXPECT_THROW((void)a.strings(), TypeMismatchError);
}

TEST(ArrayTest, BoolsAreBytesZeroOrOne) {
  Array b = Array::of_bools({true, false, true}, {3});
  EXPECT_EQ(b.dtype(), DType::boolean);
  EXPECT_EQ(b.dtype_name(), "bool");
  auto v = b.bools();
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], 1);
  EXPECT_EQ(v[1], 0);
  EXPECT_EQ(v[2], 1);
}

TEST(ArrayTest, StringsFixedAndVariable) {
  Array v = Array::of_strings({"a", "bcd"}, {2});
  EXPECT_EQ(v.dtype(), DType::variable_string);
  EXPECT_EQ(v.dtype_name(), "str");
  EXPECT_EQ(v.strings()[1], "bcd");
  Array f = Array::of_strings({"ab", "cde"}, {2}, 3);
  EXPECT_EQ(f.dtype(), DType::fixed_string);
  EXPECT_EQ(f.string_size(), 3u);
  EXPECT_EQ(f.dtype_name(), "S3");
  auto msg = message_of<ValueError>([] { Array::of_strings({"abcd"}, {1}, 3); });
  EXPECT_NE(msg.find("\"abcd\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("S3"), std::string::npos) << msg;
  EXPECT_THROW(Array::of_strings({"a"}, {2}), ValueError);
}

TEST(ArrayTest, ZerosAndEye) {
  Array z = Array::zeros(DType::uint16, {2, 2});
  EXPECT_EQ(z.bytes().size(), 8u);
  for (auto x : z.values<std::uint16_t>()) EXPECT_EQ(x, 0);
  EXPECT_THROW(Array::zeros(DType::variable_string, {1}), ValueError);
  Array e = Array::eye(3);
  EXPECT_EQ(e.shape(), (Shape{3, 3}));
  EXPECT_EQ(e, Array::of<double>({1, 0, 0, 0, 1, 0, 0, 0, 1}, {3, 3}));
}

TEST(ArrayTest, SafeCastsConvertValues) {
  EXPECT_EQ(Array::of<std::int32_t>({1, -2, 3}).cast_to(DType::float64),
            Array::of<double>({1, -2, 3}));
  EXPECT_EQ(Array::of<std::uint8_t>({255}).cast_to(DType::int16), Array::of<std::int16_t>({255}));
  EXPECT_EQ(Array::of_bools({true, false}, {2}).cast_to(DType::float32), Array::of<float>({1, 0}));
  EXPECT_EQ(Array::of<float>({1.5f}).cast_to(DType::complex128),
            Array::of<std::complex<double>>({{1.5, 0}}));
  EXPECT_EQ(Array::of<std::complex<float>>({{1, 2}}).cast_to(DType::complex128),
            Array::of<std::complex<double>>({{1, 2}}));
  Array same = Array::of<std::int64_t>({7}, {1});
  EXPECT_EQ(same.cast_to(DType::int64), same);
  Array fixed = Array::of_strings({"ab"}, {1}, 2);
  EXPECT_EQ(fixed.cast_to(DType::variable_string), Array::of_strings({"ab"}, {1}));
}

TEST(ArrayTest, UnsafeCastNamesBothDtypesAndLeavesTheArray) {
  Array a = Array::of<double>({1.5, 2.5});
  const Array before = a;
  auto msg = message_of<TypeMismatchError>([&] { a.cast_to(DType::int32); });
  EXPECT_EQ(msg, "Cannot safely cast float64 to int32");
  EXPECT_EQ(a, before);
  EXPECT_EQ(message_of<TypeMismatchError>([] {
              Array::of<std::complex<double>>({{1, 1}}).cast_to(DType::float64);
            }),
            "Cannot safely cast complex128 to float64");
}

TEST(ArrayTest, EqualityComparesDtypeShapeAndElements) {
  EXPECT_EQ(Array::of<double>({1, 2}), Array::of<double>({1, 2}));
  EXPECT_FALSE(Array::of<double>({1, 2}) == Array::of<double>({1, 3}));
  EXPECT_FALSE(Array::of<double>({1, 2}) == Array::of<double>({1, 2}, {1, 2}));
  EXPECT_FALSE(Array::of<float>({1, 2}) == Array::of<double>({1, 2}));
  EXPECT_FALSE(Array::of_strings({"a"}, {1}, 1) == Array::of_strings({"a"}, {1}, 2));
  EXPECT_FALSE(Array::of_strings({"a"}, {1}) == Array::of_strings({"b"}, {1}));
}

}  // namespace
}  // namespace h5archive
