// The one escaping of user input in messages (printable.hpp).
#include "printable.hpp"

#include <fmt/format.h>

namespace h5archive::detail {
namespace {

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

}  // namespace

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

std::string quote(std::string_view input) {
  std::string out = "'";
  for (char c : printable(input)) {
    if (c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace h5archive::detail
