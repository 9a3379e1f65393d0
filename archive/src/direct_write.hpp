// Internal: how the staging driver can write large blocks of raw data (a
// quantity assigned at once) past the page cache, with O_DIRECT, when
// H5ARCHIVE_DIRECT_WRITES=1 asks for it.
//
// A buffered write has the kernel find a page-cache page for every 4 KiB it
// writes. Pages the machine freed a moment ago are cheap, pages it has not
// used lately can be dear: in virtual machines that hand free memory back to
// the host (virtio-balloon free page reporting) each is a fault in the host,
// and on the machine of docs/benchmarks.md h5py's buffered write of 256 MiB
// took 0.1 s with warm pages and 0.7-1.4 s with cold ones, where O_DIRECT took
// 0.3-0.45 s either way (the disk's speed). A write of gigabytes through the
// cache also evicts what other processes had cached. With warm pages,
// buffered writes are the faster (about 2x there), so direct writes are not
// the default. Data written this way reaches the device before write()
// returns (not the disk's own cache: no fsync); reading it back right away
// comes from the device.
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace h5archive::detail {

/// Raw-data writes at least this large go write_direct()'s way, when
/// H5ARCHIVE_DIRECT_WRITES=1.
inline constexpr std::size_t kDirectWriteMin = 8u << 20;

/// A second descriptor of a file, opened with O_DIRECT when first needed.
struct DirectFd {
  int fd = -1;               ///< -1: not opened (yet)
  bool unsupported = false;  ///< the file system refused O_DIRECT: plain writes
  std::size_t offset_align = 0, memory_align = 0;
};

/// Writes `size` bytes of `buf` at `offset` of the file open read-write as
/// `fd`: with H5ARCHIVE_DIRECT_WRITES=1 (read when `direct` is first used)
/// and `size` >= kDirectWriteMin, the page-aligned middle through `direct` (opened on first use by
/// reopening `fd`, so it is the very same file), from `buf` itself when it is
/// aligned as the file system asks, else through an 8 MiB aligned bounce
/// buffer; the edges with pwrite(). Where the file system does not do
/// O_DIRECT, or refuses a write with EINVAL, all of it goes through
/// pwrite(); otherwise all of it with pwrite(). Returns 0, or the errno of the failed write (ENOSPC
/// for a write that wrote nothing). Never throws.
int write_direct(int fd, DirectFd& direct, const char* buf, std::size_t size,
                 off_t offset) noexcept;

/// Closes `direct`'s descriptor if it was opened.
void close_direct(DirectFd& direct) noexcept;

/// pwrite() of all `size` bytes, retrying short writes and EINTR, at most
/// Linux's 0x7ffff000 bytes per call. Returns 0 or the errno (ENOSPC for a
/// write that wrote nothing).
int write_all(int fd, const char* buf, std::size_t size, off_t offset) noexcept;

}  // namespace h5archive::detail
