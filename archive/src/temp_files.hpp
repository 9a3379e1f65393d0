// Internal: temporary files beside a target that is then replaced by rename
// (atomic JSON saves, .npy files). Not installed; used by archive/src and
// unit tests.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace h5archive::detail {

/// A temporary file created exclusively beside `target` (same folder, so a
/// rename onto the target is atomic): `<target>.tmp-<host>-<pid>-<n>`, opened
/// with O_CREAT | O_EXCL | O_NOFOLLOW and mode 0600, so it is never a file
/// or symbolic link someone else planted. The host name is part of the name
/// because a staging area may be shared by several hosts, whose process ids
/// mean nothing here (see remove_stale_temporaries).
struct TemporaryFile {
  std::filesystem::path path;
  int fd = -1;
};

/// Creates the temporary for `target`; throws Error naming it and the reason
/// (errno's text) if it cannot be created.
TemporaryFile create_temporary_beside(const std::filesystem::path& target);

/// Gives a temporary about to be renamed onto its target the mode a newly
/// created file would have (0666 less the process's umask, read from
/// /proc/self/status: calling umask() to read it would race with other
/// threads). Returns false with errno set if fchmod fails.
bool set_new_file_mode(int fd) noexcept;

/// The parts of a temporary's name, for clean-up: nullopt unless `name` is
/// `<target_name>.tmp-<host>-<pid>-<n>`.
struct TemporaryName {
  std::string host;
  long pid = 0;
};
std::optional<TemporaryName> parse_temporary_name(const std::string& name,
                                                  const std::string& target_name);

/// This host's name as it appears in temporaries' names: gethostname(), with
/// characters other than letters, digits, '.' and '-' replaced by '_' (at
/// most 64 characters).
std::string temporary_host_name();

/// Temporaries of writers that died (SIGKILL, power cut) before renaming
/// them are never read. This removes the temporaries of `target` that are
/// regular files, were created on this host by a process that no longer
/// exists (kill(pid, 0) fails with ESRCH) and were last modified more than
/// `min_age` ago (a process id can be reused, and two containers can share a
/// host name but not their process ids: an old file is not being written).
/// Temporaries of other hosts are never removed: their process ids cannot be
/// checked from here. Never throws.
inline constexpr std::chrono::seconds kStaleTemporaryAge{600};
void remove_stale_temporaries(const std::filesystem::path& target,
                              std::chrono::seconds min_age = kStaleTemporaryAge) noexcept;

}  // namespace h5archive::detail
