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
#include "staged_open.hpp"

namespace fs = std::filesystem;

namespace h5archive {
namespace {

constexpr std::string_view kUploads = "/uploads/";
constexpr std::size_t kMaxIdLength = 255;
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

// Names what the user passed, for the first words of a message. Formatted
// only when a message is made: resolving is on every open's path, and most
// resolves succeed.
struct Culprit {
  enum class Form { reference, name, raw_file };
  Form form;
  std::string_view input;
  std::string_view upload = {};
  std::string str() const {
    switch (form) {
      case Form::reference:
        return fmt::format("Reference '{}'", printable(input));
      case Form::name:
        return fmt::format("'{}'", printable(input));
      case Form::raw_file:
        break;
    }
    return fmt::format("Raw file '{}' of upload '{}'", printable(input), printable(upload));
  }
};

}  // namespace
}  // namespace h5archive

template <>
struct fmt::formatter<h5archive::Culprit> : fmt::formatter<std::string> {
  auto format(const h5archive::Culprit& c, fmt::format_context& ctx) const {
    return fmt::formatter<std::string>::format(c.str(), ctx);
  }
};

namespace h5archive {
namespace {

// `relative` without `.`, empty components and `..` that stay inside it, as
// std::filesystem's lexically_normal() does without its allocations (this is
// on every open's path); "" for the folder itself, std::nullopt if a `..`
// climbs above it.
std::optional<std::string> lexically_normal_relative(std::string_view relative) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0; start <= relative.size();) {
    std::size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    const std::string_view part = relative.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  out.reserve(relative.size());
  for (const std::string_view part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

// `culprit` names what the user passed ("Reference '<r>'", "'<name>'"), so
// that every message starts with it.
void check_id(const Culprit& culprit, std::string_view id, std::string_view what) {
  if (auto problem = id_problem(id, what); !problem.empty()) {
    throw ResolveError(fmt::format("{}: {}", culprit, problem));
  }
}

// The OS would silently cut a name at its first NUL byte, so the file opened
// would not be the file checked; over-long names fail later with a vaguer
// message. Both are refused here, naming the reason.
void check_os_name(const Culprit& culprit, std::string_view relative) {
  if (relative.find('\0') != std::string_view::npos) {
    throw ResolveError(fmt::format("{}: file path contains a NUL byte", culprit));
  }
  for (std::size_t start = 0; start < relative.size();) {
    std::size_t end = relative.find('/', start);
    if (end == std::string_view::npos) end = relative.size();
    if (end - start > kMaxNameLength) {
      throw ResolveError(fmt::format("{}: path component of {} bytes is longer than {} bytes",
                                     culprit, end - start, kMaxNameLength));
    }
    start = end + 1;
  }
  if (relative.size() > kMaxPathLength) {
    throw ResolveError(fmt::format("{}: file path of {} bytes is longer than {} bytes", culprit,
                                   relative.size(), kMaxPathLength));
  }
}

// A NUL byte anywhere would cut the name or dataset path HDF5 sees.
void check_no_nul(const Culprit& culprit, std::string_view input) {
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
  detail::register_staging_root(root_, prefix_size_);
}

fs::path StagingArea::upload_dir(std::string_view upload_id) const {
  validate_id(upload_id, "upload id");
  // Joined as text: this is on every open's path, and the id is one safe
  // component. Like Python's upload_id[:prefix_size], a shorter id is its own shard.
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

namespace {

// raw_file_path() with the caller's culprit in every message.
fs::path checked_raw_path(const StagingArea& area, const Culprit& culprit,
                          std::string_view upload_id, std::string_view relative) {
  check_id(culprit, upload_id, "upload id");
  const fs::path upload = area.upload_dir(upload_id);
  if (relative.empty()) throw ResolveError(fmt::format("{}: empty raw file path", culprit));
  check_os_name(culprit, relative);
  if (relative.front() == '/') {
    throw SecurityError(fmt::format(
        "{}: absolute path '{}' is not allowed (raw files are relative to raw/ of upload '{}')",
        culprit, printable(relative), upload_id));
  }
  // The user's own `..` are taken as written (lexically), so that the path
  // handed to the OS has none left; `..` met through a link is the kernel's
  // business, below the upload folder.
  const std::optional<std::string> normal = lexically_normal_relative(relative);
  if (!normal) {
    throw SecurityError(fmt::format("{}: path '{}' leaves raw/ of upload '{}'", culprit,
                                    printable(relative), upload_id));
  }
  if (normal->empty()) {
    throw ResolveError(
        fmt::format("{}: path '{}' names raw/ itself, not a file", culprit, printable(relative)));
  }
  // Symbolic links are not looked at here: the kernel follows them when the
  // file is opened, below the upload folder (staged_open.cpp).
  return fs::path(upload.native() + "/raw/" + *normal);
}

fs::path checked_archive_path(const StagingArea& area, const Culprit& culprit,
                              std::string_view upload_id, std::string_view entry_id) {
  check_id(culprit, upload_id, "upload id");
  check_id(culprit, entry_id, "entry id");
  return area.archive_hdf5_path(upload_id, entry_id);
}

}  // namespace

fs::path StagingArea::raw_file_path(std::string_view upload_id, std::string_view relative) const {
  return checked_raw_path(*this, Culprit{Culprit::Form::raw_file, relative, upload_id}, upload_id,
                          relative);
}

fs::path StagingArea::add_raw_file(std::string_view upload_id, std::string_view relative,
                                   const fs::path& source) const {
  const fs::path destination = raw_file_path(upload_id, relative);
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) {
    throw NotFoundError(fmt::format("Cannot add {} to upload '{}' as raw file '{}': not a file",
                                    source.string(), upload_id, relative));
  }
  if (!has_upload(upload_id))
    throw ResolveError(
        fmt::format("Raw file '{}' of upload '{}': unknown upload '{}' (no folder {})",
                    printable(relative), upload_id, upload_id, upload_dir(upload_id).string()));
  const auto staged = detail::find_staged(destination);
  const std::string absolute = fs::absolute(destination).lexically_normal().string();
  detail::make_folders_staged(staged->root, fs::path(absolute).parent_path().string());
  detail::copy_into_staged(source, staged->root, staged->upload_dir, absolute);
  return destination;
}

Resolved StagingArea::resolve(std::string_view reference,
                              std::optional<std::string_view> current_upload) const {
  const Reference ref = Reference::parse(reference);
  const Culprit culprit{Culprit::Form::reference, reference};
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

  const Culprit culprit{Culprit::Form::name, name};
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
