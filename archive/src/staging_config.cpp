// Info strings (staging_config.hpp): split with bounds checks and brace
// matching, joined so that every value reads back as written.
#include "h5archive/staging_config.hpp"

#include <algorithm>
#include <charconv>

#include "h5archive/errors.hpp"
#include "printable.hpp"

namespace h5archive {
namespace {

constexpr std::string_view kSpace = " \t\r\n";

[[noreturn]] void fail(std::string message) { throw ValueError(std::move(message)); }

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

std::size_t skip_space(std::string_view text, std::size_t pos) {
  while (pos < text.size() && kSpace.find(text[pos]) != std::string_view::npos) ++pos;
  return pos;
}

// The braced value starting at text[open] == '{': its unescaped content and
// the position after its closing brace.
std::pair<std::string, std::size_t> braced_value(std::string_view key, std::string_view text,
                                                 std::size_t open) {
  std::string value;
  int depth = 1;
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      value += text[++i];
      continue;
    }
    if (c == '{') ++depth;
    if (c == '}' && --depth == 0) return {std::move(value), i + 1};
    value += c;
  }
  fail("key '" + std::string(key) + "': unbalanced braces");
}

std::string known_list(std::span<const std::string_view> keys) {
  std::string out;
  for (auto k : keys) out.append(out.empty() ? "" : ", ").append(k);
  return out;
}

// Whether `v` reads back unchanged between braces without escapes.
bool balanced(std::string_view v) {
  int depth = 0;
  for (char c : v) {
    if (c == '\\') return false;
    if (c == '{') ++depth;
    if (c == '}' && --depth < 0) return false;
  }
  return depth == 0;
}

int parse_prefix_size(const std::string& s) {
  int n = -1;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, n);
  if (s.empty() || ec != std::errc() || ptr != end || n < 0 || n > 255)
    fail("key 'prefix_size': expected an integer from 0 to 255, got " + detail::quote(s));
  return n;
}

}  // namespace

InfoPairs split_info_string(std::string_view text, std::span<const std::string_view> keys) {
  InfoPairs out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto eq_or_semi = text.find_first_of("=;", pos);
    if (eq_or_semi == std::string_view::npos || text[eq_or_semi] == ';') {
      const auto stray = trim(text.substr(pos, eq_or_semi - pos));
      if (!stray.empty()) fail("expected key=value, got " + detail::quote(stray));
      pos = eq_or_semi == std::string_view::npos ? text.size() : eq_or_semi + 1;
      continue;
    }
    std::string key(trim(text.substr(pos, eq_or_semi - pos)));
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      fail("unknown key " + detail::quote(key) + " (known: " + known_list(keys) + ")");
    if (std::any_of(out.begin(), out.end(), [&](const auto& p) { return p.first == key; }))
      fail("key " + detail::quote(key) + " given twice");
    const std::size_t v = skip_space(text, eq_or_semi + 1);
    if (v < text.size() && text[v] == '{') {
      auto [value, after] = braced_value(key, text, v);
      pos = skip_space(text, after);
      if (pos < text.size() && text[pos] != ';')
        fail("key " + detail::quote(key) + ": unexpected text after '}'");
      ++pos;
      out.emplace_back(std::move(key), std::move(value));
      continue;
    }
    const auto semi = text.find(';', v);
    const auto raw = trim(text.substr(v, semi == std::string_view::npos ? semi : semi - v));
    if (raw.find_first_of("{}") != std::string_view::npos)
      fail("key " + detail::quote(key) + ": unbalanced braces in " + detail::quote(raw));
    pos = semi == std::string_view::npos ? text.size() : semi + 1;
    out.emplace_back(std::move(key), std::string(raw));
  }
  return out;
}

std::string join_info_string(const InfoPairs& pairs) {
  std::string out;
  for (const auto& [key, value] : pairs) {
    if (!out.empty()) out += ';';
    out.append(key).append("=");
    if (!value.empty() && value.find_first_of(";{}") == std::string::npos && trim(value) == value) {
      out += value;
      continue;
    }
    out += '{';
    const bool escape = !balanced(value);
    for (char c : value) {
      if (escape && (c == '\\' || c == '{' || c == '}')) out += '\\';
      out += c;
    }
    out += '}';
  }
  return out;
}

StagingArea StagingConfig::area() const {
  return StagingArea(root.value_or(default_staging_root()),
                     prefix_size.value_or(kDefaultPrefixSize));
}

StagingConfig StagingConfig::parse(std::string_view text,
                                   std::span<const std::string_view> other_keys) {
  std::vector<std::string_view> keys = {"root", "prefix_size", "upload"};
  keys.insert(keys.end(), other_keys.begin(), other_keys.end());
  StagingConfig config;
  for (auto& [key, value] : split_info_string(text, keys)) {
    if (key == "root") {
      if (value.empty()) fail("key 'root': empty value");
      config.root = value;
    } else if (key == "prefix_size") {
      config.prefix_size = parse_prefix_size(value);
    } else if (key == "upload") {
      try {
        validate_id(value, "upload id");
      } catch (const Error& e) {
        fail("key 'upload': " + std::string(e.what()));
      }
      config.upload = value;
    } else {
      config.other.emplace_back(key, std::move(value));
    }
  }
  return config;
}

std::string StagingConfig::str() const {
  InfoPairs pairs;
  if (root) pairs.emplace_back("root", root->string());
  if (prefix_size) pairs.emplace_back("prefix_size", std::to_string(*prefix_size));
  if (upload) pairs.emplace_back("upload", *upload);
  pairs.insert(pairs.end(), other.begin(), other.end());
  return join_info_string(pairs);
}

}  // namespace h5archive
