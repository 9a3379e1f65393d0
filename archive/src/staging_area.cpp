// The staging area and the one resolver of references and `/uploads/...` names.
// Every path that leaves this file has passed three checks: safe ids, no
// lexical escape from raw/, and no symbolic link leading out of the upload.
#include "h5archive/staging_area.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "h5archive/errors.hpp"

namespace fs = std::filesystem;

namespace h5archive {
namespace {

constexpr std::string_view kUploads = "/uploads/";
constexpr std::size_t kMaxIdLength = 255;
// Bounds symbolic link chains, like the kernel's ELOOP limit.
constexpr int kMaxSymlinkHops = 40;
// Linux's NAME_MAX and PATH_MAX (less the terminating NUL).
constexpr std::size_t kMaxNameLength = 255;
constexpr std::size_t kMaxPathLength = 4095;

// User input as it appears in messages: a NUL byte would end the message
// (what() is a C string) and a 64 KiB name would drown it.
// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 if there is none.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t n = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 0;
  if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2)) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
  if (n == 3 && ((c == 0xE0 && byte(i + 1) < 0xA0) || (c == 0xED && byte(i + 1) >= 0xA0))) return 0;
  if (n == 4 &&
      ((c == 0xF0 && byte(i + 1) < 0x90) || c > 0xF4 || (c == 0xF4 && byte(i + 1) >= 0x90)))
    return 0;
  return n;
}

// Names in messages are shown as valid UTF-8 text: the messages reach
// programs that decode them (h5py raises UnicodeDecodeError on a stray byte),
// so control characters and bytes outside valid UTF-8 become \xNN (NUL \0),
// and very long input is cut.
std::string printable(std::string_view input) {
  constexpr std::size_t kShown = 1024;
  const std::string_view shown = input.substr(0, kShown);
  std::string out;
  for (std::size_t i = 0; i < shown.size();) {
    const auto c = static_cast<unsigned char>(shown[i]);
    const std::size_t n = utf8_sequence(shown, i);
    if (c == 0) {
      out += "\\0";
    } else if (n == 0 || c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.append(shown.substr(i, n));
      i += n;
      continue;
    }
    ++i;
  }
  if (input.size() > kShown) out += fmt::format("... ({} bytes)", input.size());
  return out;
}

// Empty when `id` is acceptable, else the reason, worded for a user.
std::string id_problem(std::string_view id, std::string_view what) {
  const auto invalid = [&](std::string_view why) {
    return fmt::format("Invalid {} '{}' ({})", what, printable(id), why);
  };
  if (id.empty()) return invalid("must not be empty");
  if (id.size() > kMaxIdLength)
    return invalid(fmt::format("longer than {} characters", kMaxIdLength));
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  };
  // A leading '.' would allow "." and "..", and hidden folders.
  if (id.front() == '.' || !std::all_of(id.begin(), id.end(), allowed)) {
    return invalid("allowed: letters, digits, '_', '-', '.'; not starting with '.'");
  }
  return {};
}

// `culprit` names what the user passed ("Reference '<r>'", "'<name>'"), so
// that every message starts with it.
void check_id(std::string_view culprit, std::string_view id, std::string_view what) {
  if (auto problem = id_problem(id, what); !problem.empty()) {
    throw ResolveError(fmt::format("{}: {}", culprit, problem));
  }
}

bool is_within(const fs::path& inner, const fs::path& outer);

// Resolves every symbolic link in `path` (absolute, any component may be
// missing), like `realpath -m`: missing components are kept lexically, and a
// dangling link is followed to where it points, since creating a file through
// it would land there. With `bounds` non-empty, a link whose target lies
// outside every bound is not followed further: the result (target plus the
// remaining components) is then already outside, and the resolver never so
// much as stat()s a path outside the upload.
//
// `start` is a folder whose links are already resolved (the root "/" for a
// whole path) and `relative` the components to walk below it.
fs::path resolve_links(fs::path current, const fs::path& relative, int& hops,
                       const std::vector<fs::path>& bounds) {
  for (auto it = relative.begin(); it != relative.end(); ++it) {
    const fs::path& part = *it;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      current = current.parent_path();
      continue;
    }
    fs::path next = current / part;
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(next, ec))) {
      if (++hops > kMaxSymlinkHops) {
        throw SecurityError(fmt::format("too many levels of symbolic links at {}", next.string()));
      }
      fs::path target = fs::read_symlink(next, ec);
      if (ec)
        throw ResolveError(
            fmt::format("cannot read symbolic link {}: {}", next.string(), ec.message()));
      target = (target.is_absolute() ? target : current / target).lexically_normal();
      if (!bounds.empty() && std::none_of(bounds.begin(), bounds.end(), [&](const fs::path& b) {
            return is_within(target, b);
          })) {
        for (++it; it != relative.end(); ++it) target /= *it;
        return target.lexically_normal();
      }
      next = resolve_links(target.root_path(), target.relative_path(), hops, bounds);
    }
    current = std::move(next);
  }
  return current;
}

