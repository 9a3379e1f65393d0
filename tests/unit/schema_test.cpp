// Schema: quantity and section definitions and their validation.
#include <gtest/gtest.h>

#include "h5archive/errors.hpp"
#include "h5archive/schema.hpp"
#include "test_support.hpp"

using h5archive::testing::message_of;

using namespace h5archive;

namespace {}  // namespace

TEST(Schema, QuantityBuilder) {
  auto q = QuantityDef::number("energy", DType::float32)
               .unit("electron_volt")
               .shape({3, any_size})
               .description("band energies");
  EXPECT_EQ(q.name(), "energy");
  EXPECT_EQ(q.kind(), QuantityKind::numeric);
  EXPECT_EQ(q.dtype(), DType::float32);
  ASSERT_TRUE(q.unit().has_value());
  EXPECT_EQ(q.unit()->str(), "eV");
  EXPECT_EQ(q.shape_str(), "[3, '*']");
  EXPECT_FALSE(q.is_scalar());
  EXPECT_EQ(q.description(), "band energies");
  EXPECT_FALSE(q.is_hdf5());

  auto ref = QuantityDef::hdf5_reference("value").h5web({.long_name = "my y"});
  EXPECT_TRUE(ref.is_hdf5());
  EXPECT_EQ(ref.shape_str(), "[]");
  EXPECT_EQ(ref.h5web()->long_name, "my y");
  EXPECT_TRUE(QuantityDef::number("n").serialize_to_hdf5().is_hdf5());
  EXPECT_EQ(QuantityDef::text("t").kind(), QuantityKind::string);
  EXPECT_EQ(QuantityDef::boolean("b").kind(), QuantityKind::boolean);
}

TEST(Schema, QuantityErrors) {
  EXPECT_EQ(message_of([] { QuantityDef::number("x").unit("parsec"); }),
            "Unknown unit 'parsec' in 'parsec'");
  EXPECT_EQ(message_of([] { QuantityDef::number("x").shape({0}); }),
            "Invalid dimension 0 in the shape of quantity x");
  EXPECT_EQ(message_of([] { QuantityDef::hdf5_reference("v").shape({any_size}); }),
            "HDF5Reference quantity v must be scalar (shape [])");
  EXPECT_EQ(message_of([] { QuantityDef::text("t").serialize_to_hdf5(); }),
            "The serialization annotation needs a numeric quantity; t is not numeric");
  EXPECT_EQ(message_of([] { QuantityDef::number("n", DType::boolean); }),
            "Quantity n is numeric but has dtype bool");
  EXPECT_EQ(message_of([] { QuantityDef::number("a/b"); }), "Invalid quantity name 'a/b'");
  EXPECT_EQ(message_of([] { QuantityDef::number("m_def"); }), "Invalid quantity name 'm_def'");
  EXPECT_EQ(message_of([] { QuantityDef::number(""); }), "Invalid quantity name ''");
}

TEST(Schema, SectionBuilderAndLookup) {
  auto child = SectionDef("Child").quantity(QuantityDef::number("x")).shared();
  H5WebAnnotation nx;
  nx.signal = "y";
  nx.axes = std::string("x");
  auto def = SectionDef("Parent")
                 .quantity(QuantityDef::hdf5_reference("y"))
                 .sub_section("single", child)
                 .sub_section("subs", child, true)
                 .h5web(nx)
                 .shared();
  EXPECT_EQ(def->name(), "Parent");
  ASSERT_EQ(def->quantities().size(), 1u);
  ASSERT_EQ(def->sub_sections().size(), 2u);
  EXPECT_TRUE(def->sub_section_def("subs").repeats);
  EXPECT_FALSE(def->sub_section_def("single").repeats);
  EXPECT_EQ(def->sub_section_def("single").section->name(), "Child");
  EXPECT_EQ(def->find_quantity("nope"), nullptr);
  EXPECT_EQ(def->find_sub_section("y"), nullptr);
  EXPECT_EQ(def->h5web()->signal, "y");
  EXPECT_EQ(message_of([&] { def->quantity_def("nope"); }),
            "Section Parent has no quantity 'nope'");
  EXPECT_EQ(message_of([&] { def->sub_section_def("nope"); }),
            "Section Parent has no sub-section 'nope'");
}

TEST(Schema, SectionErrors) {
  auto child = SectionDef("Child").shared();
  EXPECT_EQ(message_of([] {
              SectionDef("S").quantity(QuantityDef::number("x")).quantity(QuantityDef::text("x"));
            }),
            "Section S already defines 'x'");
  EXPECT_EQ(message_of([&] {
              SectionDef("S").quantity(QuantityDef::number("x")).sub_section("x", child);
            }),
            "Section S already defines 'x'");
  EXPECT_EQ(message_of([] { SectionDef("S").sub_section("c", nullptr); }),
            "Sub-section c has no definition");
  EXPECT_EQ(message_of([&] { SectionDef("S").sub_section("a/b", child); }),
            "Invalid sub-section name 'a/b'");
  EXPECT_EQ(message_of([] { SectionDef(""); }), "A section definition needs a name");
}
