// dtype names and numpy's "safe" casting rule, table-driven.
#include "h5archive/dtype.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "h5archive/errors.hpp"

namespace h5archive {
namespace {

const std::vector<DType> kNumeric = {
    DType::boolean, DType::int8,      DType::int16,     DType::int32,  DType::int64,
    DType::uint8,   DType::uint16,    DType::uint32,    DType::uint64, DType::float32,
    DType::float64, DType::complex64, DType::complex128};

TEST(DTypeTest, NamesAreNumpys) {
  const std::vector<std::pair<DType, std::string>> cases = {
      {DType::boolean, "bool"},          {DType::int8, "int8"},
      {DType::int16, "int16"},           {DType::int32, "int32"},
      {DType::int64, "int64"},           {DType::uint8, "uint8"},
      {DType::uint16, "uint16"},         {DType::uint32, "uint32"},
      {DType::uint64, "uint64"},         {DType::float32, "float32"},
      {DType::float64, "float64"},       {DType::complex64, "complex64"},
      {DType::complex128, "complex128"}, {DType::variable_string, "str"}};
  for (const auto& [d, name] : cases) {
    EXPECT_EQ(dtype_name(d), name);
    EXPECT_EQ(dtype_from_name(name), d) << name;
  }
  EXPECT_EQ(dtype_name(DType::fixed_string, 5), "S5");
}

TEST(DTypeTest, UnknownNameIsAValueErrorNamingIt) {
  for (const char* bad : {"float16", "S5", "", "Float64", "object"}) {
    try {
      dtype_from_name(bad);
      FAIL() << bad;
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find("\"" + std::string(bad) + "\""), std::string::npos)
          << e.what();
    }
  }
}

TEST(DTypeTest, SizesAndStringness) {
  EXPECT_EQ(dtype_size(DType::boolean), 1u);
  EXPECT_EQ(dtype_size(DType::uint16), 2u);
  EXPECT_EQ(dtype_size(DType::float32), 4u);
  EXPECT_EQ(dtype_size(DType::complex64), 8u);
  EXPECT_EQ(dtype_size(DType::complex128), 16u);
  EXPECT_EQ(dtype_size(DType::variable_string), 0u);
  EXPECT_TRUE(is_string(DType::fixed_string));
  EXPECT_TRUE(is_string(DType::variable_string));
  EXPECT_FALSE(is_string(DType::boolean));
}

struct CastCase {
  const char* from;
  const char* to;
  bool safe;
};

// nomad-semantics.md §4.4, new -> existing.
TEST(DTypeTest, NomadReassignmentTable) {
  const std::vector<CastCase> cases = {
      {"int32", "float64", true}, {"int16", "int32", true},         {"float64", "int32", false},
      {"int64", "int32", false},  {"complex128", "float64", false}, {"complex64", "float32", false},
      {"str", "float64", false}};
  for (const auto& c : cases)
    EXPECT_EQ(can_cast_safely(dtype_from_name(c.from), dtype_from_name(c.to)), c.safe)
        << c.from << " -> " << c.to;
}

// numpy.can_cast(from, to, "safe") for every pair of numeric types, written
// out as numpy answers it: row = from, columns in kNumeric order.
TEST(DTypeTest, MatchesNumpySafeCastingForAllNumericPairs) {
  // clang-format off
  const std::vector<std::pair<const char*, std::string>> rows = {
      //            b i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 c64 c128
      {"bool",     "1 1  1   1   1   1  1   1   1   1   1   1   1"},
      {"int8",     "0 1  1   1   1   0  0   0   0   1   1   1   1"},
      {"int16",    "0 0  1   1   1   0  0   0   0   1   1   1   1"},
      {"int32",    "0 0  0   1   1   0  0   0   0   0   1   0   1"},
      {"int64",    "0 0  0   0   1   0  0   0   0   0   1   0   1"},
      {"uint8",    "0 0  1   1   1   1  1   1   1   1   1   1   1"},
      {"uint16",   "0 0  0   1   1   0  1   1   1   1   1   1   1"},
      {"uint32",   "0 0  0   0   1   0  0   1   1   0   1   0   1"},
      {"uint64",   "0 0  0   0   0   0  0   0   1   0   1   0   1"},
      {"float32",  "0 0  0   0   0   0  0   0   0   1   1   1   1"},
      {"float64",  "0 0  0   0   0   0  0   0   0   0   1   0   1"},
      {"complex64","0 0  0   0   0   0  0   0   0   0   0   1   1"},
      {"complex128","0 0 0   0   0   0  0   0   0   0   0   0   1"},
  };
  // clang-format on
  for (const auto& [from, row] : rows) {
    std::vector<bool> expected;
    for (char ch : row)
      if (ch == '0' || ch == '1') expected.push_back(ch == '1');
    ASSERT_EQ(expected.size(), kNumeric.size()) << from;
    for (std::size_t j = 0; j < kNumeric.size(); ++j)
      EXPECT_EQ(can_cast_safely(dtype_from_name(from), kNumeric[j]), expected[j])
          << from << " -> " << dtype_name(kNumeric[j]);
  }
}

TEST(DTypeTest, StringsAndNumbersNeverMix) {
  for (DType d : kNumeric) {
    EXPECT_FALSE(can_cast_safely(d, DType::variable_string)) << dtype_name(d);
    EXPECT_FALSE(can_cast_safely(d, DType::fixed_string)) << dtype_name(d);
    EXPECT_FALSE(can_cast_safely(DType::variable_string, d)) << dtype_name(d);
    EXPECT_FALSE(can_cast_safely(DType::fixed_string, d)) << dtype_name(d);
  }
}

TEST(DTypeTest, FixedStringsWidenAndBecomeVariable) {
  EXPECT_TRUE(can_cast_safely(DType::fixed_string, 3, DType::fixed_string, 5));
  EXPECT_TRUE(can_cast_safely(DType::fixed_string, 5, DType::fixed_string, 5));
  EXPECT_FALSE(can_cast_safely(DType::fixed_string, 6, DType::fixed_string, 5));
  EXPECT_TRUE(can_cast_safely(DType::fixed_string, 6, DType::variable_string, 0));
  EXPECT_FALSE(can_cast_safely(DType::variable_string, 0, DType::fixed_string, 100));
  EXPECT_TRUE(can_cast_safely(DType::variable_string, DType::variable_string));
}

TEST(DTypeTest, DTypeOfMapsCxxTypes) {
  static_assert(dtype_of<bool>() == DType::boolean);
  static_assert(dtype_of<std::uint32_t>() == DType::uint32);
  static_assert(dtype_of<std::complex<float>>() == DType::complex64);
  EXPECT_EQ(dtype_of<double>(), DType::float64);
}

}  // namespace
}  // namespace h5archive
