#include "h5archive/selection.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <type_traits>

#include "h5archive/checked_size.hpp"

namespace h5archive {
namespace {

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = s.find(sep, begin);
    parts.push_back(s.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos) return parts;
    begin = end + 1;
  }
}

// Parses one part of the text; `fail` throws the ValueError naming the text.
class PartParser {
 public:
  PartParser(std::string_view text, std::string_view part, std::size_t number, bool many)
      : text_(text), part_(part), number_(number), many_(many) {}

  AxisSelection parse() const {
    if (part_.empty()) fail("part " + std::to_string(number_) + " is empty");
    if (part_ == "...") return Ellipsis{};
    if (part_.find(':') == std::string_view::npos) return Index{integer(part_)};
    const auto pieces = split(part_, ':');
    if (pieces.size() > 3) fail("'" + std::string(part_) + "' has more than two ':'");
    Slice s;
    s.start = optional_integer(pieces[0]);
    s.stop = optional_integer(pieces[1]);
    if (pieces.size() == 3) {
      const auto step = optional_integer(pieces[2]);
      if (step && *step < 1)
        fail("step " + std::to_string(*step) + " is not allowed (steps must be at least 1)");
      s.step = step.value_or(1);
    }
    return s;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    std::string where;
    if (many_ && !part_.empty())
      where = " in part " + std::to_string(number_) + " '" + std::string(part_) + "'";
    throw ValueError("Invalid selection '" + std::string(text_) + "': " + why + where);
  }

  std::int64_t integer(std::string_view piece) const {
    piece = trim(piece);
    std::string_view digits = piece;
    if (!digits.empty() && digits.front() == '+')
      digits.remove_prefix(1);  // from_chars refuses '+'
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc::result_out_of_range)
      fail("'" + std::string(piece) + "' is out of range for a 64-bit integer");
    const bool two_signs = digits.size() < piece.size() && !digits.empty() && digits[0] == '-';
    if (digits.empty() || two_signs || ec != std::errc() || end != digits.data() + digits.size())
      fail("'" + std::string(piece) + "' is not an integer");
    return value;
  }

  std::optional<std::int64_t> optional_integer(std::string_view piece) const {
    if (trim(piece).empty()) return std::nullopt;
    return integer(piece);
  }

  std::string_view text_;
  std::string_view part_;
  std::size_t number_;
  bool many_;
};

// |i| of a negative i, without overflow for INT64_MIN.
std::uint64_t magnitude(std::int64_t i) { return static_cast<std::uint64_t>(-(i + 1)) + 1; }

// numpy's clamping of a slice bound to [0, size]. Unsigned arithmetic: a
// dimension of a file's dataspace may be above INT64_MAX.
std::uint64_t clamp_bound(std::int64_t bound, std::uint64_t size) {
  if (bound >= 0) return std::min(static_cast<std::uint64_t>(bound), size);
  return magnitude(bound) >= size ? 0 : size - magnitude(bound);
}

}  // namespace

Selection parse_selection(std::string_view text) {
  Selection selection;
  if (trim(text).empty()) return selection;
  const auto parts = split(text, ',');
  for (std::size_t i = 0; i < parts.size(); ++i)
    selection.push_back(PartParser(text, trim(parts[i]), i + 1, parts.size() > 1).parse());
  return selection;
}

std::string selection_str(const Selection& selection) {
  std::string s;
  for (const auto& axis : selection) {
    if (!s.empty()) s += ", ";
    std::visit(
        [&](const auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, Slice>) {
            if (a.start) s += std::to_string(*a.start);
            s += ":";
            if (a.stop) s += std::to_string(*a.stop);
            if (a.step != 1) s += ":" + std::to_string(a.step);
          } else if constexpr (std::is_same_v<T, Index>) {
            s += std::to_string(a.i);
          } else if constexpr (std::is_same_v<T, All>) {
            s += ":";
          } else {
            s += "...";
          }
        },
        axis);
  }
  return s;
}

StridedSlab resolve(const Selection& selection, const Shape& shape) {
  const auto fail = [&](const std::string& why) {
    return ValueError("Invalid selection '" + selection_str(selection) + "' for shape " +
                      shape_str(shape) + ": " + why);
  };
  std::size_t ellipses = 0;
  for (const auto& axis : selection) ellipses += std::holds_alternative<Ellipsis>(axis) ? 1 : 0;
  if (ellipses > 1) throw fail("an index can only have a single ellipsis ('...')");
  const std::size_t named = selection.size() - ellipses;
  if (named > shape.size())
    throw fail("too many indices: " + std::to_string(named) + " given for a dataset of rank " +
               std::to_string(shape.size()));
  // Every count below is at most its dimension: a shape whose count fits
  // makes every selection's count fit.
  checked_element_count(shape, "Invalid selection '" + selection_str(selection) + "': the dataset");

  // The selection over every axis: `...` expands to the missing `:`s, and
  // trailing axes not named are `:` too.
  Selection full;
  for (const auto& axis : selection) {
    if (std::holds_alternative<Ellipsis>(axis))
      full.insert(full.end(), shape.size() - named, All{});
    else
      full.push_back(axis);
  }
  full.resize(shape.size(), All{});

  StridedSlab slab;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    const std::uint64_t n = shape[d];
    std::uint64_t start = 0, count = n, stride = 1;
    bool keep = true;
    if (const auto* s = std::get_if<Slice>(&full[d])) {
      if (s->step < 1)
        throw fail("step " + std::to_string(s->step) +
                   " is not allowed (steps must be at least 1)");
      stride = static_cast<std::uint64_t>(s->step);
      start = s->start ? clamp_bound(*s->start, n) : 0;
      const std::uint64_t stop = s->stop ? clamp_bound(*s->stop, n) : n;
      count = stop > start ? (stop - start - 1) / stride + 1 : 0;  // ceil, without overflow
    } else if (const auto* index = std::get_if<Index>(&full[d])) {
      const std::int64_t i = index->i;
      const bool inside = i >= 0 ? static_cast<std::uint64_t>(i) < n : magnitude(i) <= n;
      if (!inside)
        throw fail("index " + std::to_string(index->i) + " is out of bounds for axis " +
                   std::to_string(d) + " with size " + std::to_string(n));
      start = i >= 0 ? static_cast<std::uint64_t>(i) : n - magnitude(i);
      count = 1;
      keep = false;
    }
    slab.start.push_back(start);
    slab.count.push_back(count);
    slab.stride.push_back(stride);
    if (keep) slab.result_shape.push_back(count);
  }
  return slab;
}

}  // namespace h5archive
