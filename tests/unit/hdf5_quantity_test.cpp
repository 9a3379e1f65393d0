// HDF5Reference quantities: arrays written to the entry's archive HDF5 file,
// references linked, attributes, reads, reassignment errors.
#include <gtest/gtest.h>

#include <hdf5.h>

#include "h5archive/h5archive.hpp"
#include "hdf5_quantity.hpp"
#include "test_support.hpp"

using h5archive::testing::message_of;

using namespace h5archive;
using h5archive::testing::SilenceHDF5;
using h5archive::testing::TempDir;

namespace {

// Shape and HDF5 type class of an attribute, read with the C API.
struct AttrInfo {
  H5T_class_t type_class;
  std::vector<hsize_t> dims;
};
AttrInfo attr_info(const std::filesystem::path& file, const char* object, const char* name) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t a = H5Aopen_by_name(f, object, name, H5P_DEFAULT, H5P_DEFAULT);
  hid_t t = H5Aget_type(a);
  hid_t s = H5Aget_space(a);
  AttrInfo info{H5Tget_class(t), {}};
  info.dims.resize(H5Sget_simple_extent_ndims(s));
  H5Sget_simple_extent_dims(s, info.dims.data(), nullptr);
  H5Sclose(s);
  H5Tclose(t);
  H5Aclose(a);
  H5Fclose(f);
  return info;
}

bool has_attr(const std::filesystem::path& file, const char* object, const char* name) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  bool out = H5Aexists_by_name(f, object, name, H5P_DEFAULT) > 0;
  H5Fclose(f);
  return out;
}

struct Fixture {
  TempDir tmp;
  StagingArea area{tmp.path()};
  std::shared_ptr<const SectionDef> def;
  EntryArchive archive;

  explicit Fixture(std::shared_ptr<const SectionDef> d)
      : def(d),
        archive((area.create_upload("test_upload"), d),
                EntryMetadata{"test_upload", "test_entry", std::nullopt}, area) {}
  std::filesystem::path h5() const { return archive.hdf5_file(); }
};

std::shared_ptr<const SectionDef> large_data() {
  H5WebAnnotation my_y;
  my_y.long_name = "my y";
  return SectionDef("LargeData")
      .quantity(QuantityDef::hdf5_reference("value"))
      .quantity(QuantityDef::hdf5_reference("value_external"))
      .quantity(QuantityDef::hdf5_reference("energy").unit("eV"))
      .quantity(QuantityDef::hdf5_reference("plain"))
      .quantity(QuantityDef::hdf5_reference("y").h5web(my_y))
      .shared();
}

}  // namespace

TEST(HDF5Quantity, ArrayIsWrittenAtOnceAndBecomesAReference) {
  Fixture fx(large_data());
  fx.archive.data().set("value", Array::eye(5));
  EXPECT_EQ(fx.archive.data().string("value"),
            "/uploads/test_upload/archive/test_entry#/data/value");
  EXPECT_EQ(read_dataset(fx.h5(), "/data/value"), Array::eye(5));
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/value", "long_name"), "value");
  EXPECT_FALSE(has_attr(fx.h5(), "/data/value", "units"));
  EXPECT_FALSE(has_attr(fx.h5(), "/data", "NX_class"));
  // Reading back: by quantity, by reference, by archive path, a hyperslab.
  EXPECT_EQ(fx.archive.data().read("value"), Array::eye(5));
  EXPECT_EQ(fx.archive.read_reference(fx.archive.data().string("value")), Array::eye(5));
  EXPECT_EQ(fx.archive.read_path("/data/value"), Array::eye(5));
  EXPECT_EQ(fx.archive.data().read("value", Hyperslab{{1, 1}, {1, 2}}),
            Array::of<double>({1.0, 0.0}, {1, 2}));
  EXPECT_EQ(fx.archive.data().read_as("value", DType::float64), Array::eye(5));
  SilenceHDF5 quiet;
  EXPECT_THROW(fx.archive.data().read_as("value", DType::int32), TypeMismatchError);
}

