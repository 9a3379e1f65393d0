// A small unit table and parser: enough of pint's vocabulary for the units
// NOMAD schemas use, with pint's short output format.
#include "h5archive/units.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <complex>
#include <map>
#include <numbers>
#include <optional>

#include <fmt/format.h>

#include "h5archive/errors.hpp"
#include "printable.hpp"

namespace h5archive {
namespace {

// Exponent order: length, mass, time, current, temperature, amount, luminosity.
constexpr Unit::Dimensions kLength{1, 0, 0, 0, 0, 0, 0};
constexpr Unit::Dimensions kMass{0, 1, 0, 0, 0, 0, 0};
constexpr Unit::Dimensions kTime{0, 0, 1, 0, 0, 0, 0};
constexpr Unit::Dimensions kCurrent{0, 0, 0, 1, 0, 0, 0};
constexpr Unit::Dimensions kTemperature{0, 0, 0, 0, 1, 0, 0};
constexpr Unit::Dimensions kAmount{0, 0, 0, 0, 0, 1, 0};
constexpr Unit::Dimensions kLuminosity{0, 0, 0, 0, 0, 0, 1};
constexpr Unit::Dimensions kNone{};
constexpr Unit::Dimensions kEnergy{2, 1, -2, 0, 0, 0, 0};
constexpr Unit::Dimensions kFrequency{0, 0, -1, 0, 0, 0, 0};
constexpr Unit::Dimensions kForce{1, 1, -2, 0, 0, 0, 0};
constexpr Unit::Dimensions kPressure{-1, 1, -2, 0, 0, 0, 0};
constexpr Unit::Dimensions kPower{2, 1, -3, 0, 0, 0, 0};
constexpr Unit::Dimensions kVoltage{2, 1, -3, -1, 0, 0, 0};
constexpr Unit::Dimensions kCharge{0, 0, 1, 1, 0, 0, 0};
constexpr Unit::Dimensions kVolume{3, 0, 0, 0, 0, 0, 0};

struct BaseUnit {
  const char* symbol;  // pint's short symbol
  const char* name;    // pint's full name (the sort key of the short format)
  double factor;       // size in SI base units
  Unit::Dimensions dims;
  bool prefixable;
};

// Grams, not kilograms, are the base here, so that "kg" is "k" + "g" as in pint.
const BaseUnit kUnits[] = {
    {"m", "meter", 1.0, kLength, true},
    {"g", "gram", 1e-3, kMass, true},
    {"s", "second", 1.0, kTime, true},
    {"A", "ampere", 1.0, kCurrent, true},
    {"K", "kelvin", 1.0, kTemperature, true},
    {"mol", "mole", 1.0, kAmount, true},
    {"cd", "candela", 1.0, kLuminosity, true},
    {"J", "joule", 1.0, kEnergy, true},
    {"eV", "electron_volt", 1.602176634e-19, kEnergy, true},
    {"Hz", "hertz", 1.0, kFrequency, true},
    {"N", "newton", 1.0, kForce, true},
    {"Pa", "pascal", 1.0, kPressure, true},
    {"W", "watt", 1.0, kPower, true},
    {"V", "volt", 1.0, kVoltage, true},
    {"C", "coulomb", 1.0, kCharge, true},
    {"l", "liter", 1e-3, kVolume, true},
    {"bar", "bar", 1e5, kPressure, true},
    {"Å", "angstrom", 1e-10, kLength, false},
    {"rad", "radian", 1.0, kNone, false},
    {"deg", "degree", std::numbers::pi / 180.0, kNone, false},
    {"min", "minute", 60.0, kTime, false},
    {"h", "hour", 3600.0, kTime, false},
    // pint's symbol (NOMAD's `units` attribute and pint.Unit read it); "Ha" is an alias.
    {"E_h", "hartree", 4.3597447222071e-18, kEnergy, false},
};

// Extra spellings accepted on input and mapped to a table symbol.
const std::map<std::string, std::string, std::less<>> kAliases = {
    {"metre", "m"},     {"Å", "Å"},  // U+212B ANGSTROM SIGN
    {"Angstrom", "Å"},  {"electronvolt", "eV"},
    {"litre", "l"},     {"L", "l"},
    {"hartree", "E_h"}, {"Ha", "E_h"},
    {"hr", "h"},
};

struct Prefix {
  const char* symbol;
  const char* name;
  double factor;
};
const Prefix kPrefixes[] = {
    {"Y", "yotta", 1e24},  {"Z", "zetta", 1e21}, {"E", "exa", 1e18},    {"P", "peta", 1e15},
    {"T", "tera", 1e12},   {"G", "giga", 1e9},   {"M", "mega", 1e6},    {"k", "kilo", 1e3},
    {"h", "hecto", 1e2},   {"da", "deca", 1e1},  {"d", "deci", 1e-1},   {"c", "centi", 1e-2},
    {"m", "milli", 1e-3},  {"µ", "micro", 1e-6}, {"n", "nano", 1e-9},   {"p", "pico", 1e-12},
    {"f", "femto", 1e-15}, {"a", "atto", 1e-18}, {"z", "zepto", 1e-21}, {"y", "yocto", 1e-24},
};

// One named factor of a unit expression, e.g. "km" with power -1.
struct Factor {
  std::string symbol;
  std::string name;
  double factor;
  Unit::Dimensions dims;
  int power;
};

std::optional<Factor> lookup_plain(std::string_view word) {
  std::string_view key = word;
  if (auto it = kAliases.find(word); it != kAliases.end()) key = it->second;
  for (const auto& u : kUnits) {
    if (key == u.symbol || key == u.name) return Factor{u.symbol, u.name, u.factor, u.dims, 1};
  }
  return std::nullopt;
}

std::optional<Factor> lookup(std::string_view word) {
  if (auto f = lookup_plain(word)) return f;
  // Prefixed: "km" / "kilometer"; "u" is accepted for micro as pint does.
  for (const auto& p : kPrefixes) {
    for (std::string_view pre : {std::string_view(p.symbol), std::string_view(p.name)}) {
      bool micro_u = std::string_view(p.name) == "micro" && word.starts_with('u');
      if (!word.starts_with(pre) && !micro_u) continue;
      std::string_view rest = word.substr(micro_u && !word.starts_with(pre) ? 1 : pre.size());
      auto base = lookup_plain(rest);
      if (!base) continue;
      bool long_form = pre == p.name;
      // Symbols take symbol prefixes, names take name prefixes ("kJ", "kilojoule").
      if (long_form == (rest == base->symbol)) continue;
      const BaseUnit* entry = nullptr;
      for (const auto& u : kUnits)
        if (base->symbol == u.symbol) entry = &u;
      if (entry == nullptr || !entry->prefixable) continue;
      return Factor{std::string(p.symbol) + base->symbol, std::string(p.name) + base->name,
                    p.factor * base->factor, base->dims, 1};
    }
  }
  return std::nullopt;
}

// Recursive-descent parser over:  expr := term (('*'|'/') term)*
//                                  term := primary (('**'|'^') int)?
//                                  primary := NAME | '1' | '(' expr ')'
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::vector<Factor> parse() {
    skip_space();
    if (pos_ == text_.size()) return {};
    auto out = expr();
    skip_space();
    if (pos_ != text_.size()) fail("unexpected " + detail::quote(text_.substr(pos_)));
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw ValueError(fmt::format("Invalid unit {}: {}", detail::quote(text_), what));
  }
  void skip_space() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }
  bool eat(std::string_view token) {
    skip_space();
    if (text_.substr(pos_).starts_with(token)) {
      pos_ += token.size();
      return true;
    }
    return false;
  }

