// Entry archives and sections: paths, typed values, sub-sections, save/load.
#include <gtest/gtest.h>

#include <fstream>

#include "h5archive/h5archive.hpp"
#include "test_support.hpp"

using h5archive::testing::message_of;

using namespace h5archive;
using h5archive::testing::TempDir;

namespace {

std::shared_ptr<const SectionDef> schema() {
  auto child = SectionDef("Child")
                   .quantity(QuantityDef::number("x"))
                   .quantity(QuantityDef::number("y", DType::int64))
                   .shared();
  return SectionDef("Data")
      .quantity(QuantityDef::number("energy").unit("eV"))
      .quantity(QuantityDef::number("counts", DType::int32).shape({any_size}))
      .quantity(QuantityDef::number("matrix").shape({2, 2}))
      .quantity(QuantityDef::text("name"))
      .quantity(QuantityDef::boolean("ok"))
      .sub_section("single", child)
      .sub_section("subs", child, true)
      .shared();
}

}  // namespace

TEST(EntryArchive, SectionPathsAsNomadFormsThem) {
  EntryArchive a(schema(), {}, std::nullopt, {QuantityDef::number("top")});
  EXPECT_EQ(a.root().path(), "/");
  EXPECT_EQ(a.root().quantity_path("top"), "//top");
  EXPECT_EQ(a.data().path(), "/data");
  EXPECT_EQ(a.data().quantity_path("energy"), "/data/energy");
  EXPECT_EQ(a.data().sub_section("single").quantity_path("x"), "/data/single/x");
  Section& s0 = a.data().add("subs");
  Section& s1 = a.data().add("subs");
  EXPECT_EQ(s0.quantity_path("x"), "/data/subs/0/x");
  EXPECT_EQ(s1.quantity_path("y"), "/data/subs/1/y");
  EXPECT_EQ(a.data().count("subs"), 2u);
  EXPECT_EQ(&a.data().at("subs", 1), &s1);
  EXPECT_EQ(a.data().count("single"), 1u);
}

TEST(EntryArchive, TypedValues) {
  EntryArchive a(schema());
  Section& d = a.data();
  d.set("energy", 1.5);
  EXPECT_DOUBLE_EQ(d.get<double>("energy"), 1.5);
  d.set("counts", std::vector<std::int32_t>{1, 2, 3});
  EXPECT_EQ(d.array("counts"), Array::of<std::int32_t>({1, 2, 3}));
  // int16 casts safely into int32 and is stored as int32.
  d.set("counts", Array::of<std::int16_t>({4, 5}));
  EXPECT_EQ(d.array("counts"), Array::of<std::int32_t>({4, 5}));
  d.set("matrix", Array::of<double>({1, 2, 3, 4}, {2, 2}));
  d.set("name", "hello");
  EXPECT_EQ(d.string("name"), "hello");
  d.set("ok", true);
  EXPECT_TRUE(d.get<bool>("ok"));
  // A value with a unit is converted to the definition's.
  d.set("energy", with_unit(Array::scalar(2.0), "meV"));
  EXPECT_DOUBLE_EQ(d.get<double>("energy"), 0.002);
  d.unset("name");
  EXPECT_FALSE(d.has("name"));
}