TEST(HDF5Quantity, UnitsAndLongName) {
  Fixture fx(large_data());
  Section& d = fx.archive.data();
  // Joules on an eV quantity: converted, units eV.
  d.set("energy", with_unit(Array::of<double>({1.602176634e-19, 3.204353268e-19}), "J"));
  Array e = read_dataset(fx.h5(), "/data/energy");
  EXPECT_NEAR(e.values<double>()[0], 1.0, 1e-12);
  EXPECT_NEAR(e.values<double>()[1], 2.0, 1e-12);
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/energy", "units"), "eV");
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/energy", "long_name"), "energy (eV)");
  // A plain array on a quantity with a unit still gets the unit.
  d.set("energy", Array::of<double>({5.0, 6.0}));
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/energy", "units"), "eV");
  // The value's unit is donated to a unitless quantity.
  d.set("plain", with_unit(Array::of<std::int32_t>({1, 2}), "m"));
  EXPECT_EQ(read_dataset(fx.h5(), "/data/plain"), Array::of<std::int32_t>({1, 2}));
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/plain", "units"), "m");
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/plain", "long_name"), "plain (m)");
  // The quantity's h5web long_name is used verbatim.
  d.set("y", with_unit(Array::of<double>({1.0}), "m"));
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/y", "units"), "m");
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/y", "long_name"), "my y");
  // Incompatible: nothing written, value unchanged.
  std::string before = d.string("energy");
  EXPECT_EQ(message_of([&] {
              d.set("energy", with_unit(Array::of<double>({1.0, 2.0}), "s"));
            }),
            "Cannot convert s to eV (dimensions differ)");
  EXPECT_EQ(d.string("energy"), before);
  EXPECT_EQ(read_dataset(fx.h5(), "/data/energy"), Array::of<double>({5.0, 6.0}));
}

TEST(HDF5Quantity, DimensionlessWritesEmptyUnits) {
  Fixture fx(large_data());
  fx.archive.data().set("plain", with_unit(Array::of<double>({1.0}), "dimensionless"));
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/plain", "units"), "");
  EXPECT_EQ(read_string_attribute(fx.h5(), "/data/plain", "long_name"), "plain");
}

TEST(HDF5Quantity, NXdataAttributesOnAnnotatedSections) {
  H5WebAnnotation nx;
  nx.signal = "y";
  nx.axes = std::vector<std::string>{"x", "t"};
  nx.auxiliary_signals = std::vector<std::string>{"y_err"};
  nx.long_name = "plot";
  auto plot = SectionDef("Plot")
                  .quantity(QuantityDef::hdf5_reference("y"))
                  .quantity(QuantityDef::hdf5_reference("other"))
                  .h5web(nx)
                  .shared();
  Fixture fx(SectionDef("Data").sub_section("plot", plot).shared());
  fx.archive.data().sub_section("plot").set("other", Array::of<double>({1.0}));
  auto f = fx.h5();
  EXPECT_EQ(read_string_attribute(f, "/data/plot", "NX_class"), "NXdata");
  EXPECT_EQ(read_string_attribute(f, "/data/plot", "signal"), "y");
  EXPECT_EQ(read_string_attribute(f, "/data/plot", "long_name"), "plot");
  AttrInfo axes = attr_info(f, "/data/plot", "axes");
  EXPECT_EQ(axes.type_class, H5T_STRING);
  EXPECT_EQ(axes.dims, (std::vector<hsize_t>{2}));
  EXPECT_EQ(attr_info(f, "/data/plot", "auxiliary_signals").dims, (std::vector<hsize_t>{1}));
  AttrInfo paths = attr_info(f, "/data/plot", "paths");
  EXPECT_EQ(paths.type_class, H5T_FLOAT);
  EXPECT_EQ(paths.dims, (std::vector<hsize_t>{0}));
  EXPECT_FALSE(has_attr(f, "/data", "NX_class"));
}

