// What every benchmark of `bench` shares: timing, medians, a self-removing
// temporary folder, HDF5 ids closed on scope exit, peak resident memory and a
// description of the machine the figures come from.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "h5archive/hdf5.hpp"

namespace h5archive::bench {

namespace fs = std::filesystem;

/// Every benchmark array is float64 rows x kColumns: 64 KiB rows, 16 per MiB.
inline constexpr std::uint64_t kColumns = 8192;
inline constexpr std::uint64_t kRowsPerMiB = 16;
inline constexpr double kMiB = 1024.0 * 1024.0;

/// Wall-clock seconds `fn` takes (steady clock).
double seconds_of(const std::function<void()>& fn);

/// Median of `v` (mean of the middle two for an even count); 0 for none.
double median(std::vector<double> v);

/// Throws std::runtime_error("<what> failed") unless `ok`.
void require(bool ok, const std::string& what);

/// A fresh folder `h5archive-bench-XXXXXX` under $TMPDIR (or /tmp), removed
/// with everything in it when the object goes, whether the benchmark ended
/// normally or by an exception.
class TempFolder {
 public:
  TempFolder();
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// Closes an HDF5 id on scope exit so a failed measurement leaks nothing.
using hdf5::Handle;

/// Writes `size` bytes at `data` to `fd` with write(2), at most 1 GiB per
/// call, retrying short writes; on failure closes `fd` and throws naming
/// `file`. The plain-write baselines all go through here.
void write_fully(int fd, const void* data, std::size_t size, const fs::path& file);

/// Writes back every dirty page of the file system holding `folder`
/// (syncfs), untimed, before a write measurement: each then starts from a
/// clean page cache instead of paying, at random, for the writeback of the
/// previous one (or of other processes' files). Times are still from create
/// to close, without fsync.
void settle(const fs::path& folder);

/// One line of the report: a figure of h5archive, the figure it is compared
/// with (the baseline named in `what`), their ratio, the goal and whether it
/// is met ("yes", "NO", or "-" where there is no goal).
struct Row {
  std::string what;
  std::string h5archive;
  std::string baseline;
  std::string ratio;
  std::string goal;
  std::string met;
};

/// "yes" or "NO".
std::string met(bool ok);

/// Prints the rows as one aligned table on stdout.
void print_table(const std::vector<Row>& rows);

/// This process's peak resident set size (VmHWM of /proc/self/status), KiB;
/// 0 where the kernel does not report it.
std::uint64_t peak_rss_kib();

/// Lines describing the machine: cores, RAM, CPU model, kernel, HDF5 version,
/// date and load average, each prefixed with `prefix`.
std::string machine_description(const std::string& prefix);

}  // namespace h5archive::bench
