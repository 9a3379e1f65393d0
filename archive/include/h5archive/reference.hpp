// HDF5 references as NOMAD writes them: `[.../uploads/<upload>/<dir>/]<file>#<path>`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace h5archive {

/// The four parts of a reference, as NOMAD's `match_hdf5_reference` returns
/// them. Parts are kept verbatim: nothing is trimmed, decoded or normalised.
struct Reference {
  std::optional<std::string> upload_id;  ///< last `/uploads/<u>/` prefix, if any
  std::optional<std::string> directory;  ///< `raw`, `archive` or anything else
  std::string file;                      ///< file part (raw path or entry id); non-empty
  std::string path;                      ///< dataset path inside the file; non-empty

  /// NOMAD's grammar, start-anchored, split at the first `#` after the last
  /// prefix; the input is considered only up to its first newline.
  /// Returns std::nullopt where NOMAD's regex does not match.
  static std::optional<Reference> match(std::string_view text);

  /// Like match(), but throws ReferenceError("Invalid HDF5 reference: <text>.").
  static Reference parse(std::string_view text);

  /// `/uploads/<upload>/archive/<entry>#<path>`: where an entry's archive HDF5
  /// file holds the dataset `path`.
  static Reference archive(std::string upload_id, std::string entry_id, std::string path);

  /// `/uploads/<upload>/raw/<file>#<path>`.
  static Reference raw(std::string upload_id, std::string file, std::string path);

  /// The string form; `Reference::parse(r.str()) == r` for every reference
  /// whose parts come from parse().
  std::string str() const;

  friend bool operator==(const Reference&, const Reference&) = default;
};

}  // namespace h5archive