TEST(HDF5Quantity, ReferenceStringsAreValidatedStoredAndLinked) {
  Fixture fx(large_data());
  auto raw = fx.area.raw_file_path("test_upload", "external.h5");
  write_dataset(raw, "/path/to/data", Array::of<double>({1, 2, 3}));
  Section& d = fx.archive.data();
  d.set("value_external", "external.h5#/path/to/data");
  EXPECT_EQ(d.string("value_external"), "external.h5#/path/to/data");
  // The entry file holds an external link, readable with plain HDF5.
  EXPECT_EQ(fx.archive.read_path("/data/value_external"), Array::of<double>({1, 2, 3}));
  EXPECT_EQ(d.read("value_external"), Array::of<double>({1, 2, 3}));
  {
    hid_t f = H5Fopen(fx.h5().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    char buf[256] = {};
    H5Lget_val(f, "/data/value_external", buf, sizeof buf, H5P_DEFAULT);
    const char* file = nullptr;
    const char* obj = nullptr;
    H5Lunpack_elink_val(buf, sizeof buf, nullptr, &file, &obj);
    EXPECT_STREQ(file, "../raw/external.h5");
    EXPECT_STREQ(obj, "/path/to/data");
    H5Fclose(f);
  }
  // Invalid: ReferenceError naming the string, value unchanged.
  for (const char* bad : {"raw.h5", "raw.h5#", "#/x", ""}) {
    EXPECT_EQ(message_of([&] { d.set("value_external", bad); }),
              std::string("Invalid HDF5 reference: ") + bad + ".");
    EXPECT_THROW(d.set("value_external", bad), ReferenceError);
  }
  EXPECT_EQ(d.string("value_external"), "external.h5#/path/to/data");
  // Leaving the upload is refused, value unchanged.
  EXPECT_THROW(d.set("value_external", "../../x.h5#/a"), SecurityError);
  EXPECT_EQ(d.string("value_external"), "external.h5#/path/to/data");
}

TEST(HDF5Quantity, CrossUploadAndArchiveReferencesUseRelativeNames) {
  Fixture fx(large_data());
  fx.area.create_upload("other_upload");
  write_dataset(fx.area.raw_file_path("other_upload", "big.h5"), "/g/v", Array::of<double>({7}));
  Section& d = fx.archive.data();
  d.set("value_external", "/uploads/other_upload/raw/big.h5#g/v");
  EXPECT_EQ(fx.archive.read_path("/data/value_external"), Array::of<double>({7}));
  EXPECT_EQ(detail::relative_file_name(fx.area.raw_file_path("other_upload", "big.h5"),
                                       fx.area.archive_dir("test_upload")),
            "../../../ot/other_upload/raw/big.h5");
  // A raw file that is a symbolic link out of the staging root is named as
  // the reference names it: the link must not lead readers outside.
  std::filesystem::create_symlink("/nonexistent-outside/secret.h5",
                                  fx.area.raw_file_path("test_upload", "evil.h5"));
  EXPECT_EQ(detail::relative_file_name(fx.area.raw_file_path("test_upload", "evil.h5"),
                                       fx.area.archive_dir("test_upload")),
            "../raw/evil.h5");
  // An archive reference to this entry's own dataset under another name.
  d.set("value", Array::eye(2));
  d.set("plain", "/uploads/test_upload/archive/test_entry#/data/value");
  EXPECT_EQ(fx.archive.read_path("/data/plain"), Array::eye(2));
  // Its own reference (as read back from JSON) leaves the dataset alone.
  d.set("value", std::string(d.string("value")));
  EXPECT_EQ(read_dataset(fx.h5(), "/data/value"), Array::eye(2));
}

TEST(HDF5Quantity, ReassignmentRules) {
  Fixture fx(large_data());
  Section& d = fx.archive.data();
  d.set("value", Array::of<double>({1, 1, 1}));
  const std::string ref = d.string("value");
  SilenceHDF5 quiet;
  // NOMAD's h5py text first, then where it happened.
  std::string shape_msg = message_of([&] { d.set("value", Array::of<double>({1, 1, 1, 1})); });
  EXPECT_TRUE(shape_msg.starts_with("Shapes do not match (existing (3,) vs new (4,))"))
      << shape_msg;
  std::string dtype_msg = message_of([&] {
    d.set("value", Array::of<std::complex<double>>({{1, 0}, {1, 0}, {1, 0}}));
  });
  EXPECT_TRUE(
      dtype_msg.starts_with("Datatypes cannot be safely cast (existing float64 vs new complex128)"))
      << dtype_msg;
  EXPECT_EQ(d.string("value"), ref);
  EXPECT_EQ(read_dataset(fx.h5(), "/data/value"), Array::of<double>({1, 1, 1}));
  d.set("value", Array::of<std::int32_t>({1, 2, 3}));
  EXPECT_EQ(read_dataset(fx.h5(), "/data/value"), Array::of<double>({1, 2, 3}));
}

TEST(HDF5Quantity, RootQuantityPathHasADoubleSlash) {
  TempDir tmp;
  StagingArea area(tmp.path());
  area.create_upload("u");
  EntryArchive a(SectionDef("D").shared(), {"u", "e", std::nullopt}, area,
                 {QuantityDef::hdf5_reference("top")});
  a.root().set("top", Array::of<double>({4}));
  EXPECT_EQ(a.root().string("top"), "/uploads/u/archive/e#//top");
  EXPECT_EQ(read_dataset(a.hdf5_file(), "/top"), Array::of<double>({4}));
  EXPECT_EQ(a.root().read("top"), Array::of<double>({4}));
}

TEST(HDF5Quantity, WithoutUploadFolderNothingIsStored) {
  TempDir tmp;
  EntryArchive a(large_data(), {"missing", "e", std::nullopt}, StagingArea(tmp.path()));
  EXPECT_THROW(a.data().set("value", Array::eye(2)), NotFoundError);
  EXPECT_FALSE(a.data().has("value"));
}
