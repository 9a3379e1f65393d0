// The kernel-enforced walk below a folder (see beneath.hpp). Never text
// normalisation of link targets: the kernel applies `..` after following
// links, so only the kernel can say where a path really leads.
#include "beneath.hpp"

#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string_view>
#include <utility>

namespace h5archive::detail {
namespace {

// Set once the kernel said it has no openat2 (ENOSYS), or a seccomp filter
// refused it (EPERM with nothing else wrong): the walk below is used then.
std::atomic<bool> openat2_missing{false};

// openat2 answers EAGAIN when a rename anywhere on the system raced with a
// `..` lookup; a bounded number of retries keeps an attacker who renames in
// a loop from turning an open into a hang.
constexpr int kRetries = 64;

int with_openat2(int dirfd, const std::string& relative, int flags, mode_t mode) noexcept {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC);
  // O_TMPFILE includes O_DIRECTORY's bit: test it whole.
  how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    const long fd = ::syscall(SYS_openat2, dirfd, relative.c_str(), &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    const int err = errno;
    if ((err == EAGAIN || err == EINTR) && attempt < kRetries) continue;
    return -err;
  }
}

// Component by component, each opened with O_NOFOLLOW relative to the last:
// no symbolic link and no `..` is ever followed, so nothing can lead out.
int with_nofollow(int dirfd, const std::string& relative, int flags, mode_t mode) noexcept {
  std::string_view rest(relative);
  Fd current;
  int at = dirfd;
  for (;;) {
    const std::size_t slash = rest.find('/');
    const std::string part(rest.substr(0, slash));
    const bool last = slash == std::string_view::npos;
    rest = last ? std::string_view{} : rest.substr(slash + 1);
    if (part == "..") return -EXDEV;
    if (part.empty() || part == ".") {
      if (!last) continue;
      return -EISDIR;  // a path ending in '/' or '.' names a folder
    }
    if (last) {
      const int fd = ::openat(at, part.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
      return fd >= 0 ? fd : -errno;
    }
    const int next = ::openat(at, part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) return errno == ENOTDIR ? -ELOOP : -errno;  // ENOTDIR: a link or a file
    current = Fd(next);
    at = current.get();
  }
}

}  // namespace

int open_beneath(int dirfd, const std::string& relative, int flags, mode_t mode,
                 WalkMethod method) noexcept {
  if (relative.empty() || relative.front() == '/') return -EXDEV;
  if (relative.find('\0') != std::string::npos) return -EINVAL;
  if (method == WalkMethod::nofollow) return with_nofollow(dirfd, relative, flags, mode);
  if (method == WalkMethod::openat2 || !openat2_missing.load(std::memory_order_relaxed)) {
    const int fd = with_openat2(dirfd, relative, flags, mode);
    if (fd != -ENOSYS || method == WalkMethod::openat2) return fd;
    openat2_missing.store(true, std::memory_order_relaxed);
  }
  return with_nofollow(dirfd, relative, flags, mode);
}

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace h5archive::detail
