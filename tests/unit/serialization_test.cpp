// The serialization annotation and the JSON form of HDF5 quantities.
#include <gtest/gtest.h>

#include "h5archive/h5archive.hpp"
#include "test_support.hpp"

using h5archive::testing::message_of;

using namespace h5archive;
using h5archive::testing::TempDir;

namespace {

std::shared_ptr<const SectionDef> schema() {
  return SectionDef("LargeData")
      .quantity(QuantityDef::number("value").unit("m").shape({any_size}).serialize_to_hdf5())
      .quantity(QuantityDef::hdf5_reference("array"))
      .shared();
}

}  // namespace

TEST(Serialization, AnnotatedValueStaysInMemoryUntilSerialized) {
  TempDir tmp;
  StagingArea area(tmp.path());
  area.create_upload("test_upload");
  EntryArchive a(schema(), {"test_upload", "test_entry", std::nullopt}, area);
  a.data().set("value", Array::of<double>({1, 1, 1}));
  EXPECT_FALSE(std::filesystem::exists(area.archive_hdf5_path("test_upload", "test_entry")));
  EXPECT_EQ(a.data().array("value"), Array::of<double>({1, 1, 1}));

  nlohmann::json j = a.to_json();
  EXPECT_EQ(j["data"]["value"], "/uploads/test_upload/archive/test_entry#/data/value");
  auto h5 = area.archive_hdf5_path("test_upload", "test_entry");
  EXPECT_EQ(read_dataset(h5, "/data/value"), Array::of<double>({1, 1, 1}));
  EXPECT_EQ(read_string_attribute(h5, "/data/value", "units"), "m");
  EXPECT_EQ(read_string_attribute(h5, "/data/value", "long_name"), "value (m)");
  // Still in memory.
  EXPECT_EQ(a.data().array("value"), Array::of<double>({1, 1, 1}));

  EntryArchive b = EntryArchive::from_json(j, schema(), area);
  EXPECT_EQ(b.data().array("value"), Array::of<double>({1, 1, 1}));
  EXPECT_EQ(b.to_json(), j);
}

TEST(Serialization, AnnotatedValueNeedsAContext) {
  EntryArchive a(schema(), {"test_upload", "test_entry", std::nullopt});
  a.data().set("value", Array::of<double>({1}));
  EXPECT_EQ(message_of([&] { a.to_json(); }), "Cannot normalize HDF5 value without context.");
  nlohmann::json j = {{"data", {{"value", "/uploads/test_upload/archive/test_entry#/data/value"}}}};
  EXPECT_EQ(message_of([&] { EntryArchive::from_json(j, schema()); }),
            "Cannot normalize HDF5 value without context.");
}

TEST(Serialization, AnnotatedValueReassignmentFollowsRequireDataset) {
  TempDir tmp;
  StagingArea area(tmp.path());
  area.create_upload("u");
  EntryArchive a(schema(), {"u", "e", std::nullopt}, area);
  a.data().set("value", Array::of<double>({1, 2}));
  a.to_json();
  a.data().set("value", Array::of<double>({1, 2, 3}));
  EXPECT_THROW(a.to_json(), TypeMismatchError);
}

TEST(Serialization, ReferencesRoundTripWithoutWritingFiles) {
  TempDir tmp;
  StagingArea area(tmp.path());
  area.create_upload("u");
  EntryArchive a(schema(), {"u", "e", std::nullopt}, area);
  a.data().set("array", Array::eye(3));
  nlohmann::json j = a.to_json();
  EXPECT_EQ(j["data"]["array"], "/uploads/u/archive/e#/data/array");
  EntryArchive b = EntryArchive::from_json(j, schema(), area);
  EXPECT_EQ(b.data().string("array"), "/uploads/u/archive/e#/data/array");
  EXPECT_EQ(b.data().read("array"), Array::eye(3));
  EXPECT_EQ(b.to_json(), j);
  nlohmann::json bad = {{"data", {{"array", "nope"}}}};
  EXPECT_EQ(message_of([&] { EntryArchive::from_json(bad, schema(), area); }),
            "Invalid HDF5 reference: nope.");
  nlohmann::json number = {{"data", {{"array", 5}}}};
  EXPECT_EQ(message_of([&] { EntryArchive::from_json(number, schema(), area); }),
            "/data/array: an HDF5 reference must be a string, got 5");
}