fs::path resolve_links(const fs::path& path, const std::vector<fs::path>& bounds = {}) {
  int hops = 0;
  const fs::path absolute = fs::absolute(path).lexically_normal();
  return resolve_links(absolute.root_path(), absolute.relative_path(), hops, bounds);
}

bool is_within(const fs::path& inner, const fs::path& outer) {
  auto it = inner.begin();
  for (const auto& part : outer) {
    if (part.empty()) continue;  // trailing separator
    if (it == inner.end() || *it != part) return false;
    ++it;
  }
  return true;
}

// Throws SecurityError if `candidate` (a path inside the upload folder, with no
// `..`) reaches outside the upload folder through a symbolic link.
void check_links_stay_inside(std::string_view culprit, const fs::path& candidate,
                             const fs::path& upload_dir, std::string_view upload_id) {
  fs::path resolved;
  fs::path base;
  try {
    // The folders down to the upload's are walked once; below it, only the
    // candidate's own components (each a symlink_status call).
    const fs::path upload_abs = fs::absolute(upload_dir).lexically_normal();
    base = resolve_links(upload_dir);
    int hops = 0;
    resolved = resolve_links(
        base, fs::absolute(candidate).lexically_normal().lexically_relative(upload_abs), hops,
        {upload_abs, base});
  } catch (const ResolveError& e) {
    throw SecurityError(fmt::format("{}: {}", culprit, e.what()));
  }
  if (!is_within(resolved, base)) {
    throw SecurityError(
        fmt::format("{}: {} resolves through a symbolic link to {}, outside upload '{}'", culprit,
                    printable(candidate.string()), printable(resolved.string()), upload_id));
  }
}

void check_upload_exists(std::string_view culprit, const fs::path& upload_dir,
                         std::string_view upload_id) {
  std::error_code ec;
  if (!fs::is_directory(upload_dir, ec)) {
    throw UnknownUploadError(fmt::format("{}: unknown upload '{}' (no folder {})", culprit,
                                         upload_id, upload_dir.string()));
  }
}

// The OS would silently cut a name at its first NUL byte, so the file opened
// would not be the file checked; over-long names fail later with a vaguer
// message. Both are refused here, naming the reason.
void check_os_name(std::string_view culprit, std::string_view relative) {
  if (relative.find('\0') != std::string_view::npos) {
    throw ResolveError(fmt::format("{}: file path contains a NUL byte", culprit));
  }
  for (const auto& part : fs::path(relative)) {
    if (part.native().size() > kMaxNameLength) {
      throw ResolveError(fmt::format("{}: path component of {} bytes is longer than {} bytes",
                                     culprit, part.native().size(), kMaxNameLength));
    }
  }
  if (relative.size() > kMaxPathLength) {
    throw ResolveError(fmt::format("{}: file path of {} bytes is longer than {} bytes", culprit,
                                   relative.size(), kMaxPathLength));
  }
}

// A folder where a file is expected would only fail later, in HDF5, with a
// message that does not say why.
void check_not_folder(std::string_view culprit, const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    throw ResolveError(fmt::format("{}: {} is a folder, not a file", culprit, file.string()));
  }
}

// A NUL byte anywhere would cut the name or dataset path HDF5 sees.
void check_no_nul(std::string_view culprit, std::string_view input) {
  if (input.find('\0') != std::string_view::npos) {
    throw ResolveError(fmt::format("{}: contains a NUL byte", culprit));
  }
}

}  // namespace

