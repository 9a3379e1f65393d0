// What failed, abandoned and killed writes leave behind: a reassignment is
// invisible until it is finished (the old value and statistics stay until
// then), and an object a killed writer left half-created is removed by the
// next entry-level writer unless a committed archive refers to it.
#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "h5archive/dataset_io.hpp"
#include "h5archive/entry_archive.hpp"
#include "h5archive/entry_files.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/quantity_writer.hpp"
#include "test_support.hpp"

namespace h5archive {
namespace {

namespace fs = std::filesystem;
using testing::message_of;
using testing::SilenceHDF5;
using testing::TempDir;

Array doubles(std::vector<double> v) { return Array::of(std::move(v)); }

// Makes the object at `path` unreadable the way a writer killed before it
// flushed the object's header leaves it: the link is there, the header is not
// (here: overwritten with zeros, so HDF5 finds no valid version).
void break_object(const fs::path& file, const std::string& path) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5O_info2_t info{};
  ASSERT_GE(H5Oget_info_by_name3(f, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT), 0);
  char* text = nullptr;
  ASSERT_GE(H5Otoken_to_str(f, &info.token, &text), 0);  // the native token: the address
  const off_t address = static_cast<off_t>(std::strtoull(text, nullptr, 10));
  H5free_memory(text);
  ASSERT_GE(H5Fclose(f), 0);
  const int fd = ::open(file.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  const std::vector<char> zeros(16, 0);
  ASSERT_EQ(::pwrite(fd, zeros.data(), zeros.size(), address), 16);
  ::close(fd);
}

bool link_exists(const fs::path& file, const std::string& path) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const bool exists = f >= 0 && H5Lexists(f, path.c_str(), H5P_DEFAULT) > 0;
  if (f >= 0) H5Fclose(f);
  return exists;
}

struct WriteFailures : ::testing::Test {
  TempDir dir;
  StagingArea area{dir.path()};
  SilenceHDF5 quiet;
  void SetUp() override { area.create_upload("up"); }
  fs::path file() const { return area.archive_hdf5_path("up", "e1"); }
  QuantityMetadata put(std::string_view path, std::vector<double> values,
                       std::optional<std::string> unit = {}) {
    WriterOptions options;
    options.unit = std::move(unit);
    return entry_files::put_quantity(area, "up", "e1", path, DType::float64, Extent::unlimited(),
                                     options,
                                     [&](QuantityWriter& w) { w.append(doubles(values)); });
  }
  double max_of(const std::string& path) const {
    return as_double(*read_quantity_metadata(file(), path).statistics->max());
  }
};

TEST_F(WriteFailures, ReassignmentIsInvisibleUntilFinished) {
  put("/data/value", {1, 2}, "m");
  {
    QuantityWriter w(file(), "/data/value", DType::float64, Extent::unlimited());
    w.append(doubles({7, 8, 9}));
    // While the new value is written, the path still holds the old one.
    EXPECT_EQ(read_dataset(file(), "/data/value"), doubles({1, 2}));
    EXPECT_EQ(max_of("/data/value"), 2.0);
  }  // destroyed without finish(): the new value is dropped
  EXPECT_EQ(read_dataset(file(), "/data/value"), doubles({1, 2}));
  EXPECT_EQ(max_of("/data/value"), 2.0);
  QuantityWriter w(file(), "/data/value", DType::float64, Extent::unlimited());
  w.append(doubles({7, 8, 9}));
  w.abort();
  EXPECT_EQ(read_dataset(file(), "/data/value"), doubles({1, 2}));

  const QuantityMetadata md = put("/data/value", {7, 8, 9});
  EXPECT_EQ(read_dataset(file(), "/data/value"), doubles({7, 8, 9}));
  EXPECT_EQ(as_double(*md.statistics->max()), 9.0);
  EXPECT_EQ(md.statistics->count(), 3u);
  EXPECT_EQ(md.unit, "m");  // the old dataset's other attributes carry over
}

TEST_F(WriteFailures, WriteDatasetReassignmentKeepsOtherAttributes) {
  const fs::path f = dir.path() / "plain.h5";
  write_dataset(f, "/x", doubles({1, 2}),
                {{"units", AttributeValue::of(std::string("m"))},
                 {"note", AttributeValue::of(std::string("kept"))}});
  write_dataset(f, "/x", doubles({3, 4}), {{"units", AttributeValue::of(std::string("s"))}});
  EXPECT_EQ(read_dataset(f, "/x"), doubles({3, 4}));
  EXPECT_EQ(read_string_attribute(f, "/x", "units"), "s");
  EXPECT_EQ(read_string_attribute(f, "/x", "note"), "kept");
  // A failed reassignment (here: an unsafe cast) leaves value and attributes.
  EXPECT_THROW(write_dataset(f, "/x", Array::of_strings({"a", "b"}, Shape{2})), TypeMismatchError);
  EXPECT_EQ(read_dataset(f, "/x"), doubles({3, 4}));
  EXPECT_EQ(read_string_attribute(f, "/x", "note"), "kept");
}

TEST_F(WriteFailures, PlainWritersReportAHalfCreatedObject) {
  const fs::path f = dir.path() / "plain.h5";
  write_dataset(f, "/g/x", doubles({1}));
  break_object(f, "/g/x");
  try {
    write_dataset(f, "/g/x", doubles({2}));
    FAIL() << "no error";
  } catch (const AbandonedObjectError& e) {
    EXPECT_EQ(e.object_path(), "/g/x");
    EXPECT_EQ(e.file(), f.string());
    EXPECT_EQ(std::string(e.what()),
              "Unreadable object at /g/x in " + f.string() +
                  " is in the way (HDF5 cannot read what the link leads to: left half-created by "
                  "a writer that stopped?)");
  }
}

TEST_F(WriteFailures, HalfCreatedObjectNoArchiveRefersToIsRemoved) {
  put("/data/a", {1});
  put("/data/sub/b", {2});
  // Written, but its archive JSON never saved: not committed.
  write_dataset(file(), "/data/sub/c", doubles({3}),
                {{"note", AttributeValue::of(std::string("x"))}});
  write_group_attributes(file(), "/data/sub",
                         {{"NX_class", AttributeValue::of(std::string("NXdata"))}});
  break_object(file(), "/data/sub/c");
  ::testing::internal::CaptureStderr();
  put("/data/sub/c", {4, 5});
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "h5archive: note: removed /data/sub/c from " + file().string() +
                     ": a writer that stopped before finishing left it half-created (HDF5 cannot "
                     "read it), and no committed archive of upload up refers to it\n");
  EXPECT_EQ(read_dataset(file(), "/data/sub/c"), doubles({4, 5}));
  // Its neighbours and the rebuilt group's attributes are what they were.
  EXPECT_EQ(read_dataset(file(), "/data/sub/b"), doubles({2}));
  EXPECT_EQ(read_dataset(file(), "/data/a"), doubles({1}));
  EXPECT_EQ(read_string_attribute(file(), "/data/sub", "NX_class"), "NXdata");
  EXPECT_EQ(max_of("/data/sub/b"), 2.0);
  // The neighbour is the same object, with one link: reassigning it frees it.
  put("/data/sub/b", {6});
  EXPECT_EQ(read_dataset(file(), "/data/sub/b"), doubles({6}));
}

