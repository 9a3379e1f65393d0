// The HDF5 layer's public vocabulary (h5archive/hdf5.hpp): Handle closes,
// moves and releases ids; check/checked carry HDF5's reason and build their
// message only on failure; InFilePath is the one in-file path splitter.
#include "h5archive/hdf5.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <hdf5.h>

#include "h5archive/dataset_io.hpp"
#include "hdf5_quantity.hpp"
#include "test_support.hpp"

using namespace h5archive;
using h5archive::hdf5::check;
using h5archive::hdf5::checked;
using h5archive::hdf5::Handle;
using h5archive::hdf5::InFilePath;
using h5archive::testing::message_of;
using h5archive::testing::SilenceHDF5;
using h5archive::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace {

bool is_open(hid_t id) { return H5Iis_valid(id) > 0; }

hid_t new_space() { return H5Screate(H5S_SCALAR); }

// ---------------------------------------------------------------- Handle

TEST(Handle, ClosesItsIdWhenDestroyed) {
  const hid_t id = new_space();
  ASSERT_TRUE(is_open(id));
  {
    Handle h(id);
    EXPECT_TRUE(h.valid());
    EXPECT_TRUE(static_cast<bool>(h));
    EXPECT_EQ(h.get(), id);
  }
  EXPECT_FALSE(is_open(id));
}

TEST(Handle, DefaultAndNegativeOwnNothing) {
  Handle none;
  EXPECT_FALSE(none.valid());
  EXPECT_FALSE(static_cast<bool>(none));
  EXPECT_EQ(none.get(), H5I_INVALID_HID);
  EXPECT_EQ(none.close(), 0);
  Handle failed(-1);  // what a failed HDF5 call returns
  EXPECT_FALSE(failed.valid());
  EXPECT_EQ(failed.close(), 0);
}

TEST(Handle, CloseReportsSuccessOnceAndLeavesNothingOwned) {
  const hid_t id = new_space();
  Handle h(id);
  EXPECT_EQ(h.close(), 0);
  EXPECT_FALSE(is_open(id));
  EXPECT_FALSE(h.valid());
  EXPECT_EQ(h.close(), 0);  // a second close has nothing to close
}

TEST(Handle, CloseReportsFailure) {
  SilenceHDF5 quiet;
  const hid_t id = new_space();
  ASSERT_GE(H5Sclose(id), 0);
  Handle stale(id);  // an id closed behind the handle's back
  EXPECT_LT(stale.close(), 0);
  EXPECT_FALSE(stale.valid());
  H5Eclear2(H5E_DEFAULT);
}

TEST(Handle, MoveConstructionTransfersOwnership) {
  const hid_t id = new_space();
  Handle a(id);
  Handle b(std::move(a));
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(b.get(), id);
  EXPECT_TRUE(is_open(id));
  b.reset();
  EXPECT_FALSE(is_open(id));
  EXPECT_FALSE(b.valid());
}

TEST(Handle, MoveAssignmentClosesWhatTheTargetHeld) {
  const hid_t first = new_space();
  const hid_t second = new_space();
  Handle target(first);
  Handle source(second);
  target = std::move(source);
  EXPECT_FALSE(is_open(first));
  EXPECT_TRUE(is_open(second));
  EXPECT_EQ(target.get(), second);
  EXPECT_FALSE(source.valid());  // NOLINT(bugprone-use-after-move)
}

TEST(Handle, ReleaseGivesUpOwnershipWithoutClosing) {
  const hid_t id = new_space();
  hid_t released = H5I_INVALID_HID;
  {
    Handle h(id);
    released = h.release();
    EXPECT_FALSE(h.valid());
  }
  EXPECT_EQ(released, id);
  EXPECT_TRUE(is_open(id));
  EXPECT_GE(H5Sclose(id), 0);
}

// ---------------------------------------------------------------- checks

TEST(Check, PassesSuccessAndOwnsTheId) {
  Handle h = checked(new_space(), "Creating a dataspace");
  EXPECT_TRUE(h.valid());
  EXPECT_NO_THROW(check(H5Sset_extent_none(h.get()), "Emptying a dataspace"));
}

TEST(Check, FailureCarriesWhatAndHDF5sInnermostReason) {
  SilenceHDF5 quiet;
  TempDir tmp;
  const std::string name = (tmp.path() / "missing.h5").string();
  const std::string message = message_of<HDF5Error>([&] {
    (void)checked(H5Fopen(name.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "Opening " + name);
  });
  EXPECT_THAT(message, StartsWith("Opening " + name + ": "));
  EXPECT_THAT(message, HasSubstr("No such file or directory"));
  EXPECT_THAT(message_of<HDF5Error>([&] {
                check(H5Sclose(H5I_INVALID_HID), [] { return std::string("Closing nothing"); });
              }),
              StartsWith("Closing nothing: "));
}

TEST(Check, BuildsTheMessageOnlyOnFailure) {
  int built = 0;
  auto what = [&] {
    ++built;
    return std::string("Closing a dataspace");
  };
  Handle h = checked(new_space(), what);
  check(h.close(), what);
  EXPECT_EQ(built, 0);
  SilenceHDF5 quiet;
  EXPECT_THROW(check(-1, what), HDF5Error);
  EXPECT_EQ(built, 1);
}

// ---------------------------------------------------------------- InFilePath

TEST(InFilePath, EmptyAndSlashAreTheRoot) {
  for (const char* text : {"", "/", "//", "///"}) {
    const InFilePath p(text);
    EXPECT_TRUE(p.is_root()) << text;
    EXPECT_TRUE(p.parts().empty()) << text;
    EXPECT_EQ(p.str(), "/") << text;
    EXPECT_EQ(p.name(), "") << text;
    EXPECT_EQ(p, InFilePath()) << text;
    EXPECT_EQ(p.parent(), InFilePath()) << text;  // the root's parent is the root
  }
}

TEST(InFilePath, EmptyPartsAreDroppedIncludingATrailingSlash) {
  const std::vector<std::string> ab{"a", "b"};
  for (const char* text : {"a//b/", "/a/b/", "/a/b", "a/b", "//a///b//"}) {
    const InFilePath p(text);
    EXPECT_EQ(p.parts(), ab) << text;
    EXPECT_EQ(p.str(), "/a/b") << text;
    EXPECT_EQ(p.size(), 2u) << text;
    EXPECT_EQ(p.name(), "b") << text;
    EXPECT_EQ(p.parent().str(), "/a") << text;
    EXPECT_EQ(p, InFilePath("/a/b")) << text;
  }
  // Anything but '/' is part of a name, spaces and dots included.
  EXPECT_EQ(InFilePath(" a /b.c").parts(), (std::vector<std::string>{" a ", "b.c"}));
  EXPECT_NE(InFilePath("/a/b"), InFilePath("/a/b/c"));
}

TEST(InFilePath, ParentsAndPrefixes) {
  const InFilePath p("/x/y/z");
  EXPECT_EQ(p.parent().str(), "/x/y");
  EXPECT_EQ(p.parent().parent().str(), "/x");
  EXPECT_EQ(p.parent().parent().parent().str(), "/");
  EXPECT_EQ(p.prefix(0).str(), "/");
  EXPECT_EQ(p.prefix(2).str(), "/x/y");
  EXPECT_EQ(p.prefix(3), p);
  EXPECT_EQ(p.prefix(10), p);
}

TEST(InFilePath, JoiningParsesTheAppendedText) {
  const InFilePath a("/a");
  EXPECT_EQ((a / "b").str(), "/a/b");
  EXPECT_EQ((a / "b/c/").str(), "/a/b/c");
  EXPECT_EQ((a / "/b").str(), "/a/b");  // a leading '/' does not restart at the root
  EXPECT_EQ(a / "", a);
  EXPECT_EQ((InFilePath() / "top").str(), "/top");
  EXPECT_EQ((a / InFilePath("b//c")).str(), "/a/b/c");
  InFilePath grown;
  grown /= "data";
  grown /= InFilePath("/0/value/");
  EXPECT_EQ(grown.str(), "/data/0/value");
  EXPECT_EQ(InFilePath::from_parts({"a/b", "", "c"}).str(), "/a/b/c");
  EXPECT_EQ(InFilePath::from_parts({}), InFilePath());
}

TEST(InFilePath, ContainsItselfAndWhatLiesBelowIt) {
  const InFilePath a("/a");
  EXPECT_TRUE(a.contains(InFilePath("a/")));
  EXPECT_TRUE(a.contains(InFilePath("/a/b/c")));
  EXPECT_FALSE(a.contains(InFilePath("/ab")));  // a longer name is no child
  EXPECT_FALSE(a.contains(InFilePath("/")));
  EXPECT_FALSE(InFilePath("/a/b").contains(a));
  EXPECT_TRUE(InFilePath("/").contains(InFilePath("/anything")));
}

// The archive's own spellings agree with InFilePath: a quantity path NOMAD
// writes as "//top" and a trailing '/' name the same dataset.
TEST(InFilePath, ArchivePathsMapToCanonicalDatasetPaths) {
  EXPECT_EQ(detail::hdf5_path("//top"), "/top");
  EXPECT_EQ(detail::hdf5_path("/data/value/"), "/data/value");
  EXPECT_EQ(detail::hdf5_path(""), "/");
}

// A reference to a quantity's own dataset, spelt with a trailing '/', is
// recognised as that dataset: linking it leaves the dataset in place instead
// of failing on it as an object in the way.
TEST(InFilePath, LinkingAQuantityToItselfWithATrailingSlashKeepsTheDataset) {
  TempDir tmp;
  const auto file = tmp.path() / "entry.h5";
  write_dataset(file, "/data/value", Array::of<double>({1, 2, 3}));
  Resolved self;
  self.file = file;
  self.dataset = "/data/value/";
  EXPECT_NO_THROW(detail::link_resolved(file, "/data/value", self));
  EXPECT_EQ(read_dataset(file, "data/value/"), Array::of<double>({1, 2, 3}));
}

}  // namespace