fs::path default_staging_root() {
  const char* root = std::getenv("H5ARCHIVE_ROOT");
  if (root != nullptr && *root != '\0') return root;
  return ".volumes/fs/staging";
}

void validate_id(std::string_view id, std::string_view what) {
  if (auto problem = id_problem(id, what); !problem.empty()) throw ResolveError(problem);
}

StagingArea::StagingArea(fs::path root, int prefix_size)
    : root_(std::move(root)), prefix_size_(prefix_size) {
  if (prefix_size < 0) {
    throw ValueError(fmt::format("prefix_size must be 0 or more, not {} (staging root {})",
                                 prefix_size, root_.string()));
  }
}

fs::path StagingArea::upload_dir(std::string_view upload_id) const {
  validate_id(upload_id, "upload id");
  if (prefix_size_ == 0) return root_ / upload_id;
  // Like Python's upload_id[:prefix_size]: a shorter id is its own shard.
  return root_ / upload_id.substr(0, static_cast<std::size_t>(prefix_size_)) / upload_id;
}

fs::path StagingArea::raw_dir(std::string_view upload_id) const {
  return upload_dir(upload_id) / "raw";
}

fs::path StagingArea::archive_dir(std::string_view upload_id) const {
  return upload_dir(upload_id) / "archive";
}

fs::path StagingArea::archive_hdf5_path(std::string_view upload_id,
                                        std::string_view entry_id) const {
  validate_id(entry_id, "entry id");
  return archive_dir(upload_id) / (std::string(entry_id) + ".h5");
}

fs::path StagingArea::archive_json_path(std::string_view upload_id,
                                        std::string_view entry_id) const {
  validate_id(entry_id, "entry id");
  return archive_dir(upload_id) / (std::string(entry_id) + ".json");
}

bool StagingArea::has_upload(std::string_view upload_id) const {
  std::error_code ec;
  return fs::is_directory(upload_dir(upload_id), ec);
}

void StagingArea::create_upload(std::string_view upload_id) const {
  fs::create_directories(raw_dir(upload_id));
  fs::create_directories(archive_dir(upload_id));
}

namespace {

// raw_file_path() with the caller's culprit in every message.
fs::path checked_raw_path(const StagingArea& area, std::string_view culprit,
                          std::string_view upload_id, std::string_view relative) {
  check_id(culprit, upload_id, "upload id");
  const fs::path upload = area.upload_dir(upload_id);
  check_upload_exists(culprit, upload, upload_id);
  const fs::path rel(relative);
  if (relative.empty()) throw ResolveError(fmt::format("{}: empty raw file path", culprit));
  check_os_name(culprit, relative);
  if (rel.is_absolute() || rel.has_root_path()) {
    throw SecurityError(fmt::format(
        "{}: absolute path '{}' is not allowed (raw files are relative to raw/ of upload '{}')",
        culprit, printable(relative), upload_id));
  }
  // Normalised first, so that the path handed to the OS has no `..` left: the
  // kernel would apply `..` after following links, which the check below
  // could not see.
  const fs::path normal = rel.lexically_normal();
  if (!normal.empty() && *normal.begin() == "..") {
    throw SecurityError(fmt::format("{}: path '{}' leaves raw/ of upload '{}'", culprit,
                                    printable(relative), upload_id));
  }
  if (normal == "." || normal.empty()) {
    throw ResolveError(
        fmt::format("{}: path '{}' names raw/ itself, not a file", culprit, printable(relative)));
  }
  const fs::path candidate = upload / "raw" / normal;
  check_links_stay_inside(culprit, candidate, upload, upload_id);
  check_not_folder(culprit, candidate);
  return candidate;
}

fs::path checked_archive_path(const StagingArea& area, std::string_view culprit,
                              std::string_view upload_id, std::string_view entry_id) {
  check_id(culprit, upload_id, "upload id");
  check_id(culprit, entry_id, "entry id");
  const fs::path upload = area.upload_dir(upload_id);
  check_upload_exists(culprit, upload, upload_id);
  fs::path file = area.archive_hdf5_path(upload_id, entry_id);
  check_links_stay_inside(culprit, file, upload, upload_id);
  check_not_folder(culprit, file);
  return file;
}

}  // namespace

