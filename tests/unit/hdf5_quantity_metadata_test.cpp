// The metadata Section::set records for an assigned array is taken from the
// dataset the write has open; it must be exactly what read_quantity_metadata
// reads back from the file, for new and reused datasets of every kind.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "h5archive/h5archive.hpp"
#include "test_support.hpp"

using namespace h5archive;
using h5archive::testing::TempDir;

namespace {

std::shared_ptr<const SectionDef> quantities() {
  return SectionDef("Data")
      .quantity(QuantityDef::hdf5_reference("value"))
      .quantity(QuantityDef::hdf5_reference("energy").unit("eV"))
      .quantity(QuantityDef::hdf5_reference("plain"))
      .quantity(QuantityDef::hdf5_reference("names"))
      .shared();
}

struct Fixture {
  TempDir tmp;
  StagingArea area{tmp.path()};
  EntryArchive archive{(area.create_upload("u"), quantities()),
                       EntryMetadata{"u", "e", std::nullopt}, area};
  Section& d = archive.data();

  // The recorded metadata of `name`, checked against the file's.
  QuantityMetadata recorded(const std::string& name) {
    const QuantityMetadata* md = d.metadata(name);
    if (md == nullptr) {
      ADD_FAILURE() << "no metadata recorded for " << name;
      return {};
    }
    const QuantityMetadata in_file = read_quantity_metadata(archive.hdf5_file(), "/data/" + name);
    EXPECT_EQ(*md, in_file) << name << ": recorded " << md->to_json().dump() << "\n in file "
                            << in_file.to_json().dump();
    return *md;
  }
};

}  // namespace

TEST(HDF5QuantityMetadata, NewDatasetWithoutUnit) {
  Fixture fx;
  fx.d.set("value", Array::of<double>({1, 2, 3, 4, 5, 6}, {2, 3}));
  const QuantityMetadata md = fx.recorded("value");
  EXPECT_EQ(md.shape, (Shape{2, 3}));
  EXPECT_EQ(md.dtype, "float64");
  EXPECT_FALSE(md.unit);
  EXPECT_FALSE(md.chunks);
  EXPECT_EQ(md.compression, Compression{});
  ASSERT_TRUE(md.statistics);
  EXPECT_EQ(md.statistics->count(), 6u);
  EXPECT_EQ(md.statistics->mean(), 3.5);
}

TEST(HDF5QuantityMetadata, UnitsConvertedDonatedAndKeptOnReuse) {
  Fixture fx;
  fx.d.set("energy", with_unit(Array::of<double>({1.602176634e-19}), "J"));
  EXPECT_EQ(fx.recorded("energy").unit, "eV");
  fx.d.set("plain", with_unit(Array::of<std::int32_t>({1, 2}), "m"));
  EXPECT_EQ(fx.recorded("plain").unit, "m");
  // Reassigned without a unit: the reused dataset keeps its other attributes
  // (h5py's require_dataset), `units` among them, and the metadata says so.
  fx.d.set("plain", Array::of<std::int32_t>({3, 4}));
  EXPECT_EQ(fx.recorded("plain").unit, "m");
  fx.d.set("value", with_unit(Array::of<double>({1.0}), "dimensionless"));
  EXPECT_EQ(fx.recorded("value").unit, "");
}

TEST(HDF5QuantityMetadata, ReusedDatasetKeepsItsStoredDtype) {
  Fixture fx;
  fx.d.set("value", Array::of<double>({0.5, 1.5, 2.5}));
  fx.d.set("value", Array::of<std::int32_t>({-1, 2, 7}));
  const QuantityMetadata md = fx.recorded("value");
  EXPECT_EQ(md.dtype, "float64");  // the stored type, not the assigned int32
  ASSERT_TRUE(md.statistics);
  EXPECT_EQ(as_double(*md.statistics->max()), 7.0);
  // An ArrayView assigned over it, and a large one (statistics on a thread).
  const std::vector<double> small{4, 5, 6};
  fx.d.set("value", ArrayView(DType::float64, Shape{3}, std::as_bytes(std::span(small))));
  EXPECT_EQ(fx.recorded("value").statistics->count(), 3u);
  std::vector<float> big(300000, 2.0f);
  big[17] = std::numeric_limits<float>::quiet_NaN();
  const ArrayView big_view(DType::float32, Shape{300, 1000}, std::as_bytes(std::span(big)));
  fx.d.set("plain", big_view);
  fx.d.set("plain", big_view);
  EXPECT_EQ(fx.recorded("plain").statistics->nan_count(), 1u);
}

TEST(HDF5QuantityMetadata, ReusedChunkedCompressedDatasetKeepsItsLayout) {
  Fixture fx;
  WriterOptions o;
  o.chunks = Shape{2, 3};
  o.compression = Compression::deflate(6, true);
  {
    QuantityWriter w(fx.archive.hdf5_file(), "/data/value", DType::float64, Extent::fixed({4, 3}),
                     o);
    w.finish();
  }
  std::vector<double> values(12);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i);
  fx.d.set("value", Array::of<double>(values, {4, 3}));
  const QuantityMetadata md = fx.recorded("value");
  EXPECT_EQ(md.chunks, (Shape{2, 3}));
  EXPECT_EQ(md.compression, Compression::deflate(6, true));
  EXPECT_EQ(fx.d.read("value"), Array::of<double>(values, {4, 3}));
}

TEST(HDF5QuantityMetadata, Strings) {
  Fixture fx;
  fx.d.set("names", Array::of_strings({"a", "bb", "ccc"}, Shape{3}));
  const QuantityMetadata md = fx.recorded("names");
  EXPECT_EQ(md.shape, Shape{3});
  EXPECT_EQ(md.dtype, "str");
  fx.d.set("names", Array::of_strings({"x", "yy", "zzz"}, Shape{3}));
  fx.recorded("names");
  fx.d.set("plain", Array::of_strings({"ab", "c"}, Shape{2}, 2));
  EXPECT_EQ(fx.recorded("plain").dtype, "S2");
  fx.d.set("plain", with_unit(Array::of_strings({"d", "ef"}, Shape{2}, 2), "m"));
  EXPECT_EQ(fx.recorded("plain").unit, "m");
}

TEST(HDF5QuantityMetadata, EmptyAndAllNaNArrays) {
  Fixture fx;
  fx.d.set("value", Array::zeros(DType::float64, Shape{0, 4}));
  EXPECT_EQ(fx.recorded("value").statistics->count(), 0u);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  fx.d.set("plain", Array::of<double>({nan, nan}));
  fx.recorded("plain");
  fx.d.set("energy", Array::of_bools({true, false, true}, Shape{3}));
  fx.recorded("energy");
}

TEST(HDF5QuantityMetadata, ReassignedValueDropsStatisticsItHasNot) {
  Fixture fx;
  fx.d.set("value", Array::of<double>({1, 2}));
  ASSERT_TRUE(fx.recorded("value").statistics->min());
  // All NaN: no min, max or mean; the reused dataset must not keep the old
  // value's (1, 2, 1.5), in the file or in the record.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  fx.d.set("value", Array::of<double>({nan, nan}));
  const QuantityMetadata md = fx.recorded("value");
  EXPECT_EQ(md.statistics->count(), 2u);
  EXPECT_EQ(md.statistics->nan_count(), 2u);
  EXPECT_FALSE(md.statistics->min());
  EXPECT_FALSE(md.statistics->max());
  EXPECT_FALSE(md.statistics->mean());
  const auto read_back = read_quantity_metadata(fx.archive.hdf5_file(), "/data/value");
  EXPECT_FALSE(read_back.statistics->min());
}
