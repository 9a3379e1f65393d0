// NOMAD's own tests of the feature (nomad-semantics.md §9.1 and §9.5), in C++.
#include <gtest/gtest.h>

#include "h5archive/h5archive.hpp"
#include "test_support.hpp"

using h5archive::testing::message_of;

using namespace h5archive;
using h5archive::testing::SilenceHDF5;
using h5archive::testing::TempDir;

namespace {

// tests/datamodel/test_hdf5.py: TestSection with one quantity `quantity`.
class NomadCases : public ::testing::Test {
 protected:
  TempDir tmp;
  StagingArea area{tmp.path()};
  std::shared_ptr<const SectionDef> def =
      SectionDef("TestSection").quantity(QuantityDef::hdf5_reference("quantity")).shared();

  void SetUp() override {
    area.create_upload("test_upload");
    // The fixture's raw file tests/data/datamodel/context.h5 with /data/value (10, 10).
    std::vector<double> v(100);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = 0.5 * static_cast<double>(i);
    std::filesystem::create_directories(area.raw_dir("test_upload") / "tests/data/datamodel");
    write_dataset(area.raw_file_path("test_upload", "tests/data/datamodel/context.h5"),
                  "/data/value", Array::of(v, {10, 10}));
  }
  EntryArchive archive() {
    return EntryArchive(def, {"test_upload", "test_entry", std::nullopt}, area);
  }
  std::filesystem::path h5() { return area.archive_hdf5_path("test_upload", "test_entry"); }
};

}  // namespace

// §9.1 cases 1–3, in their order (float64 first, then int32 into it).
TEST_F(NomadCases, Case1to3_HDF5DatasetSerializesAsArchiveReference) {
  const std::string expected = "/uploads/test_upload/archive/test_entry#/data/quantity";
  {
    EntryArchive a = archive();
    a.data().set("quantity", Array::of<double>({1, 1, 1}));
    EXPECT_EQ(a.to_json()["data"]["quantity"], expected);
  }
  for (int i = 0; i < 2; ++i) {
    EntryArchive a = archive();
    a.data().set("quantity", Array::of<std::int32_t>({1, 2, 3}));
    EXPECT_EQ(a.to_json()["data"]["quantity"], expected);
  }
  EXPECT_EQ(read_dataset(h5(), "/data/quantity"), Array::of<double>({1, 2, 3}));
}

// §9.1 case 4: a raw reference is kept; reading it equals the raw dataset.
TEST_F(NomadCases, Case4_HDF5ReferenceToRawFile) {
  EntryArchive a = archive();
  const std::string ref = "tests/data/datamodel/context.h5#/data/value";
  a.data().set("quantity", ref);
  EXPECT_EQ(a.to_json()["data"]["quantity"], ref);
  Array expected = read_dataset(
      area.raw_file_path("test_upload", "tests/data/datamodel/context.h5"), "/data/value");
  EXPECT_EQ(a.read_reference(ref), expected);
  EXPECT_EQ(a.data().read("quantity"), expected);
}

// §9.1 case 5: write a raw dataset through a reference, then reference it.
TEST_F(NomadCases, Case5_WriteThenReferenceRawFile) {
  EntryArchive a = archive();
  const std::string ref = "raw.h5#/data/value";
  Resolved r = area.resolve(ref, "test_upload");
  write_dataset(r.file, r.dataset, Array::of<double>({1, 1, 1, 1, 1}));
  a.data().set("quantity", ref);
  EXPECT_EQ(a.to_json()["data"]["quantity"], ref);
  EXPECT_EQ(a.read_reference(ref), Array::of<double>({1, 1, 1, 1, 1}));
}

// §9.5 items 1–4: the written file, reassignment errors, safe casts.
TEST_F(NomadCases, Items1to4_WriteAndReassign) {
  EntryArchive a = archive();
  a.data().set("quantity", Array::of<double>({1, 1, 1}));
  EXPECT_TRUE(std::filesystem::exists(tmp.path() / "te/test_upload/archive/test_entry.h5"));
  DatasetInfo info = dataset_info(h5(), "/data/quantity");
  EXPECT_EQ(info.dtype, DType::float64);
  EXPECT_EQ(info.shape, (Shape{3}));
  EXPECT_EQ(read_string_attribute(h5(), "/data/quantity", "long_name"), "quantity");
  EXPECT_EQ(read_string_attribute(h5(), "/data/quantity", "units"), std::nullopt);
  SilenceHDF5 quiet;
  EXPECT_TRUE(message_of([&] {
                a.data().set("quantity", Array::of<double>({1, 1, 1, 1}));
              }).starts_with("Shapes do not match (existing (3,) vs new (4,))"));
  EXPECT_TRUE(
      message_of([&] {
        a.data().set("quantity", Array::of<std::complex<double>>({{1, 0}, {1, 0}, {1, 0}}));
      }).starts_with("Datatypes cannot be safely cast (existing float64 vs new complex128)"));
  a.data().set("quantity", Array::of<std::int32_t>({1, 2, 3}));
  EXPECT_EQ(dataset_info(h5(), "/data/quantity").dtype, DType::float64);
}

// §9.5 item 5: serialize, deserialize with the context, read, re-serialize.
TEST_F(NomadCases, Item5_RoundTrip) {
  EntryArchive a = archive();
  a.data().set("quantity", Array::of<double>({1, 1, 1}));
  nlohmann::json j = a.to_json();
  EntryArchive b = EntryArchive::from_json(j, def, area);
  EXPECT_EQ(b.data().read("quantity"), Array::of<double>({1, 1, 1}));
  EXPECT_EQ(b.to_json(), j);
}