TEST(EntryArchive, BadValuesNameTheQuantityAndLeaveTheValue) {
  EntryArchive a(schema());
  Section& d = a.data();
  d.set("counts", std::vector<std::int32_t>{1});
  EXPECT_EQ(message_of([&] { d.set("counts", Array::of<double>({1.5})); }),
            "Cannot assign a float64 value to /data/counts, which is int32");
  EXPECT_THROW(d.set("counts", Array::of<double>({1.5})), TypeMismatchError);
  EXPECT_EQ(message_of([&] {
              d.set("matrix", Array::of<double>({1, 2, 3}));
            }),
            "Shape mismatch for /data/matrix: the definition's shape is [2, 2], the value's (3,)");
  EXPECT_EQ(message_of([&] {
              d.set("energy", std::vector<double>{1, 2, 3});
            }),
            "Shape mismatch for [1.0, 2.0, 3.0].");
  EXPECT_EQ(message_of([&] { d.set("energy", "x"); }),
            "/data/energy is numeric; it cannot take the string 'x'");
  EXPECT_EQ(message_of([&] { d.set("energy", with_unit(Array::scalar(1.0), "m")); }),
            "Cannot convert m to eV (dimensions differ)");
  EXPECT_EQ(message_of([&] { d.set("counts", with_unit(Array::of<double>({1.0}), "m")); }),
            "/data/counts has no unit; it cannot take a value in m");
  EXPECT_EQ(message_of([&] { d.set("ok", Array::of<std::int32_t>({1}, {})); }),
            "Cannot assign a int32 value to /data/ok, which is bool");
  EXPECT_EQ(message_of([&] { d.set("nope", 1.0); }), "Section Data has no quantity 'nope'");
  EXPECT_EQ(message_of([&] { d.string("name"); }), "/data/name is not set");
  EXPECT_THROW(d.string("name"), NotFoundError);
  EXPECT_EQ(message_of([&] { d.string("counts"); }),
            "/data/counts holds a int32 array, not a string");
  d.set("counts", std::vector<std::int32_t>{1, 2});
  EXPECT_EQ(message_of([&] { d.get<std::int32_t>("counts"); }),
            "/data/counts is not a scalar (shape (2,))");
  d.set("counts", std::vector<std::int32_t>{1});
  EXPECT_EQ(d.array("counts"), Array::of<std::int32_t>({1}));
}

TEST(EntryArchive, SubSectionMisuse) {
  EntryArchive a(schema());
  EXPECT_EQ(message_of([&] { a.data().add("single"); }),
            "Sub-section single of /data does not repeat; use sub_section()");
  EXPECT_EQ(message_of([&] { a.data().sub_section("subs"); }),
            "Sub-section subs of /data repeats; use add()");
  EXPECT_EQ(message_of([&] { a.data().at("subs", 0); }), "/data has no subs/0 (0 element(s))");
  EXPECT_EQ(message_of([&] { a.data().add("subs", Section(schema())); }),
            "Cannot add a Data section as sub-section subs of /data (expects Child)");
  // A detached section keeps its values when attached.
  Section detached(schema()->sub_section_def("subs").section);
  detached.set("x", 3.0);
  EXPECT_EQ(detached.path(), "/");
  Section& attached = a.data().add("subs", std::move(detached));
  EXPECT_EQ(attached.path(), "/data/subs/0");
  EXPECT_DOUBLE_EQ(attached.get<double>("x"), 3.0);
}

TEST(EntryArchive, JsonRoundTripOfOrdinaryValues) {
  EntryArchive a(schema(), {"u1", "e1", "main.json"});
  a.data().set("energy", 1.25);
  a.data().set("counts", std::vector<std::int32_t>{1, 2, 3});
  a.data().set("matrix", Array::of<double>({1, 2, 3, 4}, {2, 2}));
  a.data().set("name", "n");
  a.data().set("ok", false);
  a.data().sub_section("single").set("x", 2.0);
  a.data().add("subs").set("y", std::int64_t{7});
  nlohmann::json j = a.to_json();
  EXPECT_EQ(j["metadata"],
            (nlohmann::json{{"upload_id", "u1"}, {"entry_id", "e1"}, {"mainfile", "main.json"}}));
  EXPECT_EQ(j["data"]["m_def"], "Data");
  EXPECT_EQ(j["data"]["energy"], 1.25);
  EXPECT_EQ(j["data"]["counts"], (nlohmann::json{1, 2, 3}));
  EXPECT_EQ(j["data"]["matrix"], nlohmann::json::parse("[[1.0, 2.0], [3.0, 4.0]]"));
  EXPECT_EQ(j["data"]["ok"], false);
  EXPECT_EQ(j["data"]["single"]["x"], 2.0);
  EXPECT_EQ(j["data"]["subs"][0]["y"], 7);

  EntryArchive b = EntryArchive::from_json(j, schema());
  EXPECT_EQ(b.metadata().mainfile, "main.json");
  EXPECT_EQ(b.data().array("matrix"), a.data().array("matrix"));
  EXPECT_EQ(b.data().array("counts"), a.data().array("counts"));
  EXPECT_EQ(b.data().at("subs", 0).get<std::int64_t>("y"), 7);
  EXPECT_EQ(b.to_json(), j);
}

