// Where a `/uploads/...` name or a reference points inside a staging area, as a
// value: upload, directory, the file in it and the dataset in the file. Parsed
// and checked without any file system (the kernel decides where a name really
// leads when it is opened: staging_area.hpp, staging_driver.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "h5archive/reference.hpp"

namespace h5archive {

/// Which directory of an upload a location points into.
enum class Directory { raw, archive };

/// A checked location: safe ids, a raw path that is relative and stays in
/// `raw/` as written, no NUL byte, names the OS accepts. Every factory throws
/// ResolveError (SecurityError for an absolute path or a lexical escape from
/// `raw/`, ReferenceError for a malformed reference) naming what was passed.
struct Location {
  std::string upload_id;
  Directory directory = Directory::raw;
  /// raw: the file's path below `raw/`, lexically normalised (no `.`, `..` or
  /// empty components); archive: the entry id.
  std::string relative;
  /// The object inside the file; empty when a bare file name was parsed.
  std::string dataset;

  /// `/uploads/<u>/raw/<path>`, `/uploads/<u>/archive/<entry>`, or a whole
  /// reference `/uploads/...#<path>`. std::nullopt for every name that does
  /// not start with `/uploads/` (a plain file name, passed through unchanged).
  static std::optional<Location> from_name(std::string_view name);

  /// A reference (docs/references.md): without a `/uploads/<u>/<dir>/` prefix
  /// it names a raw file of `current_upload` (ResolveError if none is given).
  static Location from_reference(std::string_view reference,
                                 std::optional<std::string_view> current_upload = std::nullopt);

  /// The same for a reference already parsed from `text` (`ref` is
  /// Reference::parse(text)), for callers that also need its verbatim parts:
  /// nothing is parsed twice. Messages name `text`, as the user wrote it.
  static Location from_reference(Reference ref, std::string_view text,
                                 std::optional<std::string_view> current_upload = std::nullopt);

  /// The one "current upload" policy of every entry point that accepts both
  /// names and references (the connector, `h5archive ls`): a `/uploads/` name
  /// or reference as from_name(); else, with a current upload, a reference
  /// without prefix (`external.h5#/x`) in that upload; else std::nullopt.
  static std::optional<Location> from_target(std::string_view target,
                                             std::optional<std::string_view> current_upload);

  /// Raw file `relative` of an upload, checked as in a reference.
  static Location raw(std::string_view upload_id, std::string_view relative,
                      std::string dataset = {});
  /// The archive HDF5 file of an entry.
  static Location archive(std::string_view upload_id, std::string_view entry_id,
                          std::string dataset = {});

  /// The `/uploads/<u>/<dir>/<file>` name: from_name(l.name()) is `l` without
  /// its dataset.
  std::string name() const;
  /// `name()#dataset`: from_reference(l.reference()) == l when dataset is set.
  std::string reference() const;

  friend bool operator==(const Location&, const Location&) = default;
};

/// Throws ResolveError unless `id` is a safe upload or entry id: non-empty,
/// at most 255 characters, letters, digits, `_`, `-` and `.`, not starting
/// with `.`. `what` ("upload id", "entry id") is used in the message.
void validate_id(std::string_view id, std::string_view what);

}  // namespace h5archive
