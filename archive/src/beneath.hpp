// Internal: opening a path below a folder the way the kernel enforces it.
// The one primitive every open of a staged file goes through (the staging
// driver, the resolver's checks, the JSON and .npy files of an entry).
#pragma once

#include <fcntl.h>
#include <sys/types.h>

#include <string>

namespace h5archive::detail {

/// How the walk is done: by the kernel's openat2(RESOLVE_BENEATH) where it
/// exists (Linux >= 5.6), else component by component with O_NOFOLLOW.
/// `automatic` picks the first that works; the others exist for tests.
enum class WalkMethod { automatic, openat2, nofollow };

/// Opens `relative` (no leading '/') below the folder `dirfd` with open(2)
/// `flags` and `mode`: the result never lies outside that folder, whatever
/// symbolic links or `..` the path or a concurrent writer put in the way.
/// Symbolic links that stay below the folder are followed (openat2); the
/// O_NOFOLLOW walk refuses every symbolic link and every `..`. O_CLOEXEC is
/// always added. Returns the descriptor, or -errno: EXDEV (or ELOOP) for a
/// path that would leave the folder, ENOENT, ENOTDIR, ... as open(2).
int open_beneath(int dirfd, const std::string& relative, int flags, mode_t mode = 0666,
                 WalkMethod method = WalkMethod::automatic) noexcept;

/// Owns a file descriptor; move-only, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) noexcept : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace h5archive::detail
