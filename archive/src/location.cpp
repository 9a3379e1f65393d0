// Parsing and checking of `/uploads/...` names and references into Locations
// (location.hpp). Everything here is lexical: it reads no file system, so it
// cannot go stale between a check and an open, and it is on every open's path,
// so messages are formatted only when something is wrong.
#include "h5archive/location.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "h5archive/errors.hpp"
#include "h5archive/reference.hpp"
#include "printable.hpp"

namespace h5archive {
namespace {

using detail::quote;

constexpr std::string_view kUploads = "/uploads/";
constexpr std::size_t kMaxIdLength = 255;
// Linux's NAME_MAX and PATH_MAX (less the terminating NUL).
constexpr std::size_t kMaxNameLength = 255;
constexpr std::size_t kMaxPathLength = 4095;

// Empty when `id` is acceptable, else the reason, worded for a user.
std::string id_problem(std::string_view id, std::string_view what) {
  const auto invalid = [&](std::string_view why) {
    return fmt::format("Invalid {} {} ({})", what, quote(id), why);
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
  enum class Form { reference, name, raw_file, entry };
  Form form;
  std::string_view input;
  std::string_view upload = {};
  std::string str() const {
    switch (form) {
      case Form::reference:
        return fmt::format("Reference {}", quote(input));
      case Form::name:
        return quote(input);
      case Form::entry:
        return fmt::format("Entry {} of upload {}", quote(input), quote(upload));
      case Form::raw_file:
        break;
    }
    return fmt::format("Raw file {} of upload {}", quote(input), quote(upload));
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

// The checked, normalised form of raw file path `relative` of an upload.
std::string checked_raw(const Culprit& culprit, std::string_view upload_id,
                        std::string_view relative) {
  check_id(culprit, upload_id, "upload id");
  if (relative.empty()) throw ResolveError(fmt::format("{}: empty raw file path", culprit));
  check_os_name(culprit, relative);
  if (relative.front() == '/') {
    throw SecurityError(fmt::format(
        "{}: absolute path {} is not allowed (raw files are relative to raw/ of upload {})",
        culprit, quote(relative), quote(upload_id)));
  }
  // The user's own `..` are taken as written (lexically), so that the path
  // handed to the OS has none left; `..` met through a link is the kernel's
  // business, below the upload folder.
  std::optional<std::string> normal = lexically_normal_relative(relative);
  if (!normal) {
    throw SecurityError(fmt::format("{}: path {} leaves raw/ of upload {}", culprit,
                                    quote(relative), quote(upload_id)));
  }
  if (normal->empty()) {
    throw ResolveError(
        fmt::format("{}: path {} names raw/ itself, not a file", culprit, quote(relative)));
  }
  return *std::move(normal);
}

Location raw_location(const Culprit& culprit, std::string_view upload_id, std::string_view relative,
                      std::string dataset) {
  return Location{std::string(upload_id), Directory::raw, checked_raw(culprit, upload_id, relative),
                  std::move(dataset)};
}

Location archive_location(const Culprit& culprit, std::string_view upload_id,
                          std::string_view entry_id, std::string dataset) {
  check_id(culprit, upload_id, "upload id");
  check_id(culprit, entry_id, "entry id");
  return Location{std::string(upload_id), Directory::archive, std::string(entry_id),
                  std::move(dataset)};
}

ResolveError unknown_directory(const Culprit& culprit, std::string_view directory) {
  return ResolveError(fmt::format("{}: unknown directory {} (expected 'raw' or 'archive')", culprit,
                                  quote(directory)));
}

}  // namespace

void validate_id(std::string_view id, std::string_view what) {
  if (auto problem = id_problem(id, what); !problem.empty()) throw ResolveError(problem);
}

Location Location::raw(std::string_view upload_id, std::string_view relative, std::string dataset) {
  return raw_location(Culprit{Culprit::Form::raw_file, relative, upload_id}, upload_id, relative,
                      std::move(dataset));
}

Location Location::archive(std::string_view upload_id, std::string_view entry_id,
                           std::string dataset) {
  return archive_location(Culprit{Culprit::Form::entry, entry_id, upload_id}, upload_id, entry_id,
                          std::move(dataset));
}

Location Location::from_reference(std::string_view reference,
                                  std::optional<std::string_view> current_upload) {
  return from_reference(Reference::parse(reference), reference, current_upload);
}

Location Location::from_reference(Reference ref, std::string_view text,
                                  std::optional<std::string_view> current_upload) {
  const Culprit culprit{Culprit::Form::reference, text};
  check_no_nul(culprit, text);
  if (!ref.upload_id) {
    if (!current_upload) {
      throw ResolveError(
          fmt::format("{} has no /uploads/<id>/ prefix and no current upload is set", culprit));
    }
    return raw_location(culprit, *current_upload, ref.file, std::move(ref.path));
  }
  const std::string directory = ref.directory.value_or("");
  check_id(culprit, *ref.upload_id, "upload id");
  if (directory == "raw")
    return raw_location(culprit, *ref.upload_id, ref.file, std::move(ref.path));
  if (directory == "archive")
    return archive_location(culprit, *ref.upload_id, ref.file, std::move(ref.path));
  throw unknown_directory(culprit, directory);
}

std::optional<Location> Location::from_name(std::string_view name) {
  if (!name.starts_with(kUploads)) return std::nullopt;
  if (name.find('#') != std::string_view::npos) return from_reference(name);

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
  if (directory == "archive") {
    if (tail.empty()) throw expected("no entry id after archive/");
    if (tail.find('/') != std::string_view::npos) {
      throw expected(fmt::format("{} is not a single entry id", quote(tail)));
    }
    return archive_location(culprit, upload_id, tail, {});
  }
  if (directory == "raw") {
    if (tail.empty()) throw expected("no file path after raw/");
    return raw_location(culprit, upload_id, tail, {});
  }
  throw unknown_directory(culprit, directory);
}

std::optional<Location> Location::from_target(std::string_view target,
                                              std::optional<std::string_view> current_upload) {
  if (target.starts_with(kUploads)) return from_name(target);
  if (current_upload && Reference::match(target)) return from_reference(target, current_upload);
  return std::nullopt;
}

std::string Location::name() const {
  std::string out;
  out.reserve(kUploads.size() + upload_id.size() + relative.size() + 9);
  out.append(kUploads).append(upload_id);
  out.append(directory == Directory::raw ? "/raw/" : "/archive/").append(relative);
  return out;
}

std::string Location::reference() const { return name() + '#' + dataset; }

}  // namespace h5archive