TEST_F(WriteFailures, HalfCreatedObjectOfAStreamIsRemovedThroughTheArchive) {
  auto step = SectionDef("S").quantity(QuantityDef::hdf5_reference("value")).shared();
  EntryArchive archive(step, EntryMetadata{"up", "e2", "m.txt"}, area);
  write_dataset(archive.hdf5_file(), "/streams/0", doubles({1}));
  break_object(archive.hdf5_file(), "/streams/0");
  ::testing::internal::CaptureStderr();
  QuantityWriter w = archive.stream_dataset("/streams/0", DType::float64, Extent::unlimited());
  w.append(doubles({5, 6}));
  w.finish();
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("note: removed /streams/0"),
            std::string::npos);
  EXPECT_EQ(read_dataset(archive.hdf5_file(), "/streams/0"), doubles({5, 6}));
}

TEST_F(WriteFailures, CommittedObjectIsNeverRemoved) {
  put("/data/a", {1});
  put("/data/b", {2});
  break_object(file(), "/data/a");
  // Another entry of the upload refers to /data/b: committed there too.
  entry_files::link_quantity(area, "up", "e3", "/data/ref", "/uploads/up/archive/e1#/data/b");
  break_object(file(), "/data/b");
  for (const std::string path : {"/data/a", "/data/b"}) {
    ::testing::internal::CaptureStderr();
    EXPECT_THROW(put(path, {9}), AbandonedObjectError) << path;
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
    EXPECT_TRUE(link_exists(file(), path)) << path;
  }
}

}  // namespace
}  // namespace h5archive
