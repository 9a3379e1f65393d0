// The staging area: where uploads, their raw files and entry archives live, and
// the one resolver that turns references and `/uploads/...` names into files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "h5archive/location.hpp"

namespace h5archive {

/// The root used when none is given: `$H5ARCHIVE_ROOT` if set and non-empty,
/// else NOMAD's default `.volumes/fs/staging` (relative to the working directory).
std::filesystem::path default_staging_root();

/// NOMAD's length of the shard folder name (`<root>/<upload[:2]>/<upload>`).
inline constexpr int kDefaultPrefixSize = 2;

/// The outcome of resolving a reference or a name: the location and the OS
/// path of its file in one staging area.
struct Resolved : Location {
  std::filesystem::path file;  ///< OS path of the HDF5 file (may not exist yet)
};

/// A staging root plus the sharding rule. Cheap to copy; holds no open files.
class StagingArea {
 public:
  /// `prefix_size`: length of the shard folder name taken from the upload id
  /// (0 = no shard folder). Throws ValueError if negative.
  explicit StagingArea(std::filesystem::path root = default_staging_root(),
                       int prefix_size = kDefaultPrefixSize);

  const std::filesystem::path& root() const { return root_; }
  int prefix_size() const { return prefix_size_; }

  /// `<root>/<upload[:prefix_size]>/<upload>`; validates the id.
  std::filesystem::path upload_dir(std::string_view upload_id) const;
  std::filesystem::path raw_dir(std::string_view upload_id) const;
  std::filesystem::path archive_dir(std::string_view upload_id) const;
  /// `archive/<entry>.h5` and `archive/<entry>.json` (both ids validated).
  std::filesystem::path archive_hdf5_path(std::string_view upload_id,
                                          std::string_view entry_id) const;
  std::filesystem::path archive_json_path(std::string_view upload_id,
                                          std::string_view entry_id) const;

  /// Whether the upload's folder exists; throws ResolveError for an unsafe id.
  bool has_upload(std::string_view upload_id) const;
  /// Creates `raw/` and `archive/` of the upload (no error if they exist),
  /// below the root through the kernel's walk (never through a link that
  /// leads outside it).
  void create_upload(std::string_view upload_id) const;

  /// Checks, through the same kernel walk every open takes, that a resolved
  /// file exists below its upload and is a regular file. Throws NotFoundError
  /// for a missing upload or file, SecurityError for a path that leads outside
  /// the upload (symbolic links, `..`), ResolveError for a folder, FIFO, ...
  /// With `file_may_be_missing`, only a missing file itself is accepted (a
  /// file about to be created): its upload must exist all the same.
  void check(const Resolved& resolved, bool file_may_be_missing = false) const;

  /// The OS path of a location's file. Reads no file system.
  std::filesystem::path path_of(const Location& location) const;

  /// The OS path of raw file `relative` of an upload: throws SecurityError if
  /// it is absolute or leaves `raw/` through `..` (lexically). Neither the
  /// upload nor the file need exist: where the path really leads (symbolic
  /// links) is decided by the kernel when it is opened, below the upload.
  std::filesystem::path raw_file_path(std::string_view upload_id, std::string_view relative) const;

  /// Copies `source` into the upload's raw folder as `relative` (intermediate
  /// folders created), writing through the kernel's walk below the upload;
  /// returns the destination.
  std::filesystem::path add_raw_file(std::string_view upload_id, std::string_view relative,
                                     const std::filesystem::path& source) const;

  /// Resolves a reference string (see docs/references.md):
  /// - no prefix: a raw file of `current_upload` (ResolveError if none given);
  /// - `/uploads/<u>/raw/<file>#<p>`: upload u's raw file (cross-upload works);
  /// - `/uploads/<u>/archive/<e>#<p>`: `archive/<e>.h5` of upload u;
  /// - any other directory: ResolveError.
  /// Throws ReferenceError for a malformed string; every message names it.
  /// Resolving reads no file system: the upload and the file are checked when
  /// they are opened (or by check()), by the kernel, so the answer cannot go
  /// stale between a check and the open.
  Resolved resolve(std::string_view reference,
                   std::optional<std::string_view> current_upload = std::nullopt) const;

  /// Maps a file name as HDF5 applications pass it (the VOL connector's entry
  /// point): `/uploads/<u>/archive/<e>`, `/uploads/<u>/raw/<path>`, or a whole
  /// reference `/uploads/...#<path>` (dataset set). Returns std::nullopt for
  /// every name that does not start with `/uploads/`, which the caller passes
  /// through unchanged. Throws like resolve() for a bad `/uploads/` name.
  std::optional<Resolved> resolve_name(std::string_view name) const;

  /// A location (location.hpp) with the OS path of its file in this area.
  Resolved resolve(Location location) const;

 private:
  std::string upload_folder(std::string_view upload_id) const;  // id already checked

  std::filesystem::path root_;
  int prefix_size_;
};

}  // namespace h5archive
