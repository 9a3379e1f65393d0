// Array values as text for `h5archive get`: nested JSON lists and CSV rows.
#pragma once

#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "h5archive/array.hpp"

namespace h5archive::cli {

/// The array as nested JSON lists following its shape (a 0-d array is a bare
/// value). Floats that JSON cannot hold are the strings "nan", "inf", "-inf"
/// (as in the quantity metadata); complex numbers are [real, imag] pairs.
nlohmann::json array_to_json(const Array& array);

/// Writes a 1-D array as one value per line, a 2-D array as one row per line
/// with comma-separated values. Numbers are written with the fewest digits
/// that read back exactly; complex numbers as numpy prints them ("1+2j");
/// strings are quoted when they hold a comma, quote or line break. Other ranks
/// throw ValueError naming the shape.
void write_csv(const Array& array, std::ostream& out);

}  // namespace h5archive::cli
