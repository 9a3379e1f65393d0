// Units: parsing, pint's short format, conversion factors and their errors.
#include <gtest/gtest.h>

#include "h5archive/errors.hpp"
#include "h5archive/units.hpp"
#include "test_support.hpp"

using h5archive::testing::message_of;

using namespace h5archive;

namespace {

std::string fmt_unit(std::string_view text) { return Unit::parse(text).str(); }

}  // namespace

TEST(Units, ShortFormatOfSimpleUnits) {
  EXPECT_EQ(fmt_unit("eV"), "eV");
  EXPECT_EQ(fmt_unit("electron_volt"), "eV");
  EXPECT_EQ(fmt_unit("meter"), "m");
  EXPECT_EQ(fmt_unit("metre"), "m");
  EXPECT_EQ(fmt_unit("kilometer"), "km");
  EXPECT_EQ(fmt_unit("km"), "km");
  EXPECT_EQ(fmt_unit("kg"), "kg");
  EXPECT_EQ(fmt_unit("fs"), "fs");
  EXPECT_EQ(fmt_unit("meV"), "meV");
  EXPECT_EQ(fmt_unit("um"), "µm");
  EXPECT_EQ(fmt_unit("angstrom"), "Å");
  EXPECT_EQ(fmt_unit("Å"), "Å");
  EXPECT_EQ(fmt_unit("K"), "K");
  EXPECT_EQ(fmt_unit("mol"), "mol");
  EXPECT_EQ(fmt_unit("min"), "min");
  EXPECT_EQ(fmt_unit("deg"), "deg");
}

TEST(Units, DimensionlessIsEmpty) {
  EXPECT_EQ(fmt_unit("dimensionless"), "");
  EXPECT_EQ(fmt_unit(""), "");
  EXPECT_EQ(fmt_unit("m / m"), "");
  EXPECT_TRUE(Unit().is_dimensionless());
  EXPECT_EQ(Unit().display(), "dimensionless");
}

TEST(Units, ProductsQuotientsAndPowersInPintFormat) {
  EXPECT_EQ(fmt_unit("m/s"), "m / s");
  EXPECT_EQ(fmt_unit("m / s"), "m / s");
  EXPECT_EQ(fmt_unit("1 / m ** 3"), "1 / m ** 3");
  EXPECT_EQ(fmt_unit("m^-3"), "1 / m ** 3");
  EXPECT_EQ(fmt_unit("kg*m**2/s**2"), "kg * m ** 2 / s ** 2");
  EXPECT_EQ(fmt_unit("m * m"), "m ** 2");
  EXPECT_EQ(fmt_unit("J / (mol * K)"), "J / K / mol");
}

TEST(Units, ConversionFactors) {
  EXPECT_DOUBLE_EQ(Unit::parse("km").factor_to(Unit::parse("m")), 1000.0);
  EXPECT_DOUBLE_EQ(Unit::parse("J").factor_to(Unit::parse("eV")), 1.0 / 1.602176634e-19);
  EXPECT_DOUBLE_EQ(Unit::parse("Å").factor_to(Unit::parse("nm")), 0.1);
  EXPECT_DOUBLE_EQ(Unit::parse("kg * m ** 2 / s ** 2").factor_to(Unit::parse("J")), 1.0);
  EXPECT_DOUBLE_EQ(Unit::parse("keV").factor_to(Unit::parse("meV")), 1e6);
  EXPECT_DOUBLE_EQ(Unit::parse("ms").factor_to(Unit::parse("s")), 1e-3);
  EXPECT_DOUBLE_EQ(Unit::parse("g").factor_to(Unit::parse("kg")), 1e-3);
  EXPECT_NEAR(Unit::parse("deg").factor_to(Unit::parse("rad")), 0.017453292519943295, 1e-15);
}

TEST(Units, IncompatibleUnitsNameBoth) {
  EXPECT_EQ(message_of([] { Unit::parse("J").factor_to(Unit::parse("m")); }),
            "Cannot convert J to m (dimensions differ)");
  EXPECT_EQ(message_of([] { Unit::parse("m / s").factor_to(Unit()); }),
            "Cannot convert m / s to dimensionless (dimensions differ)");
  EXPECT_THROW(Unit::parse("J").factor_to(Unit::parse("m")), ValueError);
}

TEST(Units, UnknownAndMalformedUnits) {
  EXPECT_EQ(message_of([] { Unit::parse("xyz / s"); }), "Unknown unit 'xyz' in 'xyz / s'");
  EXPECT_EQ(message_of([] { Unit::parse("m **"); }),
            "Invalid unit 'm **': expected an integer power");
  EXPECT_EQ(message_of([] { Unit::parse("(m"); }), "Invalid unit '(m': missing ')'");
  EXPECT_EQ(message_of([] { Unit::parse("m )"); }), "Invalid unit 'm )': unexpected ')'");
  EXPECT_THROW(Unit::parse("kmeter"), ValueError);  // symbol prefix on a full name
}

TEST(Units, ConvertArrays) {
  // km -> m on an int array gives float64, as pint does.
  Array km = Array::of<std::int32_t>({1, 2, 3});
  Array m = convert_units(km, Unit::parse("km"), Unit::parse("m"));
  EXPECT_EQ(m.dtype(), DType::float64);
  EXPECT_EQ(m, Array::of<double>({1000.0, 2000.0, 3000.0}));
  // Equal units: unchanged, dtype kept.
  EXPECT_EQ(convert_units(km, Unit::parse("km"), Unit::parse("kilometer")), km);
  EXPECT_EQ(message_of([&] { convert_units(km, Unit::parse("km"), Unit::parse("s")); }),
            "Cannot convert km to s (dimensions differ)");
  EXPECT_EQ(message_of([] {
              convert_units(Array::of_strings({"a"}, {1}), Unit::parse("m"), Unit::parse("km"));
            }),
            "Cannot convert str values from m to km");
}

TEST(Units, WithUnit) {
  UnitArray v = with_unit(Array::of<double>({1.0}), "joule");
  EXPECT_EQ(v.unit.str(), "J");
  EXPECT_THROW(with_unit(Array::of<double>({1.0}), "furlong"), ValueError);
}