TEST(EntryArchive, FromJsonRejectsMalformedInput) {
  auto bad = [](const char* text) {
    return message_of([&] { EntryArchive::from_json(nlohmann::json::parse(text), schema()); });
  };
  EXPECT_EQ(bad("[]"), "An archive must be a JSON object, got []");
  EXPECT_EQ(bad(R"({"data": {"m_def": "Other"}})"),
            "Section /data is a Data, but the JSON says m_def \"Other\"");
  EXPECT_EQ(bad(R"({"data": {"bogus": 1}})"), "Unknown key 'bogus' in section /data (Data)");
  EXPECT_EQ(bad(R"({"data": {"matrix": [[1, 2], [3]]}})"), "/data/matrix: ragged nested list");
  EXPECT_EQ(bad(R"({"data": {"counts": [1.5]}})"),
            "/data/counts: expected a int32 number, got 1.5");
  EXPECT_EQ(bad(R"({"data": {"subs": {}}})"),
            "Repeating sub-section subs of /data must be a JSON list");
  EXPECT_EQ(bad(R"({"metadata": {"entry_id": 5}})"), "metadata.entry_id must be a string, got 5");
}

TEST(EntryArchive, SaveAndLoad) {
  TempDir tmp;
  StagingArea area(tmp.path());
  EntryArchive a(schema(), {"test_upload", "e1", std::nullopt}, area);
  EXPECT_THROW(a.save(), NotFoundError);  // the upload does not exist yet
  EXPECT_EQ(message_of([&] { a.save(); }),
            "Upload test_upload does not exist in " + tmp.path().string());
  area.create_upload("test_upload");
  a.data().set("energy", 3.0);
  a.save();
  auto json_path = area.archive_json_path("test_upload", "e1");
  ASSERT_TRUE(std::filesystem::exists(json_path));
  // Only the archive is left in the folder: the temporary file was renamed.
  std::size_t files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(json_path.parent_path()))
    ++files;
  EXPECT_EQ(files, 1u);
  EntryArchive b = EntryArchive::load(area, schema(), "test_upload", "e1");
  EXPECT_DOUBLE_EQ(b.data().get<double>("energy"), 3.0);
  EXPECT_EQ(b.metadata().entry_id, "e1");
  EXPECT_THROW(EntryArchive::load(area, schema(), "test_upload", "e2"), NotFoundError);
  EXPECT_EQ(message_of([&] { EntryArchive::load(area, schema(), "test_upload", "e2"); }),
            "Entry e2 of upload test_upload has no archive: " +
                area.archive_json_path("test_upload", "e2").string() + " does not exist");
  std::ofstream(area.archive_json_path("test_upload", "e3")) << "{nope";
  EXPECT_THROW(EntryArchive::load(area, schema(), "test_upload", "e3"), ValueError);
}

TEST(EntryArchive, SaveNeedsContextAndIds) {
  EntryArchive a(schema(), {"u", "e", std::nullopt});
  EXPECT_EQ(message_of([&] { a.save(); }), "Cannot normalize HDF5 value without context.");
  TempDir tmp;
  EntryArchive b(schema(), {"u", std::nullopt, std::nullopt}, StagingArea(tmp.path()));
  EXPECT_EQ(message_of([&] { b.save(); }), "Only archives with entry_id can be referenced");
}

// write_file_atomically's temporaries: tests/unit/temp_files_test.cpp.
