// Walking a real HDF5 file: every entry's path, depth, kind, link target and
// the metadata of what it leads to; broken links described, not thrown.
#include "h5archive/file_tree.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <numeric>

#include "h5archive/dataset_io.hpp"
#include "h5archive/quantity_writer.hpp"
#include "hdf5_handle.hpp"
#include "test_support.hpp"

namespace h5archive {
namespace {

using testing::message_of;
using testing::SilenceHDF5;
using testing::TempDir;

// f.h5: /data/value (5, 5) float64 [eV], /data/sub/n (3,) int32, a soft link
// /data/alias -> /data/value, an external link /data/ext -> other.h5#/x
// (4,) float32, a dangling external link /data/gone -> missing.h5#/y and a
// second hard link /again to the group /data/sub.
class FileTree : public ::testing::Test {
 protected:
  FileTree() {
    write_dataset(other_, "/x", Array::of(std::vector<float>{1, 2, 3, 4}));
    write_dataset(file_, "/data/value", Array::eye(5), {{"units", AttributeValue::of("eV")}});
    write_dataset(file_, "/data/sub/n", Array::of(std::vector<std::int32_t>{1, 2, 3}));
    write_external_link(file_, "/data/ext", "other.h5", "/x");
    write_external_link(file_, "/data/gone", "missing.h5", "/y");
    detail::Hid f(H5Fopen(file_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    H5Lcreate_soft("/data/value", f.get(), "/data/alias", H5P_DEFAULT, H5P_DEFAULT);
    H5Lcreate_hard(f.get(), "/data/sub", f.get(), "/again", H5P_DEFAULT, H5P_DEFAULT);
  }
  TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "f.h5";
  std::filesystem::path other_ = dir_.path() / "other.h5";
  SilenceHDF5 silence_;
};

TEST_F(FileTree, WalksEveryLinkInNameOrderDepthFirst) {
  const auto entries = walk_tree(file_, "/");
  std::vector<std::string> lines;
  for (const auto& e : entries) lines.push_back(std::to_string(e.depth) + " " + e.path);
  EXPECT_EQ(lines, (std::vector<std::string>{"0 /again", "1 /again/n", "0 /data", "1 /data/alias",
                                             "1 /data/ext", "1 /data/gone", "1 /data/sub",
                                             "1 /data/value"}));
  // /data/sub is /again, already descended into: listed, not walked again.
  EXPECT_EQ(entries[6].name, "sub");
  EXPECT_EQ(entries[6].object.kind, ObjectKind::group);
}

TEST_F(FileTree, DatasetsCarryShapeDtypeAndUnit) {
  const auto entries = walk_tree(file_, "/data");
  ASSERT_EQ(entries.size(), 6u);
  const TreeEntry& value = entries[5];
  EXPECT_EQ(value.path, "/data/value");
  EXPECT_EQ(value.depth, 0);
  EXPECT_EQ(value.link, LinkKind::hard);
  EXPECT_EQ(value.target, "");
  EXPECT_EQ(value.object.kind, ObjectKind::dataset);
  ASSERT_TRUE(value.object.metadata);
  EXPECT_EQ(value.object.metadata->shape, (Shape{5, 5}));
  EXPECT_EQ(value.object.metadata->dtype, "float64");
  EXPECT_EQ(value.object.metadata->unit, "eV");
  const TreeEntry& sub = entries[3];
  EXPECT_EQ(sub.path, "/data/sub");
  EXPECT_EQ(sub.object.kind, ObjectKind::group);
  EXPECT_FALSE(sub.object.metadata);
  const TreeEntry& n = entries[4];  // walked from /data, sub is descended into
  EXPECT_EQ(n.path, "/data/sub/n");
  EXPECT_EQ(n.depth, 1);
  ASSERT_TRUE(n.object.metadata);
  EXPECT_EQ(n.object.metadata->shape, (Shape{3}));
  EXPECT_EQ(n.object.metadata->dtype, "int32");
}

TEST_F(FileTree, LinksShowTheirTargetAndWhatItLeadsTo) {
  const auto entries = walk_tree(file_, "/data");
  const TreeEntry& alias = entries[0];
  EXPECT_EQ(alias.link, LinkKind::soft);
  EXPECT_EQ(alias.target, "/data/value");
  ASSERT_TRUE(alias.object.metadata);
  EXPECT_EQ(alias.object.metadata->shape, (Shape{5, 5}));

  const TreeEntry& ext = entries[1];
  EXPECT_EQ(ext.link, LinkKind::external);
  EXPECT_EQ(ext.target, "other.h5#/x");
  EXPECT_EQ(ext.object.kind, ObjectKind::dataset);
  ASSERT_TRUE(ext.object.metadata);
  EXPECT_EQ(ext.object.metadata->shape, (Shape{4}));
  EXPECT_EQ(ext.object.metadata->dtype, "float32");

  const TreeEntry& gone = entries[2];
  EXPECT_EQ(gone.link, LinkKind::external);
  EXPECT_EQ(gone.target, "missing.h5#/y");
  EXPECT_FALSE(gone.object.kind);
  EXPECT_FALSE(gone.object.metadata);
  EXPECT_NE(gone.object.reason.find("/data/gone"), std::string::npos) << gone.object.reason;
}

TEST_F(FileTree, ObjectKindAndErrorsNameTheCulprit) {
  EXPECT_EQ(object_kind(file_, "/"), ObjectKind::group);
  EXPECT_EQ(object_kind(file_, "/data/value"), ObjectKind::dataset);
  EXPECT_EQ(object_kind(file_, "/data/ext"), ObjectKind::dataset);
  EXPECT_EQ(message_of<NotFoundError>([&] { object_kind(file_, "/data/nothing"); }),
            "No object /data/nothing in " + file_.string());
  EXPECT_EQ(message_of<NotFoundError>([&] { walk_tree(file_, "/nope"); }),
            "No group /nope in " + file_.string());
  const auto missing = dir_.path() / "absent.h5";
  EXPECT_EQ(message_of<NotFoundError>([&] { walk_tree(missing, "/"); }),
            "File not found: " + missing.string());
  const ObjectSummary s = summarize(file_, "/data/sub/nothing");
  EXPECT_FALSE(s.kind);
  EXPECT_EQ(s.reason, "No object /data/sub/nothing in " + file_.string());
}

}  // namespace
}  // namespace h5archive
