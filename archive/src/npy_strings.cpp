// The .npy format's string records: fixed-size bytes (S<n>) and UTF-32
// code points (U<n>) to and from the library's UTF-8 strings.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "h5archive/checked_size.hpp"
#include "npy_format.hpp"

namespace h5archive::npy_format {

namespace fs = std::filesystem;

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// UTF-8 to code points; nullopt if `s` is not valid UTF-8.
std::optional<std::vector<std::uint32_t>> code_points(const std::string& s) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80         ? 1
                      : (b >> 5) == 6  ? 2
                      : (b >> 4) == 14 ? 3
                      : (b >> 3) == 30 ? 4
                                       : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    std::uint32_t cp = len == 1 ? b : b & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c >> 6) != 2) return std::nullopt;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    out.push_back(cp);
    i += len;
  }
  return out;
}

// Decodes n elements of the file's string records into strings.
std::vector<std::string> decode_strings(const NpyHeader& h, const std::vector<char>& records,
                                        std::uint64_t n, const fs::path& path) {
  std::vector<std::string> strings;
  strings.reserve(n);
  for (std::uint64_t e = 0; e < n; ++e) {
    const char* r = records.data() + e * h.item_size;
    std::string s;
    if (!h.unicode) {
      std::size_t len = h.item_size;
      while (len > 0 && r[len - 1] == '\0') --len;  // numpy drops trailing NULs
      s.assign(r, len);
    } else {
      std::size_t chars = h.item_size / 4;
      std::vector<std::uint32_t> cps(chars);
      for (std::size_t k = 0; k < chars; ++k) {
        unsigned char b[4];
        std::memcpy(b, r + 4 * k, 4);
        cps[k] = h.big_endian ? (std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 |
                                 std::uint32_t{b[2]} << 8 | b[3])
                              : (std::uint32_t{b[3]} << 24 | std::uint32_t{b[2]} << 16 |
                                 std::uint32_t{b[1]} << 8 | b[0]);
      }
      while (chars > 0 && cps[chars - 1] == 0) --chars;
      for (std::size_t k = 0; k < chars; ++k) {
        if (cps[k] > 0x10FFFF || (cps[k] >= 0xD800 && cps[k] <= 0xDFFF))
          bad_file(path, "element " + std::to_string(e) + " holds the invalid code point " +
                             std::to_string(cps[k]));
        append_utf8(s, cps[k]);
      }
    }
    strings.push_back(std::move(s));
  }
  return strings;
}

// The file records of string elements: S<n> null-padded bytes, or U<n>
// little-endian UTF-32. `what` names the destination in messages.
std::vector<char> encode_strings(const std::vector<std::string>& strings, DType dtype,
                                 std::size_t size, const std::string& what) {
  const std::size_t item = dtype == DType::fixed_string ? size : 4 * size;
  std::vector<char> records(allocatable(Shape{strings.size()}, item, "The strings of " + what),
                            '\0');
  for (std::size_t e = 0; e < strings.size(); ++e) {
    char* r = records.data() + e * item;
    if (dtype == DType::fixed_string) {
      if (strings[e].size() > size)
        throw ValueError("String of " + std::to_string(strings[e].size()) +
                         " bytes does not fit S" + std::to_string(size) + " in " + what);
      std::memcpy(r, strings[e].data(), strings[e].size());
      continue;
    }
    const auto cps = code_points(strings[e]);
    if (!cps) throw ValueError("String element " + std::to_string(e) + " is not UTF-8 in " + what);
    if (cps->size() > size)
      throw ValueError("String of " + std::to_string(cps->size()) + " code points does not fit U" +
                       std::to_string(size) + " in " + what);
    for (std::size_t k = 0; k < cps->size(); ++k) {
      const std::uint32_t cp = (*cps)[k];
      const unsigned char b[4] = {
          static_cast<unsigned char>(cp), static_cast<unsigned char>(cp >> 8),
          static_cast<unsigned char>(cp >> 16), static_cast<unsigned char>(cp >> 24)};
      std::memcpy(r + 4 * k, b, 4);
    }
  }
  return records;
}

std::size_t longest_code_points(const Array& value, const std::string& what) {
  std::size_t longest = 1;
  for (std::size_t e = 0; e < value.strings().size(); ++e) {
    const auto cps = code_points(value.strings()[e]);
    if (!cps) throw ValueError("String element " + std::to_string(e) + " is not UTF-8 in " + what);
    longest = std::max(longest, cps->size());
  }
  return longest;
}

}  // namespace h5archive::npy_format
