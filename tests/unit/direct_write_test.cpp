// Large raw-data writes past the page cache (archive/src/direct_write.hpp):
// every byte lands where it belongs, whatever the alignment of the buffer
// and the offset, and the middle does not pass through the page cache.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "direct_write.hpp"
#include "h5archive/h5archive.hpp"
#include "test_support.hpp"

using namespace h5archive;
using h5archive::testing::TempDir;

namespace {

std::vector<char> pattern(std::size_t n, unsigned seed) {
  std::vector<char> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<char>((i * 2654435761u + seed) >> 7);
  return v;
}

std::vector<char> contents(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Pages of [offset, offset + size) of `file` that are in the page cache.
std::size_t cached_pages(const std::filesystem::path& file, off_t offset, std::size_t size) {
  const int fd = ::open(file.c_str(), O_RDONLY);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, offset);
  ::close(fd);
  if (map == MAP_FAILED) return SIZE_MAX;
  std::vector<unsigned char> resident((size + 4095) / 4096);
  const int rc = ::mincore(map, size, resident.data());
  ::munmap(map, size);
  if (rc != 0) return SIZE_MAX;
  std::size_t n = 0;
  for (unsigned char r : resident) n += r & 1;
  return n;
}

bool file_system_does_direct_io(const std::filesystem::path& file) {
  struct statx stx {};
  const int fd = ::open(file.c_str(), O_RDONLY);
  const bool ok = ::statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) == 0 &&
                  (stx.stx_mask & STATX_DIOALIGN) != 0 && stx.stx_dio_offset_align != 0;
  ::close(fd);
  return ok;
}

// H5ARCHIVE_DIRECT_WRITES=1 while it lives: direct writes are asked for.
struct DirectWritesOn {
  DirectWritesOn() { ::setenv("H5ARCHIVE_DIRECT_WRITES", "1", 1); }
  ~DirectWritesOn() { ::unsetenv("H5ARCHIVE_DIRECT_WRITES"); }
  DirectWritesOn(const DirectWritesOn&) = delete;
  DirectWritesOn& operator=(const DirectWritesOn&) = delete;
};

// Writes `data[skew..]` at `offset` of a fresh file through write_direct,
// after a prefix written with pwrite, and checks every byte. `cached`, if
// given, gets the pages of the written range in the page cache before the
// check reads them.
void check_write(const std::filesystem::path& file, std::size_t skew, off_t offset,
                 std::size_t size, std::size_t* cached = nullptr) {
  const std::vector<char> prefix = pattern(static_cast<std::size_t>(offset), 1);
  const std::vector<char> data = pattern(size + skew, 2);
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(detail::write_all(fd, prefix.data(), prefix.size(), 0), 0);
  detail::DirectFd direct;
  ASSERT_EQ(detail::write_direct(fd, direct, data.data() + skew, size, offset), 0);
  detail::close_direct(direct);
  ASSERT_EQ(::close(fd), 0);
  if (cached != nullptr) *cached = cached_pages(file, offset, size);
  std::vector<char> expected = prefix;
  expected.insert(expected.end(), data.begin() + static_cast<std::ptrdiff_t>(skew), data.end());
  ASSERT_EQ(contents(file), expected) << "skew " << skew << ", offset " << offset;
}

}  // namespace

TEST(DirectWrite, EveryByteLandsWhateverTheAlignment) {
  DirectWritesOn on;
  TempDir tmp;
  const auto file = tmp.path() / "f";
  const std::size_t size = detail::kDirectWriteMin + 12345;
  // glibc's large blocks start 16 bytes past a page: skew 496 hands
  // write_direct an aligned middle (written from the buffer itself), the
  // others go through its bounce buffer.
  for (std::size_t skew : {0, 16, 496, 512, 4095}) {
    for (off_t offset : {0, 1, 2048, 4096, 1000003}) check_write(file, skew, offset, size);
  }
  check_write(file, 3, 7, detail::kDirectWriteMin - 1);  // small: plain pwrite
  check_write(file, 0, 0, 3 * (8u << 20) + 4096);        // several bounce buffers
}

TEST(DirectWrite, TheMiddleBypassesThePageCache) {
  DirectWritesOn on;
  TempDir tmp;
  const auto file = tmp.path() / "f";
  { std::ofstream(file).put('x'); }
  if (!file_system_does_direct_io(file)) {
    GTEST_SKIP() << "the file system of " << tmp.path() << " does not do O_DIRECT (statx)";
  }
  const std::size_t size = 32u << 20;
  std::size_t cached = 0;
  check_write(file, 16, 0, size, &cached);  // numpy's buffers: 16 bytes past a page
  EXPECT_EQ(cached, 0u);
}

TEST(DirectWrite, OnlyWhenAskedFor) {
  TempDir tmp;
  const auto file = tmp.path() / "f";
  for (const char* value : {static_cast<const char*>(nullptr), "0", "yes"}) {
    if (value != nullptr) ::setenv("H5ARCHIVE_DIRECT_WRITES", value, 1);
    std::size_t cached = 0;
    check_write(file, 0, 0, 16u << 20, &cached);
    ::unsetenv("H5ARCHIVE_DIRECT_WRITES");
    EXPECT_EQ(cached, (16u << 20) / 4096) << (value ? value : "unset");
  }
}

TEST(DirectWrite, ALargeQuantityReadsBackAfterADirectWrite) {
  DirectWritesOn on;
  TempDir tmp;
  StagingArea area(tmp.path());
  area.create_upload("u");
  EntryArchive archive(SectionDef("D").quantity(QuantityDef::hdf5_reference("v")).shared(),
                       EntryMetadata{"u", "e", std::nullopt}, area);
  Array a = Array::zeros(DType::float64, {3u << 20});  // 24 MiB
  auto v = a.values<double>();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i) * 0.25 - 7;
  archive.data().set("v", a);
  EXPECT_EQ(archive.data().read("v"), a);
  EXPECT_EQ(read_dataset(archive.hdf5_file(), "/data/v"), a);
}
