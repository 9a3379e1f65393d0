// Internal: the staging roots this process uses, and opening a file below
// one of them through the kernel's walk (beneath.hpp), with failures worded
// for users. The staging driver, the resolver's checks and the library's own
// reads of entry files all open through open_staged().
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace h5archive::detail {

/// Registers a staging root (called by every StagingArea): from then on every
/// file the library opens below it goes through the staging driver. Both the
/// root as given (made absolute) and its canonical form are recorded, since
/// files are named below either. Idempotent and thread-safe.
void register_staging_root(const std::filesystem::path& root, int prefix_size);

/// A file below a registered staging root: the root's spelling the file was
/// named under, and the upload folder that holds it (empty if the file lies
/// directly in the root or a shard folder).
struct StagedPath {
  std::string root;
  std::string upload_dir;
  std::string file;  ///< absolute, as named (not normalised)
};

/// The staging root `file` lies below, if any (lexically: the kernel decides
/// where the name really leads when it is opened).
std::optional<StagedPath> find_staged(const std::filesystem::path& file);

/// Why an open below a boundary failed.
struct OpenFailure {
  enum class Kind { none, no_upload, missing, escape, not_regular, other };
  Kind kind = Kind::none;
  int err = 0;          ///< the errno HDF5's convention reports (ENOENT, EACCES, ...)
  std::string message;  ///< names the file and the reason
};

/// Opens `file` (absolute) below `boundary` (`root` itself or an upload folder
/// below it) with open(2) `flags`; only regular files open (O_PATH opens
/// answer for anything but report non-regular files too). Returns the
/// descriptor, or -1 with `failure` filled in.
int open_staged(const std::string& root, const std::string& boundary, const std::string& file,
                int flags, OpenFailure& failure) noexcept;

/// Removes `file` (not what a symbolic link there points to) below
/// `boundary`, its folder reached through the kernel's walk. Returns 0, or -1
/// with `failure` filled in.
int unlink_staged(const std::string& root, const std::string& boundary, const std::string& file,
                  OpenFailure& failure) noexcept;

/// Creates `folder` (absolute, below `root`) and its missing parents, each
/// made and entered through the kernel's walk below `root`. Throws the typed
/// error of throw_open_failure() when a component leads outside.
void make_folders_staged(const std::string& root, const std::string& folder);

/// Copies the regular file `source` to `destination` (absolute, below
/// `boundary`, or below `root` if `boundary` is empty), created or truncated
/// through the walk. Throws like make_folders_staged().
void copy_into_staged(const std::filesystem::path& source, const std::string& root,
                      const std::string& boundary, const std::string& destination);

/// The whole content of `file`, or std::nullopt if it does not exist. Below
/// a staging root it is read through the walk (a link leading outside, a
/// folder or a FIFO is an error, not "missing"); elsewhere as it is.
std::optional<std::string> read_whole_file(const std::filesystem::path& file);

/// The staging driver's last failure in this thread: recorded by the driver
/// (a C callback, which can only push text on HDF5's stack), taken by the
/// library right after a failed H5Fopen/H5Fcreate to throw the typed error.
/// take_driver_failure() returns it and forgets it (Kind::none if none).
void record_driver_failure(const OpenFailure& failure) noexcept;
OpenFailure take_driver_failure() noexcept;

/// Throws the library's typed error for `failure`: NotFoundError, SecurityError
/// or ResolveError.
[[noreturn]] void throw_open_failure(const OpenFailure& failure);

}  // namespace h5archive::detail
