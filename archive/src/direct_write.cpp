// Large raw-data writes past the page cache (direct_write.hpp).
#include "direct_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace h5archive::detail {
namespace {

// pread/pwrite move at most this much at once (Linux's own limit).
constexpr std::size_t kMaxIo = 0x7ffff000;
constexpr std::size_t kBounce = 8u << 20;
constexpr std::size_t kPage = 4096;

// Opens the O_DIRECT descriptor: through /proc/self/fd, which reopens the
// open file itself (no name is looked up again, so the staging driver's
// walk still holds). Offsets are aligned to whole pages at least, so that no
// page is both in the page cache (the buffered edges) and written directly.
bool open_direct(int fd, DirectFd& d) {
  if (d.unsupported) return false;
  if (d.fd >= 0) return true;
  // Asked for (direct_write.hpp says why it is not the default).
  const char* env = std::getenv("H5ARCHIVE_DIRECT_WRITES");
  if (env == nullptr || std::strcmp(env, "1") != 0) {
    d.unsupported = true;
    return false;
  }
  struct statx stx {};
  std::size_t offset_align = kPage, memory_align = kPage;
  if (::statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &stx) == 0 &&
      (stx.stx_mask & STATX_DIOALIGN) != 0) {
    if (stx.stx_dio_offset_align == 0) {  // the file system has no O_DIRECT
      d.unsupported = true;
      return false;
    }
    offset_align = std::max<std::size_t>(stx.stx_dio_offset_align, kPage);
    memory_align = std::max<std::size_t>(stx.stx_dio_mem_align, 1);
  }
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  d.fd = ::open(self.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
  if (d.fd < 0) {
    d.unsupported = true;
    return false;
  }
  d.offset_align = offset_align;
  d.memory_align = memory_align;
  return true;
}

// Writes whole aligned blocks through the direct descriptor, from an aligned
// `buf`. Returns 0, EINVAL when O_DIRECT refused the write (nothing of it
// then counts), or the errno.
int direct_blocks(DirectFd& d, const char* buf, std::size_t size, off_t offset) {
  const std::size_t most = kMaxIo / d.offset_align * d.offset_align;
  while (size > 0) {
    const ssize_t n = ::pwrite(d.fd, buf, std::min(size, most), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return ENOSPC;
    // A short write ends on a block boundary but may leave the rest of the
    // buffer unaligned: the rest goes through pwrite() on the caller's side.
    if (static_cast<std::size_t>(n) % d.offset_align != 0) return EINVAL;
    size -= static_cast<std::size_t>(n);
    offset += n;
    buf += n;
  }
  return 0;
}

}  // namespace

int write_all(int fd, const char* buf, std::size_t size, off_t offset) noexcept {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, buf, std::min(size, kMaxIo), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : ENOSPC;
    size -= static_cast<std::size_t>(n);
    offset += n;
    buf += n;
  }
  return 0;
}

int write_direct(int fd, DirectFd& d, const char* buf, std::size_t size, off_t offset) noexcept {
  if (size < kDirectWriteMin || !open_direct(fd, d)) return write_all(fd, buf, size, offset);
  const auto a = static_cast<off_t>(d.offset_align);
  const off_t first = (offset + a - 1) / a * a;
  const off_t last = (offset + static_cast<off_t>(size)) / a * a;  // end of the middle
  if (last <= first) return write_all(fd, buf, size, offset);
  if (int err = write_all(fd, buf, static_cast<std::size_t>(first - offset), offset)) return err;
  const char* middle = buf + (first - offset);
  off_t at = first;
  if (reinterpret_cast<std::uintptr_t>(middle) % d.memory_align == 0) {
    const int err = direct_blocks(d, middle, static_cast<std::size_t>(last - first), first);
    if (err != 0 && err != EINVAL) return err;
    if (err == EINVAL) d.unsupported = true;
    at = err == 0 ? last : first;  // refused: all of it again, buffered
  } else {
    void* bounce = std::aligned_alloc(std::max(d.memory_align, kPage), kBounce);
    if (bounce != nullptr) {
      while (at < last) {
        const std::size_t n = std::min<std::size_t>(kBounce, static_cast<std::size_t>(last - at));
        std::memcpy(bounce, buf + (at - offset), n);
        const int err = direct_blocks(d, static_cast<const char*>(bounce), n, at);
        if (err == EINVAL) {
          d.unsupported = true;
          break;  // the rest (this block included) buffered
        }
        if (err != 0) {
          std::free(bounce);
          return err;
        }
        at += static_cast<off_t>(n);
      }
      std::free(bounce);
    }
  }
  const off_t end = offset + static_cast<off_t>(size);
  return write_all(fd, buf + (at - offset), static_cast<std::size_t>(end - at), at);
}

void close_direct(DirectFd& d) noexcept {
  if (d.fd >= 0) ::close(d.fd);
  d.fd = -1;
}

}  // namespace h5archive::detail
