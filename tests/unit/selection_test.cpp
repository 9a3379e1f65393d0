// The selection parser (good and bad text) and resolve() against numpy:
// the expected shapes and values below were produced by numpy 2.4 indexing
// np.arange(n).reshape(shape) with the same text.
#include "h5archive/selection.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace h5archive {
namespace {

using testing::message_of;

struct NumpyCase {
  Shape shape;
  std::string text;
  Shape result_shape;
  std::vector<std::uint64_t> values;  // flat indices numpy selects, in order
};

const std::vector<NumpyCase> kNumpyCases = {
    {{10}, "", {10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
    {{10}, ":", {10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
    {{10}, "2:7", {5}, {2, 3, 4, 5, 6}},
    {{10}, "::3", {4}, {0, 3, 6, 9}},
    {{10}, "1::4", {3}, {1, 5, 9}},
    {{10}, "-3:", {3}, {7, 8, 9}},
    {{10}, ":-8", {2}, {0, 1}},
    {{10}, "-100:100", {10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
    {{10}, "7:2", {0}, {}},
    {{10}, "12:", {0}, {}},
    {{10}, "3", {}, {3}},
    {{10}, "-1", {}, {9}},
    {{10}, "5:5", {0}, {}},
    {{10}, "-20:-15", {0}, {}},
    {{10}, "0:10:20", {1}, {0}},
    {{4, 5}, "1", {5}, {5, 6, 7, 8, 9}},
    {{4, 5}, ":, 2", {4}, {2, 7, 12, 17}},
    {{4, 5}, "1:3, ::2", {2, 3}, {5, 7, 9, 10, 12, 14}},
    {{4, 5}, "-1, -2", {}, {18}},
    {{4, 5}, "::2, 1:", {2, 4}, {1, 2, 3, 4, 11, 12, 13, 14}},
    {{4, 5}, "..., 3", {4}, {3, 8, 13, 18}},
    {{4, 5}, "2, ...", {5}, {10, 11, 12, 13, 14}},
    {{4, 5}, "1:, ..., ::2", {3, 3}, {5, 7, 9, 10, 12, 14, 15, 17, 19}},
    {{4, 5}, "...", {4, 5}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}},
    {{3, 4, 5}, "1, :, 2", {4}, {22, 27, 32, 37}},
    {{3, 4, 5}, "::2, 1::2, -3:", {2, 2, 3}, {7, 8, 9, 17, 18, 19, 47, 48, 49, 57, 58, 59}},
    {{3, 4, 5}, "0:0", {0, 4, 5}, {}},
    {{3, 4, 5}, ":, 3", {3, 5}, {15, 16, 17, 18, 19, 35, 36, 37, 38, 39, 55, 56, 57, 58, 59}},
    {{3, 4, 5}, "-1, -1, -1", {}, {59}},
    {{3, 4, 5}, "..., 1:4:2", {3, 4, 2}, {1,  3,  6,  8,  11, 13, 16, 18, 21, 23, 26, 28,
                                          31, 33, 36, 38, 41, 43, 46, 48, 51, 53, 56, 58}},
    {{3, 4, 5}, "2, ..., 0", {4}, {40, 45, 50, 55}},
    {{0, 3}, ":", {0, 3}, {}},
    {{0, 3}, ":, 1", {0}, {}},
    {{6}, "1:6:2", {3}, {1, 3, 5}},
};

// The flat row-major indices a strided slab selects, in row-major order.
std::vector<std::uint64_t> selected(const StridedSlab& slab, const Shape& shape) {
  std::vector<std::uint64_t> out;
  if (element_count(slab.count) == 0) return out;
  std::vector<std::uint64_t> k(shape.size(), 0);
  for (;;) {
    std::uint64_t flat = 0;
    for (std::size_t d = 0; d < shape.size(); ++d)
      flat = flat * shape[d] + slab.start[d] + k[d] * slab.stride[d];
    out.push_back(flat);
    std::size_t d = shape.size();
    while (d > 0 && ++k[d - 1] == slab.count[d - 1]) k[--d] = 0;
    if (d == 0) return out;
  }
}

TEST(Resolve, MatchesNumpyIndexing) {
  for (const auto& c : kNumpyCases) {
    SCOPED_TRACE(shape_str(c.shape) + "[" + c.text + "]");
    const StridedSlab slab = resolve(parse_selection(c.text), c.shape);
    EXPECT_EQ(slab.result_shape, c.result_shape);
    EXPECT_EQ(selected(slab, c.shape), c.values);
  }
}

TEST(Resolve, ZeroDimensionalDatasetTakesEmptySelectionOrEllipsis) {
  EXPECT_EQ(resolve({}, Shape{}).result_shape, Shape{});
  EXPECT_EQ(resolve({Ellipsis{}}, Shape{}).result_shape, Shape{});
  EXPECT_EQ(message_of<ValueError>([] { resolve({Index{0}}, Shape{}); }),
            "Invalid selection '0' for shape (): too many indices: 1 given for a dataset of "
            "rank 0");
}

TEST(Resolve, RejectsWithNumpyMessages) {
  EXPECT_EQ(message_of<ValueError>([] { resolve(parse_selection("7"), Shape{5}); }),
            "Invalid selection '7' for shape (5,): index 7 is out of bounds for axis 0 with "
            "size 5");
  EXPECT_EQ(message_of<ValueError>([] {
              resolve(parse_selection(":, -4"), Shape{2, 3});
            }),
            "Invalid selection ':, -4' for shape (2, 3): index -4 is out of bounds for axis 1 "
            "with size 3");
  EXPECT_EQ(message_of<ValueError>([] {
              resolve(parse_selection("0, 0, 0"), Shape{2, 3});
            }),
            "Invalid selection '0, 0, 0' for shape (2, 3): too many indices: 3 given for a "
            "dataset of rank 2");
  EXPECT_EQ(message_of<ValueError>([] {
              resolve(parse_selection("..., 0, ..."), Shape{2, 3});
            }),
            "Invalid selection '..., 0, ...' for shape (2, 3): an index can only have a single "
            "ellipsis ('...')");
  EXPECT_EQ(message_of<ValueError>([] {
              resolve({Slice{0, 3, 0}}, Shape{5});
            }),
            "Invalid selection '0:3:0' for shape (5,): step 0 is not allowed (steps must be at "
            "least 1)");
  EXPECT_EQ(message_of<ValueError>([] { resolve({Index{0}}, Shape{0}); }),
            "Invalid selection '0' for shape (0,): index 0 is out of bounds for axis 0 with size "
            "0");
}

TEST(ParseSelection, GoodText) {
  struct Good {
    std::string text;
    std::string canonical;  // selection_str of the parse
  };
  const std::vector<Good> cases = {
      {"", ""},
      {"   ", ""},
      {":", ":"},
      {"0:100, :, 3", "0:100, :, 3"},
      {" 0 : 100 ,: ,  3 ", "0:100, :, 3"},
      {"::2", "::2"},
      {"1::1", "1:"},
      {"-3:", "-3:"},
      {":-1", ":-1"},
      {"+4", "4"},
      {"-1", "-1"},
      {"...", "..."},
      {"..., 2", "..., 2"},
      {"1:2:3,4:5", "1:2:3, 4:5"},
      {"::", ":"},
      {"9223372036854775807", "9223372036854775807"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("'" + c.text + "'");
    EXPECT_EQ(selection_str(parse_selection(c.text)), c.canonical);
  }
  const Selection s = parse_selection("2:-1:3, 4, :");
  ASSERT_EQ(s.size(), 3u);
  const auto& slice = std::get<Slice>(s[0]);
  EXPECT_EQ(slice.start, 2);
  EXPECT_EQ(slice.stop, -1);
  EXPECT_EQ(slice.step, 3);
  EXPECT_EQ(std::get<Index>(s[1]).i, 4);
  const auto& all = std::get<Slice>(s[2]);
  EXPECT_FALSE(all.start.has_value());
  EXPECT_FALSE(all.stop.has_value());
}

TEST(ParseSelection, BadTextNamesTextAndPart) {
  struct Bad {
    std::string text;
    std::string message;
  };
  const std::vector<Bad> cases = {
      {"0:a", "Invalid selection '0:a': 'a' is not an integer"},
      {"x", "Invalid selection 'x': 'x' is not an integer"},
      {"1.5", "Invalid selection '1.5': '1.5' is not an integer"},
      {"0:10, 3:b:2", "Invalid selection '0:10, 3:b:2': 'b' is not an integer in part 2 '3:b:2'"},
      {"::0", "Invalid selection '::0': step 0 is not allowed (steps must be at least 1)"},
      {"5:0:-1", "Invalid selection '5:0:-1': step -1 is not allowed (steps must be at least 1)"},
      {"1:2:3:4", "Invalid selection '1:2:3:4': '1:2:3:4' has more than two ':'"},
      {"1,,2", "Invalid selection '1,,2': part 2 is empty"},
      {"1,", "Invalid selection '1,': part 2 is empty"},
      {"+-1", "Invalid selection '+-1': '+-1' is not an integer"},
      {"--1", "Invalid selection '--1': '--1' is not an integer"},
      {"1 2", "Invalid selection '1 2': '1 2' is not an integer"},
      {"99999999999999999999",
       "Invalid selection '99999999999999999999': '99999999999999999999' is out of range for a "
       "64-bit integer"},
      {"[1]", "Invalid selection '[1]': '[1]' is not an integer"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("'" + c.text + "'");
    EXPECT_EQ(message_of<ValueError>([&] { parse_selection(c.text); }), c.message);
  }
}

}  // namespace
}  // namespace h5archive