// §9.5 items 7–8: NXdata group attributes, repeated sub-section paths.
TEST_F(NomadCases, Items7and8_AnnotatedGroupsAndRepeatedSubSections) {
  H5WebAnnotation nx;
  nx.axes = std::string("x");
  nx.signal = "y";
  auto child = SectionDef("Child")
                   .quantity(QuantityDef::hdf5_reference("x"))
                   .quantity(QuantityDef::hdf5_reference("y"))
                   .quantity(QuantityDef::hdf5_reference("z"))
                   .h5web(nx)
                   .shared();
  auto data = SectionDef("Data")
                  .quantity(QuantityDef::hdf5_reference("value"))
                  .sub_section("single", child)
                  .sub_section("subs", child, true)
                  .shared();
  EntryArchive a(data, {"test_upload", "e1", std::nullopt}, area);
  a.data().set("value", Array::of<double>({1}));
  a.data().sub_section("single").set("x", Array::of<double>({1}));
  a.data().add("subs").set("z", Array::of<double>({1}));
  Section& s1 = a.data().add("subs");
  s1.set("y", Array::of<double>({1}));
  s1.set("z", Array::of<double>({1}));
  // NOMAD's dict plus our metadata of each large quantity, beside it under m_hdf5.
  nlohmann::json j = a.to_json()["data"];
  EXPECT_EQ(j["subs"][1]["m_hdf5"]["z"]["shape"], nlohmann::json::parse("[1]"));
  EXPECT_EQ(j["single"]["m_hdf5"]["x"]["dtype"], "float64");
  j.erase("m_hdf5");
  j["single"].erase("m_hdf5");
  for (auto& sub : j["subs"]) sub.erase("m_hdf5");
  EXPECT_EQ(j, nlohmann::json::parse(R"({
    "m_def": "Data",
    "value": "/uploads/test_upload/archive/e1#/data/value",
    "single": {"x": "/uploads/test_upload/archive/e1#/data/single/x"},
    "subs": [{"z": "/uploads/test_upload/archive/e1#/data/subs/0/z"},
             {"y": "/uploads/test_upload/archive/e1#/data/subs/1/y",
              "z": "/uploads/test_upload/archive/e1#/data/subs/1/z"}]})"));
  auto f = area.archive_hdf5_path("test_upload", "e1");
  EXPECT_EQ(read_string_attribute(f, "/data/subs/1", "NX_class"), "NXdata");
  EXPECT_EQ(read_string_attribute(f, "/data/subs/1", "axes"), "x");
  EXPECT_EQ(read_string_attribute(f, "/data/subs/1", "signal"), "y");
  EXPECT_EQ(read_string_attribute(f, "/data", "NX_class"), std::nullopt);
}

// §9.5 item 9: the errors, each leaving the value unset.
TEST_F(NomadCases, Item9_Errors) {
  EntryArchive a = archive();
  EXPECT_EQ(message_of([&] { a.data().set("quantity", 5.0); }), "Invalid HDF5 dataset value: 5.0.");
  EXPECT_EQ(message_of([&] {
              a.data().set("quantity", std::vector<int>{1, 2, 3});
            }),
            "Shape mismatch for [1, 2, 3].");
  EntryArchive no_context(def, {"test_upload", "test_entry", std::nullopt});
  EXPECT_EQ(message_of([&] { no_context.data().set("quantity", Array::of<double>({1})); }),
            "Cannot normalize HDF5 value without context.");
  Section detached(def);
  EXPECT_EQ(message_of([&] { detached.set("quantity", Array::of<double>({1})); }),
            "Cannot normalize HDF5 value without context.");
  EntryArchive no_entry(def, {"test_upload", std::nullopt, std::nullopt}, area);
  EXPECT_EQ(message_of([&] { no_entry.data().set("quantity", Array::of<double>({1})); }),
            "Only archives with entry_id can be referenced");
  EXPECT_FALSE(a.data().has("quantity"));
  EXPECT_FALSE(std::filesystem::exists(h5()));
}

// §9.5 item 11: reference validation, raw writes and reads.
TEST_F(NomadCases, Item11_ReferenceValidationAndRawAccess) {
  EntryArchive a = archive();
  for (const char* bad : {"raw.h5", "raw.h5#", "#/x", ""}) {
    EXPECT_EQ(message_of([&] { a.data().set("quantity", bad); }),
              std::string("Invalid HDF5 reference: ") + bad + ".");
  }
  SilenceHDF5 quiet;
  Resolved r = area.resolve("raw2.h5#/a/b/c", "test_upload");
  write_dataset(r.file, r.dataset, Array::of<double>({1, 2}));
  EXPECT_EQ(a.read_reference("raw2.h5#/a/b/c"), Array::of<double>({1, 2}));
  Resolved nodir = area.resolve("newdir/raw2.h5#/x", "test_upload");
  EXPECT_THROW(write_dataset(nodir.file, nodir.dataset, Array::of<double>({1})), NotFoundError);
  EXPECT_THROW(a.read_reference("missing.h5#/x"), NotFoundError);
  EXPECT_THROW(a.read_reference("raw2.h5#/nope"), NotFoundError);
  EXPECT_THROW(write_dataset(r.file, r.dataset, Array::of<double>({1, 2, 3})), TypeMismatchError);
}
