// write_file_atomically (atomic_file.hpp), built on the exclusive temporaries
// of temp_files.hpp.
#include "h5archive/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "h5archive/errors.hpp"
#include "temp_files.hpp"

namespace h5archive {

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  // Same folder as the target, so the rename is atomic; the data reach the
  // disk before the rename, so even after a power cut the file is the old or
  // the new version. The temporary is created exclusively (temp_files.hpp).
  detail::TemporaryFile tmp = detail::create_temporary_beside(path);
  const auto fail = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    if (tmp.fd >= 0) ::close(tmp.fd);
    std::error_code ignored;
    std::filesystem::remove(tmp.path, ignored);
    throw IOError(fmt::format("Cannot {} {}: {}", what, tmp.path.string(), reason));
  };
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(tmp.fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = ENOSPC;
    if (n <= 0) fail("write");
    done += static_cast<std::size_t>(n);
  }
  // Readers get the mode an ordinary file would have, not the temporary's 0600.
  if (!detail::set_new_file_mode(tmp.fd)) fail("set the mode of");
  if (::fsync(tmp.fd) != 0) fail("flush");
  const int fd = std::exchange(tmp.fd, -1);
  if (::close(fd) != 0) fail("close");
  std::error_code ec;
  std::filesystem::rename(tmp.path, path, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp.path, ignored);
    throw IOError(
        fmt::format("Cannot rename {} to {}: {}", tmp.path.string(), path.string(), ec.message()));
  }
  // The rename itself is made durable by syncing the folder (best effort).
  if (const int dir = ::open(path.parent_path().empty() ? "." : path.parent_path().c_str(),
                             O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  detail::remove_stale_temporaries(path);
}
}  // namespace h5archive
