// Where a program finds its staging area, written as one string: the VOL
// connector's info string and `h5archive env` both speak it.
//
//   root=DIR;prefix_size=N;upload=ID
//
// Every key is optional. A value holding `;`, a brace or blanks at either end
// is written in braces, `root={/odd;dir}`; inside braces a `\` takes the next
// character literally (`\}`, `\{`, `\\`), so every root round-trips.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "h5archive/staging_area.hpp"

namespace h5archive {

/// `key=value` pairs of an info string, in the order written.
using InfoPairs = std::vector<std::pair<std::string, std::string>>;

/// Splits `key=value;...` (braced values unwrapped and unescaped). Throws
/// ValueError naming the key for an unknown or repeated key, unbalanced
/// braces or stray text.
InfoPairs split_info_string(std::string_view text, std::span<const std::string_view> keys);

/// The string split_info_string() reads back as `pairs`: values are braced
/// and escaped only where they need it.
std::string join_info_string(const InfoPairs& pairs);

/// A staging area's configuration as written in an info string.
struct StagingConfig {
  std::optional<std::filesystem::path> root;  ///< unset: default_staging_root()
  std::optional<int> prefix_size;             ///< unset: kDefaultPrefixSize
  std::optional<std::string> upload;          ///< current upload for references without prefix
  /// Further keys that parse() was told to accept, verbatim, in order.
  InfoPairs other;

  /// The staging area this configuration names.
  StagingArea area() const;

  /// Parses `root`, `prefix_size` (0 to 255), `upload` (a safe id) and the
  /// `other_keys`. Throws ValueError naming the key.
  static StagingConfig parse(std::string_view text,
                             std::span<const std::string_view> other_keys = {});

  /// parse(c.str(), <keys of c.other>) == c.
  std::string str() const;

  friend bool operator==(const StagingConfig&, const StagingConfig&) = default;
};

}  // namespace h5archive