  std::vector<Factor> expr() {
    auto out = term();
    for (;;) {
      if (eat("**")) fail("misplaced '**'");
      if (eat("*")) {
        append(out, term(), 1);
      } else if (eat("/")) {
        append(out, term(), -1);
      } else {
        return out;
      }
    }
  }
  static void append(std::vector<Factor>& out, std::vector<Factor> more, int sign) {
    for (auto& f : more) {
      f.power *= sign;
      out.push_back(std::move(f));
    }
  }

  std::vector<Factor> term() {
    auto out = primary();
    if (eat("**") || eat("^")) {
      skip_space();
      std::size_t start = pos_;
      if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+')) ++pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      std::string digits(text_.substr(start, pos_ - start));
      if (digits.empty() || digits == "-" || digits == "+") fail("expected an integer power");
      int power = std::stoi(digits);
      for (auto& f : out) f.power *= power;
    }
    return out;
  }

  std::vector<Factor> primary() {
    skip_space();
    if (eat("(")) {
      auto out = expr();
      if (!eat(")")) fail("missing ')'");
      return out;
    }
    std::size_t start = pos_;
    while (pos_ < text_.size()) {
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (std::isalnum(c) || c == '_' || c >= 0x80) {
        ++pos_;
      } else {
        break;
      }
    }
    std::string_view word = text_.substr(start, pos_ - start);
    if (word.empty()) fail("expected a unit");
    if (word == "1" || word == "dimensionless") return {};
    auto f = lookup(word);
    if (!f)
      throw ValueError(
          fmt::format("Unknown unit {} in {}", detail::quote(word), detail::quote(text_)));
    return {*f};
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string power_str(const Factor& f, int power) {
  return power == 1 ? f.symbol : fmt::format("{} ** {}", f.symbol, power);
}

}  // namespace

Unit Unit::parse(std::string_view text) {
  auto factors = Parser(text).parse();
  // Combine repeated factors ("m * m" = "m ** 2"), drop those that cancel.
  std::vector<Factor> merged;
  for (auto& f : factors) {
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&](const Factor& m) { return m.symbol == f.symbol; });
    if (it == merged.end()) {
      merged.push_back(f);
    } else {
      it->power += f.power;
    }
  }
  std::erase_if(merged, [](const Factor& f) { return f.power == 0; });
  std::sort(merged.begin(), merged.end(),
            [](const Factor& a, const Factor& b) { return a.name < b.name; });

  Unit unit;
  std::string numerator, denominator;
  for (const auto& f : merged) {
    unit.factor_ *= std::pow(f.factor, f.power);
    for (std::size_t i = 0; i < unit.dims_.size(); ++i) unit.dims_[i] += f.dims[i] * f.power;
    if (f.power > 0) {
      numerator += (numerator.empty() ? "" : " * ") + power_str(f, f.power);
    } else {
      denominator += " / " + power_str(f, -f.power);
    }
  }
  if (numerator.empty() && !denominator.empty()) numerator = "1";
  unit.text_ = numerator + denominator;
  return unit;
}

double Unit::factor_to(const Unit& to) const {
  if (!compatible(to)) {
    throw ValueError(
        fmt::format("Cannot convert {} to {} (dimensions differ)", display(), to.display()));
  }
  return factor_ / to.factor_;
}

UnitArray with_unit(Array value, std::string_view unit) {
  return UnitArray{std::move(value), Unit::parse(unit)};
}

Array convert_units(const Array& value, const Unit& from, const Unit& to) {
  double factor = from.factor_to(to);
  if (from == to) return value;
  DType dt = value.dtype();
  if (dt == DType::complex64 || dt == DType::complex128) {
    Array out = value.cast_to(DType::complex128);
    for (auto& v : out.values<std::complex<double>>()) v *= factor;
    return out;
  }
  if (is_string(dt)) {
    throw ValueError(fmt::format("Cannot convert {} values from {} to {}", value.dtype_name(),
                                 from.display(), to.display()));
  }
  Array out = value.cast_to(DType::float64);
  for (auto& v : out.values<double>()) v *= factor;
  return out;
}

}  // namespace h5archive
