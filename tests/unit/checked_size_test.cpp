// The checked arithmetic of checked_size.hpp: overflow at the exact edges of
// 64 bits, numpy's rule for shapes with a 0, and the allocation limit (which
// follows ulimit -v, tested in a child process so the runner keeps its own).
#include "h5archive/checked_size.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>

#include "h5archive/array.hpp"
#include "test_support.hpp"

namespace h5archive {
namespace {

using ::testing::HasSubstr;
using testing::message_of;

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t k2_32 = std::uint64_t{1} << 32;
constexpr std::uint64_t k2_40 = std::uint64_t{1} << 40;

TEST(CheckedMul, ExactAtTheEdgeOf64Bits) {
  EXPECT_EQ(checked_mul(0, kMax), 0u);
  EXPECT_EQ(checked_mul(1, kMax), kMax);
  EXPECT_EQ(checked_mul(k2_32 - 1, k2_32 + 1), kMax);  // 2**64 - 1
  EXPECT_EQ(checked_mul(k2_32, k2_32), std::nullopt);  // 2**64
  EXPECT_EQ(checked_mul(2, kMax / 2 + 1), std::nullopt);
  static_assert(checked_mul(3, 5) == 15u);
}

TEST(CheckedAdd, ExactAtTheEdgeOf64Bits) {
  EXPECT_EQ(checked_add(kMax - 1, 1), kMax);
  EXPECT_EQ(checked_add(kMax, 1), std::nullopt);
}

TEST(CheckedElementCount, CountsAndRefusesOverflowNamingTheShape) {
  EXPECT_EQ(checked_element_count(Shape{}, "x"), 1u);
  EXPECT_EQ(checked_element_count(Shape{2, 3, 4}, "x"), 24u);
  EXPECT_EQ(checked_element_count(Shape{k2_32 - 1, k2_32 + 1}, "x"), kMax);
  EXPECT_EQ(message_of<ValueError>([] {
              checked_element_count(Shape{k2_40, k2_40}, "Dataset /x in f.h5");
            }),
            "Dataset /x in f.h5 has shape (1099511627776, 1099511627776): its element count does "
            "not fit in 64 bits");
  EXPECT_THAT(message_of<ValueError>([] {
                checked_element_count(Shape{k2_32, k2_32}, "x");
              }),
              HasSubstr("(4294967296, 4294967296)"));
}

TEST(CheckedElementCount, ZeroDimensionsFollowNumpyWhateverTheAxisOrder) {
  EXPECT_EQ(checked_element_count(Shape{0, 5}, "x"), 0u);
  EXPECT_EQ(checked_element_count(Shape{5, 0}, "x"), 0u);
  // numpy.empty((2**40, 2**40, 0)) is "too big" as well: a 0 does not excuse
  // the other axes, in any position.
  EXPECT_THAT(message_of<ValueError>([] {
                checked_element_count(Shape{0, k2_40, k2_40}, "x");
              }),
              HasSubstr("does not fit in 64 bits"));
  EXPECT_THAT(message_of<ValueError>([] {
                checked_element_count(Shape{k2_40, k2_40, 0}, "x");
              }),
              HasSubstr("does not fit in 64 bits"));
}

TEST(CheckedByteSize, RefusesBytesThatOverflowEvenWhenTheCountFits) {
  EXPECT_EQ(checked_byte_size(Shape{3, 4}, 8, "x"), 96u);
  EXPECT_EQ(checked_byte_size(Shape{}, 16, "x"), 16u);
  EXPECT_EQ(checked_byte_size(Shape{std::uint64_t{1} << 60}, 8, "x"), std::uint64_t{1} << 63);
  EXPECT_EQ(message_of<ValueError>([] {
              checked_byte_size(Shape{std::uint64_t{1} << 61, 4}, 8, "Dataset /y in f.h5");
            }),
            "Dataset /y in f.h5 has shape (2305843009213693952, 4) of 8-byte elements: its size in "
            "bytes does not fit in 64 bits");
  // An overflowing count is reported as such, not as bytes.
  EXPECT_THAT(message_of<ValueError>([] {
                checked_byte_size(Shape{k2_40, k2_40}, 1, "x");
              }),
              HasSubstr("element count"));
}

std::uint64_t ram_and_swap() {
  struct sysinfo info {};
  EXPECT_EQ(::sysinfo(&info), 0);
  return (info.totalram + info.totalswap) * info.mem_unit;
}

TEST(AllocationLimit, AtMostPhysicalMemoryAndPtrdiffMax) {
  const AllocationLimit limit = allocation_limit();
  EXPECT_GT(limit.bytes, 0u);
  EXPECT_LE(limit.bytes, static_cast<std::uint64_t>(PTRDIFF_MAX));
  EXPECT_LE(limit.bytes, ram_and_swap());
  EXPECT_FALSE(limit.reason.empty());
}

TEST(Allocatable, SmallSizesPassAndSizesAboveTheLimitAreRefusedNamingBoth) {
  EXPECT_EQ(allocatable(std::uint64_t{0}, "x"), 0u);
  EXPECT_EQ(allocatable(std::uint64_t{1} << 20, "x"), std::size_t{1} << 20);
  EXPECT_EQ(allocatable(Shape{3, 4}, 8, "x"), 96u);
  const std::uint64_t too_much = allocation_limit().bytes + 1;
  const std::string m = message_of<ValueError>([&] { allocatable(too_much, "Reading it"); });
  EXPECT_THAT(m, HasSubstr("Reading it needs "));
  EXPECT_THAT(m, HasSubstr("(" + std::to_string(too_much) +
                           " bytes) in memory at once, more "
                           "than this process may allocate (at most "));
  // The shape form names the shape, and refuses a size of 8 TiB on any
  // machine this runs on.
  EXPECT_THAT(message_of<ValueError>([] { allocatable(Shape{k2_40}, 8, "Dataset /z in f.h5"); }),
              HasSubstr("Dataset /z in f.h5 of shape (1099511627776,) needs 8.0 TiB "
                        "(8796093022208 bytes) in memory at once"));
  // Overflow comes first.
  EXPECT_THAT(message_of<ValueError>([] {
                allocatable(Shape{k2_40, k2_40}, 8, "x");
              }),
              HasSubstr("does not fit in 64 bits"));
}

// What the process maps now (statm's first field), in bytes.
std::uint64_t mapped_bytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t pages = 0;
  in >> pages;
  return pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

TEST(Allocatable, FollowsTheAddressSpaceLimitLessWhatIsMapped) {
  // In a child: the runner's own limits stay untouched. Exit codes say which
  // expectation failed.
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::uint64_t headroom = std::uint64_t{256} << 20;
    const rlimit limit{mapped_bytes() + headroom, RLIM_INFINITY};
    if (::setrlimit(RLIMIT_AS, &limit) != 0) std::_Exit(10);
    const AllocationLimit l = allocation_limit();
    if (l.reason.find("ulimit -v") == std::string::npos) std::_Exit(11);
    if (l.bytes > headroom || l.bytes < headroom / 2) std::_Exit(12);
    try {
      allocatable(headroom + 1, "A buffer");
      std::_Exit(13);
    } catch (const ValueError& e) {
      if (std::string(e.what()).find("ulimit -v") == std::string::npos) std::_Exit(14);
    }
    if (allocatable(l.bytes / 2, "A buffer") != l.bytes / 2) std::_Exit(15);
    std::_Exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(HumanBytes, BinaryUnitsUpToExbibytes) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1536), "1.5 KiB");
  EXPECT_EQ(human_bytes(std::uint64_t{3} << 30), "3.0 GiB");
  EXPECT_EQ(human_bytes(k2_40 * 8), "8.0 TiB");
  EXPECT_EQ(human_bytes(kMax), "16.0 EiB");
}