fs::path StagingArea::raw_file_path(std::string_view upload_id, std::string_view relative) const {
  return checked_raw_path(
      *this, fmt::format("Raw file '{}' of upload '{}'", printable(relative), printable(upload_id)),
      upload_id, relative);
}

fs::path StagingArea::add_raw_file(std::string_view upload_id, std::string_view relative,
                                   const fs::path& source) const {
  const fs::path destination = raw_file_path(upload_id, relative);
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) {
    throw NotFoundError(fmt::format("Cannot add {} to upload '{}' as raw file '{}': not a file",
                                    source.string(), upload_id, relative));
  }
  fs::create_directories(destination.parent_path());
  fs::copy_file(source, destination, fs::copy_options::overwrite_existing);
  return destination;
}

Resolved StagingArea::resolve(std::string_view reference,
                              std::optional<std::string_view> current_upload) const {
  const Reference ref = Reference::parse(reference);
  const std::string culprit = fmt::format("Reference '{}'", printable(reference));
  check_no_nul(culprit, reference);
  Resolved out;
  out.dataset = ref.path;
  if (!ref.upload_id) {
    if (!current_upload) {
      throw ResolveError(
          fmt::format("{} has no /uploads/<id>/ prefix and no current upload is set", culprit));
    }
    out.upload_id = std::string(*current_upload);
    out.directory = Directory::raw;
    out.file = checked_raw_path(*this, culprit, out.upload_id, ref.file);
    return out;
  }
  out.upload_id = *ref.upload_id;
  const std::string directory = ref.directory.value_or("");
  check_id(culprit, out.upload_id, "upload id");
  if (directory == "raw") {
    out.directory = Directory::raw;
    out.file = checked_raw_path(*this, culprit, out.upload_id, ref.file);
  } else if (directory == "archive") {
    out.directory = Directory::archive;
    out.file = checked_archive_path(*this, culprit, out.upload_id, ref.file);
  } else {
    throw ResolveError(fmt::format("{}: unknown directory '{}' (expected 'raw' or 'archive')",
                                   culprit, directory));
  }
  return out;
}

std::optional<Resolved> StagingArea::resolve_name(std::string_view name) const {
  if (!name.starts_with(kUploads)) return std::nullopt;
  if (name.find('#') != std::string_view::npos) return resolve(name);

  const std::string culprit = fmt::format("'{}'", printable(name));
  check_no_nul(culprit, name);
  const auto expected = [&](std::string_view why) {
    return ResolveError(fmt::format(
        "{}: {} (expected /uploads/<upload>/archive/<entry> or /uploads/<upload>/raw/<path>)",
        culprit, why));
  };
  const std::string_view rest = name.substr(kUploads.size());
  const std::size_t upload_end = rest.find('/');
  const std::string_view upload_id = rest.substr(0, upload_end);
  check_id(culprit, upload_id, "upload id");
  if (upload_end == std::string_view::npos || upload_end + 1 == rest.size()) {
    throw expected("names an upload, not a file");
  }
  const std::string_view after_upload = rest.substr(upload_end + 1);
  const std::size_t dir_end = after_upload.find('/');
  const std::string_view directory = after_upload.substr(0, dir_end);
  const std::string_view tail =
      dir_end == std::string_view::npos ? std::string_view{} : after_upload.substr(dir_end + 1);

  Resolved out;
  out.upload_id = std::string(upload_id);
  if (directory == "archive") {
    if (tail.empty()) throw expected("no entry id after archive/");
    if (tail.find('/') != std::string_view::npos) {
      throw expected(fmt::format("'{}' is not a single entry id", printable(tail)));
    }
    out.directory = Directory::archive;
    out.file = checked_archive_path(*this, culprit, upload_id, tail);
  } else if (directory == "raw") {
    if (tail.empty()) throw expected("no file path after raw/");
    out.directory = Directory::raw;
    out.file = checked_raw_path(*this, culprit, upload_id, tail);
  } else {
    throw ResolveError(fmt::format("{}: unknown directory '{}' (expected 'raw' or 'archive')",
                                   culprit, directory));
  }
  return out;
}

}  // namespace h5archive
