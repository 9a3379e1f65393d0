// The staging area and the one resolver of references and `/uploads/...` names.
// Every path that leaves this file has passed the checks that need no file
// system: safe ids, no absolute path, no lexical escape from raw/. Where a
// name really leads is decided by the kernel when it is opened, below the
// upload folder (staged_open.cpp, the staging driver).
#include "h5archive/staging_area.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "h5archive/errors.hpp"
#include "printable.hpp"
#include "staged_open.hpp"

namespace fs = std::filesystem;

namespace h5archive {

fs::path default_staging_root() {
  const char* root = std::getenv("H5ARCHIVE_ROOT");
  if (root != nullptr && *root != '\0') return root;
  return ".volumes/fs/staging";
}

StagingArea::StagingArea(fs::path root, int prefix_size)
    : root_(std::move(root)), prefix_size_(prefix_size) {
  if (prefix_size < 0) {
    throw ValueError(fmt::format("prefix_size must be 0 or more, not {} (staging root {})",
                                 prefix_size, root_.string()));
  }
  detail::register_staging_root(root_, prefix_size_);
}

fs::path StagingArea::upload_dir(std::string_view upload_id) const {
  validate_id(upload_id, "upload id");
  return upload_folder(upload_id);
}

std::string StagingArea::upload_folder(std::string_view upload_id) const {
  // Like Python's upload_id[:prefix_size], a shorter id is its own shard.
  std::string out = root_.native();
  if (!out.empty() && out.back() != '/') out += '/';
  if (prefix_size_ > 0) {
    out += upload_id.substr(0, static_cast<std::size_t>(prefix_size_));
    out += '/';
  }
  out += upload_id;
  return out;
}

fs::path StagingArea::raw_dir(std::string_view upload_id) const {
  return upload_dir(upload_id) / "raw";
}

fs::path StagingArea::archive_dir(std::string_view upload_id) const {
  return upload_dir(upload_id) / "archive";
}

fs::path StagingArea::archive_hdf5_path(std::string_view upload_id,
                                        std::string_view entry_id) const {
  return path_of(Location::archive(upload_id, entry_id));
}

fs::path StagingArea::archive_json_path(std::string_view upload_id,
                                        std::string_view entry_id) const {
  validate_id(entry_id, "entry id");
  return archive_dir(upload_id) / (std::string(entry_id) + ".json");
}

fs::path StagingArea::path_of(const Location& location) const {
  // Joined as text (this is on every open's path); the location's parts are
  // checked already.
  std::string out = upload_folder(location.upload_id);
  if (location.directory == Directory::raw) {
    out.append("/raw/").append(location.relative);
  } else {
    out.append("/archive/").append(location.relative).append(".h5");
  }
  return out;
}

bool StagingArea::has_upload(std::string_view upload_id) const {
  std::error_code ec;
  return fs::is_directory(upload_dir(upload_id), ec);
}

void StagingArea::create_upload(std::string_view upload_id) const {
  // The root is the operator's: made as asked. Below it, through the walk.
  fs::create_directories(root_);
  const std::string root = fs::absolute(root_).lexically_normal().string();
  for (const fs::path& folder : {raw_dir(upload_id), archive_dir(upload_id)})
    detail::make_folders_staged(root, fs::absolute(folder).lexically_normal().string());
}

void StagingArea::check(const Resolved& resolved, bool file_may_be_missing) const {
  const auto staged = detail::find_staged(resolved.file);
  if (!staged) throw ResolveError(resolved.file.string() + " is not below a staging root");
  detail::OpenFailure failure;
  const int fd = detail::open_staged(staged->root,
                                     staged->upload_dir.empty() ? staged->root : staged->upload_dir,
                                     staged->file, O_PATH, failure);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  if (file_may_be_missing && failure.kind == detail::OpenFailure::Kind::missing) return;
  detail::throw_open_failure(failure);
}

fs::path StagingArea::raw_file_path(std::string_view upload_id, std::string_view relative) const {
  return path_of(Location::raw(upload_id, relative));
}

fs::path StagingArea::add_raw_file(std::string_view upload_id, std::string_view relative,
                                   const fs::path& source) const {
  const fs::path destination = raw_file_path(upload_id, relative);
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) {
    throw NotFoundError(fmt::format("Cannot add {} to upload {} as raw file {}: not a file",
                                    source.string(), detail::quote(upload_id),
                                    detail::quote(relative)));
  }
  if (!has_upload(upload_id))
    throw ResolveError(fmt::format("Raw file {} of upload {}: unknown upload {} (no folder {})",
                                   detail::quote(relative), detail::quote(upload_id),
                                   detail::quote(upload_id), upload_dir(upload_id).string()));
  const auto staged = detail::find_staged(destination);
  const std::string absolute = fs::absolute(destination).lexically_normal().string();
  detail::make_folders_staged(staged->root, fs::path(absolute).parent_path().string());
  detail::copy_into_staged(source, staged->root, staged->upload_dir, absolute);
  return destination;
}

Resolved StagingArea::resolve(std::string_view reference,
                              std::optional<std::string_view> current_upload) const {
  return resolve(Location::from_reference(reference, current_upload));
}

Resolved StagingArea::resolve(Location location) const {
  Resolved out{std::move(location), {}};
  out.file = path_of(out);
  return out;
}

std::optional<Resolved> StagingArea::resolve_name(std::string_view name) const {
  std::optional<Location> location = Location::from_name(name);
  if (!location) return std::nullopt;
  return resolve(*std::move(location));
}

}  // namespace h5archive
