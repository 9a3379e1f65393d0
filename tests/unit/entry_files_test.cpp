// Schema-less entry editing: put / link / list / check on a real staging area.
#include "h5archive/entry_files.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "h5archive/dataset_io.hpp"
#include "h5archive/errors.hpp"
#include "test_support.hpp"

namespace h5archive {
namespace {

using testing::message_of;
using testing::SilenceHDF5;
using testing::TempDir;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct EntryFiles : ::testing::Test {
  TempDir dir;
  StagingArea area{dir.path()};
  SilenceHDF5 quiet;
  void SetUp() override {
    area.create_upload("up");
    area.create_upload("other");
    write_dataset(area.raw_dir("up") / "ext.h5", "/grp/x", Array::of(std::vector<int>{1, 2}));
  }
  QuantityMetadata put(std::string_view path, std::vector<double> values) {
    return entry_files::put_quantity(area, "up", "e1", path, DType::float64, Extent::unlimited(),
                                     {}, [&](QuantityWriter& w) { w.append(Array::of(values)); });
  }
};

TEST_F(EntryFiles, PutStreamsAndRecordsTheReferenceAndMetadata) {
  QuantityMetadata md = put("/data/subs/0/y", {1, 2, 3});
  EXPECT_EQ(md.shape, (Shape{3}));
  auto j = entry_files::load_entry(area, "up", "e1");
  EXPECT_EQ(j["metadata"]["entry_id"], "e1");
  EXPECT_EQ(j["data"]["subs"][0]["y"], "/uploads/up/archive/e1#/data/subs/0/y");
  EXPECT_EQ(j["data"]["subs"][0]["m_hdf5"]["y"]["statistics"]["max"], 3.0);
  EXPECT_EQ(QuantityMetadata::from_json(j["data"]["subs"][0]["m_hdf5"]["y"]), md);
  EXPECT_EQ(read_dataset(area.archive_hdf5_path("up", "e1"), "/data/subs/0/y"),
            Array::of(std::vector<double>{1, 2, 3}));
  put("/data/value", {4});
  j = entry_files::load_entry(area, "up", "e1");
  EXPECT_EQ(j["data"]["value"], "/uploads/up/archive/e1#/data/value");
  EXPECT_EQ(j["data"]["subs"][0]["y"], "/uploads/up/archive/e1#/data/subs/0/y");
}

TEST_F(EntryFiles, FailedPutsLeaveFilesUnchanged) {
  put("/data/value", {1, 2});
  const auto json_path = area.archive_json_path("up", "e1");
  const std::string before = slurp(json_path);
  EXPECT_NE(message_of<ValueError>([&] { put("/data/subs/3/y", {1}); })
                .find("Invalid archive path '/data/subs/3/y': /data/subs has 0 element(s); index "
                      "3 is beyond its end"),
            std::string::npos);
  EXPECT_NE(message_of<ValueError>([&] {
              put("/data/value/x", {1});
            }).find("/data/value holds a value, not a section"),
            std::string::npos);
  EXPECT_NE(message_of<ValueError>([&] { put("/metadata/x", {1}); }).find("metadata"),
            std::string::npos);
  // The block source fails halfway: the new dataset is removed, JSON untouched.
  EXPECT_THROW(entry_files::put_quantity(area, "up", "e1", "/data/new", DType::int32,
                                         Extent::unlimited(), {},
                                         [](QuantityWriter& w) {
                                           w.append(Array::of(std::vector<std::int32_t>{1}));
                                           throw ValueError("source broke");
                                         }),
               ValueError);
  EXPECT_THROW(read_dataset(area.archive_hdf5_path("up", "e1"), "/data/new"), NotFoundError);
  // Reassignment with another dtype that does not cast: writer's message.
  const std::string msg = message_of<TypeMismatchError>([&] {
    entry_files::put_quantity(area, "up", "e1", "/data/value", DType::complex128,
                              Extent::unlimited(), {}, [](QuantityWriter&) {});
  });
  EXPECT_NE(msg.find("Datatypes cannot be safely cast"), std::string::npos) << msg;
  EXPECT_EQ(slurp(json_path), before);
  EXPECT_EQ(read_dataset(area.archive_hdf5_path("up", "e1"), "/data/value"),
            Array::of(std::vector<double>{1, 2}));
}

TEST_F(EntryFiles, LinkValidatesResolvesAndLinks) {
  entry_files::link_quantity(area, "up", "e1", "/data/linked", "ext.h5#/grp/x");
  auto j = entry_files::load_entry(area, "up", "e1");
  EXPECT_EQ(j["data"]["linked"], "ext.h5#/grp/x");
  // The relative external link reads with plain HDF5.
  EXPECT_EQ(read_dataset(area.archive_hdf5_path("up", "e1"), "/data/linked"),
            Array::of(std::vector<int>{1, 2}));
  const std::string before = slurp(area.archive_json_path("up", "e1"));
  EXPECT_NE(message_of<ReferenceError>([&] {
              entry_files::link_quantity(area, "up", "e1", "/data/x", "no-hash");
            }).find("Invalid HDF5 reference: no-hash."),
            std::string::npos);
  EXPECT_NE(message_of<NotFoundError>([&] {
              entry_files::link_quantity(area, "up", "e1", "/data/x", "ext.h5#/nope");
            }).find("Dataset /nope not found"),
            std::string::npos);
  EXPECT_THROW(entry_files::link_quantity(area, "up", "e1", "/data/x", "../../x.h5#/a"),
               SecurityError);
  EXPECT_THROW(
      entry_files::link_quantity(area, "up", "e1", "/data/x", "/uploads/ghost/raw/ext.h5#/grp/x"),
      NotFoundError);
  put("/data/stored", {1});
  const std::string after_put = slurp(area.archive_json_path("up", "e1"));
  EXPECT_NE(message_of<TypeMismatchError>([&] {
              entry_files::link_quantity(area, "up", "e1", "/data/stored", "ext.h5#/grp/x");
            }).find("Incompatible object (Dataset) already exists at /data/stored"),
            std::string::npos);
  EXPECT_EQ(slurp(area.archive_json_path("up", "e1")), after_put);
  EXPECT_NE(before, after_put);
}

TEST_F(EntryFiles, ListAndCheckReferences) {
  put("/data/subs/0/y", {1});
  entry_files::link_quantity(area, "up", "e1", "/data/linked", "ext.h5#/grp/x");
  auto j = entry_files::load_entry(area, "up", "e1");
  j["data"]["gone"] = "ext.h5#/missing";
  j["data"]["nofile"] = "/uploads/up/raw/none.h5#/a";
  j["data"]["ghost"] = "/uploads/ghost/raw/a.h5#/a";
  j["data"]["escape"] = "../../../etc/passwd#/a";
  j["data"]["text"] = "plain words";
  entry_files::save_entry(area, "up", "e1", j);
  const auto refs = entry_files::list_references(area, "up", "e1");
  ASSERT_EQ(refs.size(), 6u);
  std::map<std::string, std::string> by_path;
  for (const auto& r : refs) by_path[r.archive_path] = r.reference;
  EXPECT_EQ(by_path["/data/subs/0/y"], "/uploads/up/archive/e1#/data/subs/0/y");
  EXPECT_EQ(by_path["/data/linked"], "ext.h5#/grp/x");

  const auto broken = entry_files::check_references(area, "up");
  ASSERT_EQ(broken.size(), 4u);
  std::map<std::string, std::string> why;
  for (const auto& b : broken) why[b.archive_path] = b.reason;
  EXPECT_NE(why["/data/gone"].find("Dataset /missing not found"), std::string::npos);
  EXPECT_NE(why["/data/nofile"].find("none.h5 not found"), std::string::npos)
      << why["/data/nofile"];
  EXPECT_NE(why["/data/ghost"].find("ghost"), std::string::npos) << why["/data/ghost"];
  EXPECT_FALSE(why["/data/escape"].empty());
  EXPECT_EQ(broken[0].entry, "e1");
  EXPECT_EQ(entry_files::list_entries(area, "up"), (std::vector<std::string>{"e1"}));
  EXPECT_THROW(entry_files::check_references(area, "nope"), NotFoundError);
}

}  // namespace
}  // namespace h5archive
