// The .npy format's dtypes and header dict: numpy's descr strings, byte
// order, and a bounded parser of the header (a Python dict literal).
#include "npy_format.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "h5archive/checked_size.hpp"

namespace h5archive::npy_format {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- dtypes

struct TypeCode {
  char kind;  // b, i, u, f, c, S, U
  std::size_t size;
  DType dtype;
};

// The numeric and bool dtypes by numpy kind letter and size.
constexpr TypeCode kNumericCodes[] = {
    {'b', 1, DType::boolean},     {'i', 1, DType::int8},    {'i', 2, DType::int16},
    {'i', 4, DType::int32},       {'i', 8, DType::int64},   {'u', 1, DType::uint8},
    {'u', 2, DType::uint16},      {'u', 4, DType::uint32},  {'u', 8, DType::uint64},
    {'f', 4, DType::float32},     {'f', 8, DType::float64}, {'c', 8, DType::complex64},
    {'c', 16, DType::complex128},
};

// Parses a descr such as "<f8", "|S5", ">U3" into the header's type fields;
// false if it is not one we read.
bool parse_descr(const std::string& descr, NpyHeader& h) {
  if (descr.size() < 3) return false;
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') return false;
  const char kind = descr[1];
  std::size_t n = 0;
  for (std::size_t i = 2; i < descr.size(); ++i) {
    if (descr[i] < '0' || descr[i] > '9' || n > (std::size_t{1} << 40)) return false;
    n = n * 10 + static_cast<std::size_t>(descr[i] - '0');
  }
  h.big_endian = order == '>' || (order == '=' && std::endian::native == std::endian::big);
  if (kind == 'S') {
    if (n == 0) return false;
    h.dtype = DType::fixed_string;
    h.string_size = h.item_size = n;
    return true;
  }
  if (kind == 'U') {
    if (n == 0) return false;
    h.dtype = DType::variable_string;
    h.unicode = true;
    h.item_size = 4 * n;
    return true;
  }
  for (const auto& code : kNumericCodes) {
    if (code.kind == kind && code.size == n) {
      h.dtype = code.dtype;
      h.item_size = n;
      return true;
    }
  }
  return false;
}

// The descr we write for a dtype (little-endian).
std::string descr_of(DType dtype, std::size_t string_size) {
  if (dtype == DType::fixed_string) return "|S" + std::to_string(string_size);
  if (dtype == DType::variable_string) return "<U" + std::to_string(string_size);
  for (const auto& code : kNumericCodes)
    if (code.dtype == dtype)
      return std::string(code.size == 1 ? "|" : "<") + code.kind + std::to_string(code.size);
  throw ValueError("No .npy descr for dtype " + dtype_name(dtype));
}

// Bytes per element of the parts that are byte-swapped (complex: each half).
std::size_t swap_unit(DType dtype, std::size_t item_size) {
  if (dtype == DType::complex64 || dtype == DType::complex128) return item_size / 2;
  return item_size;
}

void swap_bytes(std::byte* data, std::size_t bytes, std::size_t unit) {
  if (unit <= 1) return;
  for (std::size_t i = 0; i + unit <= bytes; i += unit) std::reverse(data + i, data + i + unit);
}

// True if elements in the file's order must be swapped for this host.
bool needs_swap(bool file_big_endian) {
  return file_big_endian != (std::endian::native == std::endian::big);
}

// ---------------------------------------------------------------- header dict

// A value of the header dict: a string, a bool, a tuple of integers, or
// anything else (kept as raw text for the message).
struct DictValue {
  enum class Kind { string, boolean, tuple, other } kind = Kind::other;
  std::string text;
  bool flag = false;
  std::vector<std::uint64_t> ints;
};

// Parses the Python literal numpy writes (and the variations of older numpy
// versions: double quotes, no trailing comma, "(3,)" or "(3L,)").
class DictParser {
 public:
  DictParser(std::string_view text, const fs::path& path) : s_(text), path_(path) {}

