#include "h5archive/checked_size.hpp"

#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "h5archive/array.hpp"
#include "h5archive/errors.hpp"

namespace h5archive {
namespace {

std::string shape_text(std::span<const std::uint64_t> shape) {
  return shape_str(Shape(shape.begin(), shape.end()));
}

// Field `index` (0-based) of /proc/self/statm in bytes, if readable.
std::optional<std::uint64_t> statm_bytes(int index) {
  std::ifstream in("/proc/self/statm");
  std::uint64_t pages = 0;
  for (int i = 0; i <= index; ++i)
    if (!(in >> pages)) return std::nullopt;
  const long page = ::sysconf(_SC_PAGESIZE);
  if (page <= 0) return std::nullopt;
  return checked_mul(pages, static_cast<std::uint64_t>(page));
}

// The soft limit `resource` less what the process already uses of it
// (`used`, a statm field); nullopt if unlimited.
std::optional<std::uint64_t> rlimit_headroom(int resource, int used_field) {
  rlimit limit{};
  if (::getrlimit(resource, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::nullopt;
  const std::uint64_t cap = limit.rlim_cur;
  const std::uint64_t used = statm_bytes(used_field).value_or(0);
  return used < cap ? cap - used : 0;
}

// The smallest memory.max of the process's cgroup v2 and its parents, as
// seen under /sys/fs/cgroup; nullopt where there is none ("max", cgroup v1).
std::optional<std::uint64_t> cgroup_memory_max() {
  std::ifstream cgroups("/proc/self/cgroup");
  std::string line, path;
  while (std::getline(cgroups, line))
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::optional<std::uint64_t> smallest;
  for (;;) {
    std::ifstream in("/sys/fs/cgroup" + path + (path == "/" ? "" : "/") + "memory.max");
    std::uint64_t v = 0;
    if (in >> v && (!smallest || v < *smallest)) smallest = v;
    if (path == "/") break;
    const std::size_t slash = path.rfind('/');
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
  return smallest;
}

// Small buffers are the common case (a row, a per-call read): the limits are
// only looked up (a few /proc and /sys reads) for buffers above this.
constexpr std::uint64_t kAlwaysFine = 64u << 20;

// The product of the dimensions other than 0. numpy's rule: they must
// multiply without overflow even when a 0 makes the array empty, so that the
// answer does not depend on the order of the axes (and an extent growing from
// 0 rows was valid to begin with).
std::uint64_t nonzero_product(std::span<const std::uint64_t> shape, std::string_view what) {
  std::uint64_t n = 1;
  for (const std::uint64_t d : shape) {
    const auto next = checked_mul(n, d == 0 ? 1 : d);
    if (!next)
      throw ValueError(fmt::format("{} has shape {}: its element count does not fit in 64 bits",
                                   what, shape_text(shape)));
    n = *next;
  }
  return n;
}

bool has_zero(std::span<const std::uint64_t> shape) {
  for (const std::uint64_t d : shape)
    if (d == 0) return true;
  return false;
}

}  // namespace

std::uint64_t checked_element_count(std::span<const std::uint64_t> shape, std::string_view what) {
  const std::uint64_t n = nonzero_product(shape, what);
  return has_zero(shape) ? 0 : n;
}

std::uint64_t checked_byte_size(std::span<const std::uint64_t> shape, std::uint64_t item_size,
                                std::string_view what) {
  const auto bytes = checked_mul(nonzero_product(shape, what), item_size);
  if (!bytes)
    throw ValueError(fmt::format(
        "{} has shape {} of {}-byte elements: its size in bytes does not fit in 64 bits", what,
        shape_text(shape), item_size));
  return has_zero(shape) ? 0 : *bytes;
}

AllocationLimit allocation_limit() {
  AllocationLimit limit{static_cast<std::uint64_t>(PTRDIFF_MAX),
                        "PTRDIFF_MAX, the largest object C++ can address"};
  const auto lower = [&](std::optional<std::uint64_t> bytes, const char* reason) {
    if (bytes && *bytes < limit.bytes) limit = {*bytes, reason};
  };
  struct sysinfo info {};
  if (::sysinfo(&info) == 0) {
    const auto ram = checked_mul(info.totalram, info.mem_unit);
    const auto swap = checked_mul(info.totalswap, info.mem_unit);
    if (ram && swap) lower(checked_add(*ram, *swap), "physical memory and swap");
  }
  lower(cgroup_memory_max(), "the cgroup memory limit, memory.max");
  // statm fields: 0 = all mappings (what RLIMIT_AS counts), 5 = data + stack.
  lower(rlimit_headroom(RLIMIT_AS, 0), "the address-space limit (ulimit -v) less what is mapped");
  lower(rlimit_headroom(RLIMIT_DATA, 5), "the data-segment limit (ulimit -d) less what is used");
  return limit;
}

std::size_t allocatable(std::uint64_t bytes, std::string_view what) {
  if (bytes <= kAlwaysFine) return static_cast<std::size_t>(bytes);
  const AllocationLimit limit = allocation_limit();
  if (bytes > limit.bytes)
    throw ValueError(fmt::format(
        "{} needs {} ({} bytes) in memory at once, more than this process may allocate (at "
        "most {}: {})",
        what, human_bytes(bytes), bytes, human_bytes(limit.bytes), limit.reason));
  return static_cast<std::size_t>(bytes);
}

std::size_t allocatable(std::span<const std::uint64_t> shape, std::uint64_t item_size,
                        std::string_view what) {
  const std::uint64_t bytes = checked_byte_size(shape, item_size, what);
  if (bytes <= kAlwaysFine) return static_cast<std::size_t>(bytes);
  return allocatable(bytes, fmt::format("{} of shape {}", what, shape_text(shape)));
}

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  auto value = static_cast<double>(bytes);
  int u = 0;
  while (value >= 1024 && u < 6) {
    value /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{:.0f} {}", value, units[u])
                : fmt::format("{:.1f} {}", value, units[u]);
}

}  // namespace h5archive
