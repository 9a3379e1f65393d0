#include "bench_support.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <stdexcept>

namespace h5archive::bench {

double seconds_of(const std::function<void()>& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void require(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what + " failed");
}

TempFolder::TempFolder() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      (fs::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") / "h5archive-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a temporary folder from " + pattern);
  path_ = pattern;
}

TempFolder::~TempFolder() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void settle(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot open " + folder.string());
  ::syncfs(fd);
  ::close(fd);
}

std::string met(bool ok) { return ok ? "yes" : "NO"; }

void print_table(const std::vector<Row>& rows) {
  std::size_t w[6] = {11, 9, 8, 5, 4, 3};
  for (const Row& r : rows) {
    w[0] = std::max(w[0], r.what.size());
    w[1] = std::max(w[1], r.h5archive.size());
    w[2] = std::max(w[2], r.baseline.size());
    w[3] = std::max(w[3], r.ratio.size());
    w[4] = std::max(w[4], r.goal.size());
  }
  const auto line = [&](const Row& r) {
    fmt::print("{:<{}}  {:>{}}  {:>{}}  {:>{}}  {:<{}}  {}\n", r.what, w[0], r.h5archive, w[1],
               r.baseline, w[2], r.ratio, w[3], r.goal, w[4], r.met);
  };
  line({"measurement", "h5archive", "baseline", "ratio", "goal", "met"});
  line({std::string(w[0], '-'), std::string(w[1], '-'), std::string(w[2], '-'),
        std::string(w[3], '-'), std::string(w[4], '-'), "---"});
  for (const Row& r : rows) line(r);
}

namespace {

// The value after "key:" on the first line of `file` starting with `key`.
std::string proc_field(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) != 0) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::size_t start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? std::string{} : line.substr(start);
  }
  return {};
}

}  // namespace

std::uint64_t peak_rss_kib() {
  // "VmHWM:     12345 kB"
  return std::strtoull(proc_field("/proc/self/status", "VmHWM").c_str(), nullptr, 10);
}

std::string machine_description(const std::string& prefix) {
  const std::string model = proc_field("/proc/cpuinfo", "model name");
  const double ram_gib = static_cast<double>(std::strtoull(
                             proc_field("/proc/meminfo", "MemTotal").c_str(), nullptr, 10)) /
                         (1024.0 * 1024.0);
  utsname u{};
  ::uname(&u);
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  const std::time_t now = std::time(nullptr);
  char date[64];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));
  std::string load;
  std::ifstream("/proc/loadavg") >> load;
  std::string out;
  out += fmt::format("{}date     {}\n", prefix, date);
  out += fmt::format("{}cpu      {} x {}\n", prefix, ::sysconf(_SC_NPROCESSORS_ONLN),
                     model.empty() ? "unknown" : model);
  out += fmt::format("{}ram      {:.1f} GiB\n", prefix, ram_gib);
  out += fmt::format("{}kernel   {} {} ({})\n", prefix, u.sysname, u.release, u.machine);
  out += fmt::format("{}hdf5     {}.{}.{}\n", prefix, major, minor, release);
  out += fmt::format("{}load     {} (1-minute average at start; the machine is shared)\n", prefix,
                     load);
  return out;
}

void write_fully(int fd, const void* data, std::size_t size, const fs::path& file) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, std::min<std::size_t>(size, std::size_t{1} << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      throw std::runtime_error("write " + file.string() + ": " + std::strerror(err));
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace h5archive::bench