TEST(ArrayElementCount, IsChecked) {
  EXPECT_EQ(element_count(Shape{2, 3}), 6u);
  EXPECT_THAT(message_of<ValueError>([] {
                element_count(Shape{k2_40, k2_40});
              }),
              HasSubstr("An array has shape (1099511627776, 1099511627776)"));
}

TEST(ArrayZeros, RefusesBeforeAllocating) {
  EXPECT_THAT(message_of<ValueError>([] {
                Array::zeros(DType::float64, Shape{k2_40, k2_40});
              }),
              HasSubstr("does not fit in 64 bits"));
  EXPECT_THAT(message_of<ValueError>([] { Array::zeros(DType::float64, Shape{k2_40}); }),
              HasSubstr("(float64) of shape (1099511627776,) needs 8.0 TiB"));
  // eye(2**33) would have 2**66 elements.
  EXPECT_THAT(message_of<ValueError>([] { Array::eye(std::uint64_t{1} << 33); }),
              HasSubstr("does not fit in 64 bits"));
  EXPECT_EQ(Array::zeros(DType::int16, Shape{2, 3}).bytes().size(), 12u);
}

TEST(CheckAllocatable, CountsTheStringObjectsOfStringArrays) {
  // 2**36 one-byte strings: 64 GiB of records, but 2.1 TiB with their
  // std::string objects, beyond this machine's memory.
  const Shape shape{std::uint64_t{1} << 36};
  EXPECT_THAT(message_of<ValueError>(
                  [&] { check_allocatable(DType::fixed_string, 1, shape, "Reading x"); }),
              HasSubstr("Reading x (S1) of shape (68719476736,) needs 2.1 TiB"));
  EXPECT_EQ(check_allocatable(DType::variable_string, 0, Shape{2}, "x"),
            2 * (sizeof(char*) + sizeof(std::string)));
}

}  // namespace
}  // namespace h5archive
