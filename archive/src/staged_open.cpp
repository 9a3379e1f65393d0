// Staging roots and the opening of files below them (staged_open.hpp).
#include "staged_open.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "beneath.hpp"
#include "h5archive/errors.hpp"
#include "printable.hpp"

namespace fs = std::filesystem;

namespace h5archive::detail {
namespace {

struct Root {
  std::string path;  // absolute, no trailing '/'
  int prefix_size;
};

std::mutex roots_mutex;
std::vector<Root>& roots() {
  static std::vector<Root> all;
  return all;
}

std::string without_trailing_slash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// True if `path` is `folder` or lies below it, comparing whole components.
bool below(const std::string& path, const std::string& folder) {
  if (folder == "/") return path.starts_with('/');
  return path.starts_with(folder) && (path.size() == folder.size() || path[folder.size()] == '/');
}

std::string absolute_name(const std::string& name) {
  if (name.starts_with('/')) return name;
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  return ec ? name : (cwd / name).string();
}

std::string describe(const std::string& root, const std::string& boundary) {
  if (boundary == root) return fmt::format("the staging root {}", root);
  return fmt::format("upload {}", quote(fs::path(boundary).filename().string()));
}

int fail(OpenFailure& failure, OpenFailure::Kind kind, int err, std::string message) {
  failure = {kind, err, std::move(message)};
  return -1;
}

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "not a regular file";
}

}  // namespace

void register_staging_root(const fs::path& root, int prefix_size) {
  std::error_code ec;
  const std::string given = without_trailing_slash(fs::absolute(root, ec).lexically_normal());
  const auto known = [&](const std::string& path) {
    for (const Root& r : roots())
      if (r.path == path && r.prefix_size == prefix_size) return true;
    return false;
  };
  {
    // The common case (the same root again) costs no system call.
    std::lock_guard lock(roots_mutex);
    if (known(given)) return;
  }
  const std::string canonical = without_trailing_slash(fs::weakly_canonical(given, ec));
  std::lock_guard lock(roots_mutex);
  for (const std::string& path : {given, canonical})
    if (!path.empty() && !known(path)) roots().push_back({path, prefix_size});
}

std::optional<StagedPath> find_staged(const fs::path& file) {
  const std::string name = absolute_name(file.string());
  std::lock_guard lock(roots_mutex);
  const Root* best = nullptr;
  for (const Root& r : roots())
    if (below(name, r.path) && (!best || r.path.size() > best->path.size())) best = &r;
  if (!best) return std::nullopt;
  // <root>/<shard>/<upload>/... or <root>/<upload>/... with no shard folder.
  const std::size_t levels = best->prefix_size > 0 ? 2 : 1;
  std::size_t end = best->path.size();
  for (std::size_t i = 0; i < levels && end != std::string::npos; ++i)
    end = name.find('/', end + 1);
  StagedPath out{best->path, {}, name};
  if (end != std::string::npos) out.upload_dir = name.substr(0, end);
  return out;
}

