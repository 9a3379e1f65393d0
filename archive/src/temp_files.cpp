// Temporary files beside a target, created exclusively and cleaned up only
// when their writer is known to be gone.
#include "temp_files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "h5archive/errors.hpp"

namespace h5archive::detail {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMarker = ".tmp-";

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::string temporary_host_name() {
  char buffer[256] = {};
  if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return "unknown-host";
  std::string host(buffer, ::strnlen(buffer, sizeof buffer));
  if (host.size() > 64) host.resize(64);
  for (char& c : host) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-';
    if (!plain) c = '_';
  }
  return host;
}

TemporaryFile create_temporary_beside(const fs::path& target) {
  // The counter makes names unique within a process (two writers of the same
  // target in two threads); O_EXCL makes them unique against everything else,
  // including a leftover of a dead process that had our pid.
  static std::atomic<unsigned long> counter{0};
  const std::string host = temporary_host_name();
  for (int attempt = 0;; ++attempt) {
    fs::path path = target;
    path += fmt::format("{}{}-{}-{}", kMarker, host, ::getpid(), counter++);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) return {std::move(path), fd};
    if (errno != EEXIST || attempt >= 100)
      throw IOError(fmt::format("Cannot create {}: {}", path.string(), std::strerror(errno)));
  }
}

bool set_new_file_mode(int fd) noexcept {
  mode_t mask = 022;  // the usual one, should /proc not say
  if (std::FILE* status = std::fopen("/proc/self/status", "re")) {
    char line[256];
    while (std::fgets(line, sizeof line, status) != nullptr) {
      unsigned value = 0;
      if (std::sscanf(line, "Umask: %o", &value) == 1) {
        mask = static_cast<mode_t>(value);
        break;
      }
    }
    std::fclose(status);
  }
  return ::fchmod(fd, 0666 & ~mask) == 0;
}

std::optional<TemporaryName> parse_temporary_name(const std::string& name,
                                                  const std::string& target_name) {
  const std::string prefix = target_name + kMarker;
  if (!name.starts_with(prefix)) return std::nullopt;
  // <host>-<pid>-<n>: the host may contain '-', so it is parsed from the right.
  const std::string_view rest = std::string_view(name).substr(prefix.size());
  const std::size_t n_dash = rest.rfind('-');
  if (n_dash == std::string_view::npos || n_dash == 0 || !all_digits(rest.substr(n_dash + 1)))
    return std::nullopt;
  const std::size_t pid_dash = rest.rfind('-', n_dash - 1);
  if (pid_dash == std::string_view::npos || pid_dash == 0) return std::nullopt;
  const std::string_view pid_text = rest.substr(pid_dash + 1, n_dash - pid_dash - 1);
  if (!all_digits(pid_text) || pid_text.size() > 9) return std::nullopt;
  TemporaryName parsed;
  parsed.host = std::string(rest.substr(0, pid_dash));
  parsed.pid = std::stol(std::string(pid_text));
  return parsed;
}

void remove_stale_temporaries(const fs::path& target, std::chrono::seconds min_age) noexcept {
  try {
    const std::string target_name = target.filename().string();
    const std::string host = temporary_host_name();
    const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    const auto now = fs::file_time_type::clock::now();
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
      const std::string name = e.path().filename().string();
      const auto parsed = parse_temporary_name(name, target_name);
      if (!parsed || parsed->host != host || parsed->pid <= 0 || parsed->pid == ::getpid())
        continue;
      if (::kill(static_cast<pid_t>(parsed->pid), 0) == 0 || errno != ESRCH) continue;
      std::error_code status_ec;
      // symlink_status: a link named like a temporary is not ours to judge.
      if (!fs::is_regular_file(e.symlink_status(status_ec)) || status_ec) continue;
      const auto modified = fs::last_write_time(e.path(), status_ec);
      if (status_ec || now - modified < min_age) continue;
      std::error_code ignored;
      fs::remove(e.path(), ignored);
    }
  } catch (...) {
    // Clean-up is hygiene: a folder that cannot be listed is not an error of
    // the save that called it.
  }
}

}  // namespace h5archive::detail