  std::vector<std::pair<std::string, DictValue>> parse() {
    std::vector<std::pair<std::string, DictValue>> items;
    expect('{');
    while (true) {
      skip();
      if (peek() == '}') break;
      std::string key = string_literal();
      expect(':');
      DictValue v = value();
      items.emplace_back(std::move(key), std::move(v));
      skip();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') break;
      fail("expected ',' or '}' at offset " + std::to_string(pos_));
    }
    ++pos_;
    skip();
    if (pos_ != s_.size()) fail("unexpected text after the dict at offset " + std::to_string(pos_));
    return items;
  }

 private:
  [[noreturn]] void fail(const std::string& why) {
    std::string_view shown = s_;
    while (!shown.empty() && (shown.back() == ' ' || shown.back() == '\n')) shown.remove_suffix(1);
    bad_file(path_, "unparseable header dict (" + why + "): " + std::string(shown));
  }
  void skip() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t')) ++pos_;
  }
  char peek() { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void expect(char c) {
    skip();
    if (peek() != c) fail(std::string("expected '") + c + "' at offset " + std::to_string(pos_));
    ++pos_;
  }
  std::string string_literal() {
    skip();
    const char q = peek();
    if (q != '\'' && q != '"') fail("expected a string at offset " + std::to_string(pos_));
    const std::size_t end = s_.find(q, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return out;
  }
  std::uint64_t integer() {
    skip();
    const std::size_t begin = pos_;
    std::uint64_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      if (v > (~std::uint64_t{0} - 9) / 10) fail("dimension too large");
      v = v * 10 + static_cast<std::uint64_t>(s_[pos_++] - '0');
    }
    if (pos_ == begin) fail("expected a non-negative integer at offset " + std::to_string(pos_));
    if (peek() == 'L') ++pos_;  // Python 2 longs
    return v;
  }
  DictValue value() {
    skip();
    DictValue v;
    const char c = peek();
    if (c == '\'' || c == '"') {
      v.kind = DictValue::Kind::string;
      v.text = string_literal();
    } else if (s_.substr(pos_, 4) == "True") {
      v.kind = DictValue::Kind::boolean;
      v.flag = true;
      pos_ += 4;
    } else if (s_.substr(pos_, 5) == "False") {
      v.kind = DictValue::Kind::boolean;
      pos_ += 5;
    } else if (c == '(') {
      v.kind = DictValue::Kind::tuple;
      ++pos_;
      skip();
      while (peek() != ')') {
        v.ints.push_back(integer());
        skip();
        if (peek() == ',')
          ++pos_;
        else if (peek() != ')')
          fail("expected ',' or ')' in the shape");
        skip();
      }
      ++pos_;
    } else if (c == '[' || c == '{') {
      // A structured descr: keep its text for the message.
      const std::size_t begin = pos_;
      int depth = 0;
      do {
        if (pos_ >= s_.size()) fail("unterminated list");
        if (s_[pos_] == '[' || s_[pos_] == '{' || s_[pos_] == '(') ++depth;
        if (s_[pos_] == ']' || s_[pos_] == '}' || s_[pos_] == ')') --depth;
        ++pos_;
      } while (depth > 0);
      v.text = std::string(s_.substr(begin, pos_ - begin));
    } else {
      fail("unexpected value at offset " + std::to_string(pos_));
    }
    return v;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  const fs::path& path_;
};

// Fills `h` from the header dict `text` and checks the data it announces
// against the `file_size` bytes of the file.
void read_header_dict(const std::string& text, const fs::path& path, std::uint64_t file_size,
                      NpyHeader& h) {
  const auto items = DictParser(text, path).parse();
  std::optional<DictValue> descr, fortran, shape;
  for (const auto& [key, value] : items) {
    if (key == "descr")
      descr = value;
    else if (key == "fortran_order")
      fortran = value;
    else if (key == "shape")
      shape = value;
  }
  if (!descr || !fortran || !shape)
    bad_file(path, "the header dict needs the keys 'descr', 'fortran_order' and 'shape': " +
                       text.substr(0, text.find_last_not_of(" \n") + 1));
  if (fortran->kind != DictValue::Kind::boolean)
    bad_file(path, "'fortran_order' is not True or False");
  if (shape->kind != DictValue::Kind::tuple) bad_file(path, "'shape' is not a tuple of integers");
  h.descr = descr->text;
  h.fortran_order = fortran->flag;
  h.shape = Shape(shape->ints.begin(), shape->ints.end());
  if (descr->kind != DictValue::Kind::string || !parse_descr(h.descr, h))
    bad_file(path, "unsupported dtype descr " + h.descr +
                       " (supported: b1, i1-i8, u1-u8, f4, f8, c8, c16, S<n>, U<n>)");
  if (h.fortran_order)
    bad_file(path,
             "Fortran-order arrays are not supported (write it with C order, e.g. "
             "numpy.ascontiguousarray)");
  // Checked before anything is sized from the shape: a header of a few bytes
  // can claim (2**40, 2**40).
  const std::uint64_t bytes = checked_byte_size(
      h.shape, h.item_size, "The .npy file " + quoted(path) + " (" + h.descr + ")");
  if (bytes > file_size - h.data_offset)
    bad_file(path, "data shorter than the shape says: " + shape_str(h.shape) + " of " + h.descr +
                       " needs " + std::to_string(bytes) + " bytes, the file has " +
                       std::to_string(file_size - h.data_offset));
}

NpyHeader parse_header(std::FILE* f, const fs::path& path) {
  NpyHeader h;
  unsigned char start[kMagicSize + 2];
  if (std::fread(start, 1, sizeof start, f) != sizeof start)
    bad_file(path, "shorter than the .npy magic and version (8 bytes)");
  if (std::memcmp(start, kMagic, kMagicSize) != 0)
    bad_file(path, "bad magic (not a .npy file: it must start with \\x93NUMPY)");
  h.major_version = start[6];
  h.minor_version = start[7];
  if (h.major_version < 1 || h.major_version > 3 || h.minor_version != 0)
    bad_file(path, "unsupported format version " + std::to_string(h.major_version) + "." +
                       std::to_string(h.minor_version) + " (1.0, 2.0 and 3.0 are read)");
  const std::size_t len_bytes = h.major_version == 1 ? 2 : 4;
  unsigned char len_raw[4] = {0, 0, 0, 0};
  if (std::fread(len_raw, 1, len_bytes, f) != len_bytes)
    bad_file(path, "truncated before the header length");
  std::uint64_t header_len = 0;
  for (std::size_t i = len_bytes; i-- > 0;) header_len = header_len * 256 + len_raw[i];
  h.data_offset = kMagicSize + 2 + len_bytes + header_len;
  std::error_code ec;
  const std::uint64_t file_size = fs::file_size(path, ec);
  if (ec || h.data_offset > file_size)
    bad_file(path, "bad header length " + std::to_string(header_len) + " (the file has " +
                       std::to_string(file_size) + " bytes)");
  std::string text(allocatable(header_len, "The header of .npy file " + quoted(path)), '\0');
  if (std::fread(text.data(), 1, header_len, f) != header_len) bad_file(path, "truncated header");

  read_header_dict(text, path, file_size, h);
  return h;
}

// The header bytes (magic to the final '\n') for a dtype and shape; with
// `growth` the shape is padded so a longer first dimension fits later.
std::string header_bytes(DType dtype, std::size_t string_size, const Shape& shape,
                         std::size_t min_total) {
  std::string dict =
      "{'descr': '" + descr_of(dtype, string_size) + "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i)
    dict += (i > 0 ? ", " : "") + std::to_string(shape[i]) + (shape.size() == 1 ? "," : "");
  dict += "), }";
  const auto aligned_total = [&](std::size_t prefix) {
    const std::size_t total = std::max(prefix + dict.size() + 1, min_total);
    return (total + kAlign - 1) / kAlign * kAlign;
  };
  // Version 1.0 stores the header length in 2 bytes; 2.0 in 4.
  int major = 1;
  std::size_t prefix = kMagicSize + 2 + 2;
  std::size_t total = aligned_total(prefix);
  if (total - prefix > 65535) {
    major = 2;
    prefix = kMagicSize + 2 + 4;
    total = aligned_total(prefix);
  }
  const std::size_t header_len = total - prefix;
  dict.append(header_len - dict.size() - 1, ' ');
  dict += '\n';
  std::string out(kMagic, kMagicSize);
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t i = 0; i < prefix - kMagicSize - 2; ++i)
    out += static_cast<char>((header_len >> (8 * i)) & 0xFF);
  return out + dict;
}

}  // namespace h5archive::npy_format