namespace {

// The failure of open_beneath() (errno `err`) for `name`, in the words the
// connector and the CLI show; `where` is describe(root, boundary).
int open_failure(int err, const std::string& name, int flags, const std::string& where,
                 OpenFailure& failure) {
  using Kind = OpenFailure::Kind;
  if (err == EXDEV)
    return fail(
        failure, Kind::escape, EACCES,
        fmt::format("{} resolves through a symbolic link or '..' to outside {}", name, where));
  if (err == ELOOP)
    return fail(failure, Kind::escape, EACCES,
                fmt::format("{}: too many levels of symbolic links (on kernels without "
                            "openat2, any symbolic link) below {}",
                            name, where));
  if (err == ENOENT)
    return fail(failure, Kind::missing, ENOENT,
                (flags & O_CREAT) ? fmt::format("folder of {} does not exist", name)
                                  : fmt::format("missing file {}", name));
  // O_NONBLOCK: a socket, or a FIFO opened for writing with no reader.
  if (err == ENXIO || err == ENODEV)
    return fail(failure, Kind::not_regular, err,
                fmt::format("{} is not a regular file (a socket, FIFO or device)", name));
  if (err == EISDIR)
    return fail(failure, Kind::not_regular, EISDIR,
                fmt::format("{} is a folder, not a file", name));
  return fail(failure, Kind::other, err,
              fmt::format("cannot open {}: {}", name, std::strerror(err)));
}

// `opened` if it is a regular file, switched back to blocking I/O unless it
// is an O_PATH descriptor; else -1 with the reason in `failure`.
int checked_regular(Fd opened, const std::string& name, bool path_only, OpenFailure& failure) {
  using Kind = OpenFailure::Kind;
  const int fd = opened.get();
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return fail(failure, Kind::other, errno,
                fmt::format("cannot stat {}: {}", name, std::strerror(errno)));
  if (S_ISDIR(st.st_mode))
    return fail(failure, Kind::not_regular, EISDIR,
                fmt::format("{} is a folder, not a file", name));
  if (!S_ISREG(st.st_mode))
    return fail(failure, Kind::not_regular, EINVAL,
                fmt::format("{} is {}, not a regular file", name, file_kind(st.st_mode)));
  if (!path_only && ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
    return fail(failure, Kind::other, errno,
                fmt::format("cannot use {}: {}", name, std::strerror(errno)));
  return opened.release();
}

}  // namespace

int open_staged(const std::string& root, const std::string& boundary, const std::string& file,
                int flags, OpenFailure& failure) noexcept {
  using Kind = OpenFailure::Kind;
  try {
    const std::string name = absolute_name(file);
    if (!below(boundary, root) || !below(name, boundary) || name == boundary)
      return fail(failure, Kind::escape, EACCES,
                  fmt::format("{} lies outside {}", name, describe(root, boundary)));
    const auto no_upload = [&] {
      return fail(failure, Kind::no_upload, ENOENT,
                  fmt::format("unknown upload {} (no folder {})",
                              quote(fs::path(boundary).filename().string()), boundary));
    };
    Fd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root_fd.valid()) {
      if (errno == ENOENT && boundary != root) return no_upload();
      return fail(failure, Kind::missing, errno,
                  fmt::format("staging root {} cannot be opened: {}", root, std::strerror(errno)));
    }
    Fd boundary_fd;
    int at = root_fd.get();
    if (boundary != root) {
      const int fd = open_beneath(at, boundary.substr(root.size() + 1), O_PATH | O_DIRECTORY);
      if (fd < 0) {
        if (-fd == ENOENT) return no_upload();
        return fail(
            failure, Kind::escape, EACCES,
            fmt::format("upload folder {} leads outside the staging root {}", boundary, root));
      }
      boundary_fd = Fd(fd);
      at = fd;
    }
    // O_NONBLOCK: opening a FIFO must not wait for a writer; cleared below.
    const bool path_only = (flags & O_PATH) != 0;
    const int open_flags = path_only ? flags : flags | O_NONBLOCK | O_NOCTTY;
    const int fd = open_beneath(at, name.substr(boundary.size() + 1), open_flags, 0666);
    if (fd < 0) return open_failure(-fd, name, flags, describe(root, boundary), failure);
    return checked_regular(Fd(fd), name, path_only, failure);
  } catch (const std::exception& e) {  // allocation failures only
    return fail(failure, Kind::other, ENOMEM, e.what());
  }
}

int unlink_staged(const std::string& root, const std::string& boundary, const std::string& file,
                  OpenFailure& failure) noexcept {
  using Kind = OpenFailure::Kind;
  try {
    const fs::path name(absolute_name(file));
    const std::string base = name.filename().string();
    if (base.empty() || base == "." || base == "..")
      return fail(failure, Kind::other, EINVAL,
                  fmt::format("{} does not name a file", name.string()));
    // The folder must itself be below the boundary: open it the same way.
    const std::string folder = name.parent_path().string();
    if (!below(folder, boundary) || !below(boundary, root))
      return fail(failure, Kind::escape, EACCES,
                  fmt::format("{} lies outside {}", name.string(), describe(root, boundary)));
    Fd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root_fd.valid())
      return fail(failure, Kind::missing, errno,
                  fmt::format("staging root {} cannot be opened", root));
    Fd dir;
    if (folder != root) {
      const int fd =
          open_beneath(root_fd.get(), folder.substr(root.size() + 1), O_PATH | O_DIRECTORY);
      if (fd < 0)
        return fail(
            failure, -fd == ENOENT ? Kind::missing : Kind::escape, -fd == ENOENT ? ENOENT : EACCES,
            fmt::format("folder of {} {}", name.string(),
                        -fd == ENOENT ? "does not exist" : "leads outside the staging root"));
      dir = Fd(fd);
    }
    const int at = dir.valid() ? dir.get() : root_fd.get();
    // Only regular files (and a link itself) are removed, never a folder.
    if (::unlinkat(at, base.c_str(), 0) != 0)
      return fail(failure, errno == ENOENT ? Kind::missing : Kind::other, errno,
                  fmt::format("cannot delete {}: {}", name.string(), std::strerror(errno)));
    return 0;
  } catch (const std::exception& e) {
    return fail(failure, Kind::other, ENOMEM, e.what());
  }
}

