// The staging file driver: how every file below a staging root reaches HDF5.
//
// HDF5 opens files by name, again and again (the file itself, the targets of
// its external links, the sources of its virtual datasets), and each time
// the kernel resolves the name anew. The staging driver is a POSIX driver
// with sec2's semantics (read-write, file locks, SWMR) whose every open is a
// walk below the staging root that the kernel enforces (openat2 with
// RESOLVE_BENEATH): the file HDF5 reads is the file that was checked. The
// file a name resolved to opens below its upload; anything HDF5 opens from
// it opens below the staging root or not at all, whatever HDF5_EXT_PREFIX,
// HDF5_VDS_PREFIX or the working directory say. docs/security.md has the
// whole threat model.
#pragma once

#include <hdf5.h>

#include <filesystem>
#include <string>

namespace h5archive {

/// The driver's id, registered with HDF5 on first use (and again after
/// H5close). Throws HDF5Error if HDF5 refuses it.
hid_t staging_driver();

/// If `file` lies below a staging root this process uses (one a StagingArea
/// was made for), selects the staging driver on the file-access list `fapl`
/// for it and returns true; returns false, leaving `fapl` as it was, for any
/// other file. Throws HDF5Error if the list cannot be changed.
bool use_staging_driver(hid_t fapl, const std::filesystem::path& file);

/// Whether `file` (an OS path, as HDF5 names an open file) lies below a
/// staging root this process uses.
bool is_staged(const std::filesystem::path& file);

/// Why the staging driver last refused to open or delete a file in this
/// thread; taking it forgets it (a second call answers `none`). Lets a
/// caller that only sees HDF5's failure tell a missing file from an escape.
struct StagingRefusal {
  enum class Kind { none, missing, escape, not_regular, other };
  Kind kind = Kind::none;
  int err = 0;          ///< the errno HDF5's convention reports (ENOENT, EACCES, ...)
  std::string message;  ///< names the file and the reason
};
StagingRefusal take_staging_refusal();

/// Throws SecurityError, naming the dataset, the file and the other file,
/// if the dataset creation list `dcpl` of `dataset` in the staged `file`
/// - stores raw data in external files (H5Pset_external): HDF5 opens those
///   with plain open(), below no driver, so no check of ours could hold;
/// - is virtual with a source file that does not open below the staging
///   root (outside it, through a link leading out, or missing): HDF5 would
///   otherwise look for it under other names or silently read fill values.
/// Does nothing for other files.
void refuse_unsafe_storage(hid_t dcpl, const std::filesystem::path& file,
                           const std::string& dataset);

}  // namespace h5archive
