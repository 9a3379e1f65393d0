// Physical units in pint's short notation, as NOMAD writes them in the
// `units` attribute, with conversion between compatible units.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "h5archive/array.hpp"

namespace h5archive {

/// A unit: a product of powers of known units (SI base and derived units,
/// eV, Å, …, with SI prefixes). Offset units (°C) are not supported.
/// str() is pint's short format: "eV", "m / s", "1 / m ** 3",
/// "kg * m ** 2 / s ** 2"; dimensionless is "".
class Unit {
 public:
  /// Dimensionless.
  Unit() = default;

  /// Parses "eV", "meter", "km", "m/s", "m / s", "1 / m ** 3", "m^2", "kg*m**2/s**2",
  /// "dimensionless", "" (dimensionless). Throws ValueError naming the text and
  /// the unknown unit: "Unknown unit 'xyz' in 'xyz / s'".
  static Unit parse(std::string_view text);

  /// pint's short format (factors sorted by full name, numerator first).
  const std::string& str() const { return text_; }
  /// The str() of messages: "dimensionless" instead of "".
  std::string display() const { return text_.empty() ? "dimensionless" : text_; }
  bool is_dimensionless() const { return text_.empty(); }

  /// True if both units measure the same dimension (J and eV, m and Å).
  bool compatible(const Unit& other) const { return dims_ == other.dims_; }
  /// The factor f with value_in_this * f = value_in_`to`. Throws ValueError
  /// "Cannot convert J to m (dimensions differ)" for incompatible units.
  double factor_to(const Unit& to) const;

  /// Same notation (hence same unit).
  friend bool operator==(const Unit& a, const Unit& b) { return a.text_ == b.text_; }

  /// Exponents of length, mass, time, current, temperature, amount, luminosity.
  using Dimensions = std::array<int, 7>;
  const Dimensions& dimensions() const { return dims_; }
  /// Size of this unit in SI base units (eV → 1.602176634e-19).
  double si_factor() const { return factor_; }

 private:
  std::string text_;
  double factor_ = 1.0;
  Dimensions dims_{};
};

/// An array with a unit: the analogue of a pint Quantity assigned to a
/// quantity. Converted to the quantity's unit on assignment.
struct UnitArray {
  Array value;
  Unit unit;
};

/// `value` in `unit` (parsed with Unit::parse).
UnitArray with_unit(Array value, std::string_view unit);

/// `value` converted from `from` to `to`. Equal units return the value as
/// is; otherwise the result is float64 (complex128 for complex values), as
/// pint's conversion of numpy arrays gives. ValueError for incompatible units
/// or non-numeric values (naming the dtype).
Array convert_units(const Array& value, const Unit& from, const Unit& to);

}  // namespace h5archive