void make_folders_staged(const std::string& root, const std::string& folder) {
  if (!below(folder, root))
    throw SecurityError(fmt::format("{} lies outside the staging root {}", folder, root));
  Fd at(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!at.valid())
    throw NotFoundError(
        fmt::format("staging root {} cannot be opened: {}", root, std::strerror(errno)));
  const fs::path rest = fs::path(folder).lexically_relative(root);
  for (const fs::path& part : rest) {
    const std::string name = part.string();
    if (name.empty() || name == ".") continue;
    if (name == "..")
      throw SecurityError(fmt::format("{} leaves the staging root {}", folder, root));
    if (::mkdirat(at.get(), name.c_str(), 0777) != 0 && errno != EEXIST)
      throw ResolveError(
          fmt::format("cannot create folder {} in {}: {}", name, folder, std::strerror(errno)));
    const int next = open_beneath(at.get(), name, O_PATH | O_DIRECTORY);
    if (next < 0)
      throw SecurityError(
          fmt::format("folder {} of {} is not a folder below the staging root {} ({})", name,
                      folder, root, std::strerror(-next)));
    at = Fd(next);
  }
}

void copy_into_staged(const fs::path& source, const std::string& root, const std::string& boundary,
                      const std::string& destination) {
  Fd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid())
    throw NotFoundError(fmt::format("cannot read {}: {}", source.string(), std::strerror(errno)));
  OpenFailure failure;
  Fd out(open_staged(root, boundary.empty() ? root : boundary, destination,
                     O_WRONLY | O_CREAT | O_TRUNC, failure));
  if (!out.valid()) throw_open_failure(failure);
  std::string buffer(1 << 20, '\0');
  for (;;) {
    const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw ResolveError(fmt::format("cannot read {}: {}", source.string(), std::strerror(errno)));
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w =
          ::write(out.get(), buffer.data() + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0)
        throw ResolveError(fmt::format("cannot write {}: {}", destination, std::strerror(errno)));
      done += w;
    }
  }
  if (::fsync(out.get()) != 0 || ::close(out.release()) != 0)
    throw ResolveError(fmt::format("cannot write {}: {}", destination, std::strerror(errno)));
}

std::optional<std::string> read_whole_file(const fs::path& file) {
  Fd fd;
  if (const auto staged = find_staged(file)) {
    OpenFailure failure;
    fd =
        Fd(open_staged(staged->root, staged->upload_dir.empty() ? staged->root : staged->upload_dir,
                       staged->file, O_RDONLY, failure));
    if (!fd.valid()) {
      if (failure.kind == OpenFailure::Kind::missing) return std::nullopt;
      throw_open_failure(failure);
    }
  } else {
    fd = Fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
      if (errno == ENOENT) return std::nullopt;
      throw ResolveError(fmt::format("cannot open {}: {}", file.string(), std::strerror(errno)));
    }
  }
  std::string content;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw ResolveError(fmt::format("cannot read {}: {}", file.string(), std::strerror(errno)));
    if (n == 0) return content;
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

namespace {
thread_local OpenFailure last_driver_failure;
}

void record_driver_failure(const OpenFailure& failure) noexcept {
  try {
    last_driver_failure = failure;
  } catch (...) {
    last_driver_failure.kind = OpenFailure::Kind::other;
  }
}

OpenFailure take_driver_failure() noexcept {
  OpenFailure out = std::move(last_driver_failure);
  last_driver_failure = OpenFailure{};
  return out;
}

void throw_open_failure(const OpenFailure& failure) {
  switch (failure.kind) {
    case OpenFailure::Kind::no_upload:
    case OpenFailure::Kind::missing:
      throw NotFoundError(failure.message);
    case OpenFailure::Kind::escape:
      throw SecurityError(failure.message);
    default:
      throw ResolveError(failure.message);
  }
}

}  // namespace h5archive::detail
