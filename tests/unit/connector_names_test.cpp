// `/uploads/...` names through the connector, linked and selected on a fapl:
// mapping, whole references, bad names with messages on the error stack,
// plain paths, writing, is_accessible/delete and the plugin probe.
#include <gtest/gtest.h>

#include <hdf5.h>
#include <vector>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "connector_fixture.hpp"
#include "connector_test_helpers.hpp"
#include "h5archive/staging_area.hpp"
#include "h5archive_vol.h"
#include "hdf5_compat.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace h5archive::testing;

class ConnectorNames : public DemoStagingTest {
 protected:
  /// Opens `name` expecting failure; returns our message from the stack.
  std::string open_error(const std::string& name, unsigned flags = H5F_ACC_RDONLY) {
    SilenceHDF5 quiet;
    hid_t f = H5Fopen(name.c_str(), flags, fapl_);
    if (f >= 0) {
      H5Fclose(f);
      return "<opened>";
    }
    return h5archive_error();
  }
};

// H5Drefresh / H5Orefresh close and reopen the object below the connector:
// the connector must not touch its wrapper afterwards (found under
// AddressSanitizer with SWMR readers refreshing through the connector).
TEST_F(ConnectorNames, RefreshKeepsObjectsUsable) {
  hid_t f = H5Fopen("/uploads/test_upload/archive/test_entry", H5F_ACC_RDONLY, fapl_);
  ASSERT_GE(f, 0);
  hid_t d = H5Dopen2(f, "/data/value", H5P_DEFAULT);
  ASSERT_GE(d, 0);
  EXPECT_GE(H5Drefresh(d), 0);
  EXPECT_GE(H5Drefresh(d), 0);
  std::vector<double> values(25);
  EXPECT_GE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  EXPECT_EQ(values[0], 1.0);
  EXPECT_EQ(values[1], 0.0);
  H5Dclose(d);
  hid_t g = H5Gopen2(f, "/data", H5P_DEFAULT);
  ASSERT_GE(g, 0);
  EXPECT_GE(H5Grefresh(g), 0);
  EXPECT_GE(H5Orefresh(g), 0);
  EXPECT_GT(H5Lexists(g, "value", H5P_DEFAULT), 0);
  H5Gclose(g);
  H5Fclose(f);
}

TEST_F(ConnectorNames, ArchiveEntryNameOpensTheEntryFile) {
  hid_t f = H5Fopen("/uploads/test_upload/archive/test_entry", H5F_ACC_RDONLY, fapl_);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_all(f, "/data/value"), identity(5));
  // The relative external link resolves next to the entry file.
  EXPECT_EQ(read_all(f, "/data/value_external"), (std::vector<double>{0, 1, 2, 3, 4, 5}));
  // HDF5 reports the name the file was opened by, for the file and its
  // objects; the length query and truncation follow H5Fget_name's contract.
  char name[4096] = "";
  EXPECT_EQ(H5Fget_name(f, nullptr, 0), 39);
  H5Fget_name(f, name, sizeof name);
  EXPECT_STREQ(name, "/uploads/test_upload/archive/test_entry");
  hid_t d = H5Dopen2(f, "/data/value", H5P_DEFAULT);
  char small[9] = "";
  EXPECT_EQ(H5Fget_name(d, small, sizeof small), 39);
  EXPECT_STREQ(small, "/uploads");
  H5Dclose(d);
  H5Fclose(f);
  // Opened by its OS path, the same file reports that path.
  const auto path = area_.archive_hdf5_path("test_upload", "test_entry");
  f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl_);
  ASSERT_GE(f, 0);
  H5Fget_name(f, name, sizeof name);
  EXPECT_EQ(fs::path(name), path);
  H5Fclose(f);
}

TEST_F(ConnectorNames, CurrentUploadResolvesReferencesWithoutPrefix) {
  const std::string info = "root={" + root_.string() + "};upload=test_upload";
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  ASSERT_GE(H5Pset_fapl_h5archive_info(fapl, info.c_str()), 0);
  hid_t f = H5Fopen("external.h5#/path/to/data", H5F_ACC_RDONLY, fapl);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_all(f, "/path/to/data"), (std::vector<double>{0, 1, 2, 3, 4, 5}));
  H5Fclose(f);
  {
    SilenceHDF5 quiet;
    EXPECT_LT(H5Fopen("../escape.h5#/x", H5F_ACC_RDONLY, fapl), 0);
    EXPECT_NE(h5archive_error().find("leaves raw/"), std::string::npos) << h5archive_error();
  }
  H5Pclose(fapl);
  // Without a current upload the same name is an ordinary (missing) file.
  SilenceHDF5 quiet;
  EXPECT_LT(H5Fopen("external.h5#/path/to/data", H5F_ACC_RDONLY, fapl_), 0);
  EXPECT_EQ(h5archive_error(), "");
}

TEST_F(ConnectorNames, RawNameAndWholeReferencesOpenTheirFiles) {
  hid_t f = H5Fopen("/uploads/test_upload/raw/external.h5", H5F_ACC_RDONLY, fapl_);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_all(f, "/path/to/data"), (std::vector<double>{0, 1, 2, 3, 4, 5}));
  H5Fclose(f);
  f = H5Fopen("/uploads/test_upload/archive/test_entry#/data/value", H5F_ACC_RDONLY, fapl_);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_all(f, "data/value"), identity(5));
  H5Fclose(f);
}

TEST_F(ConnectorNames, CrossUploadReferenceOpensTheOtherUpload) {
  area_.create_upload("other_upload");
  const auto path = area_.raw_file_path("other_upload", "sub/other.h5");
  fs::create_directories(path.parent_path());
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  write_matrix(f, "/x", {7, 8}, 1, 2);
  H5Fclose(f);
  f = H5Fopen("/uploads/other_upload/raw/sub/other.h5#/x", H5F_ACC_RDONLY, fapl_);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_all(f, "/x"), (std::vector<double>{7, 8}));
  H5Fclose(f);
}

TEST_F(ConnectorNames, PlainPathsPassThroughUnchanged) {
  const auto entry = area_.archive_hdf5_path("test_upload", "test_entry");
  hid_t f = H5Fopen(entry.c_str(), H5F_ACC_RDONLY, fapl_);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_all(f, "/data/value"), identity(5));
  char name[32] = "";
  H5VLget_connector_name(f, name, sizeof name);
  EXPECT_STREQ(name, "h5archive");
  H5Fclose(f);
  // A plain missing file fails with the native layer's own error.
  EXPECT_EQ(open_error((tmp_.path() / "missing.h5").string()), "");
}

TEST_F(ConnectorNames, BadNamesFailWithTheirReasonOnTheStack) {
  const std::string unknown = open_error("/uploads/no_such_upload/archive/test_entry");
  EXPECT_NE(unknown.find("/uploads/no_such_upload/archive/test_entry"), std::string::npos)
      << unknown;
  const std::string missing = open_error("/uploads/test_upload/archive/no_entry");
  EXPECT_NE(missing.find("missing file"), std::string::npos) << missing;
  EXPECT_NE(missing.find("no_entry"), std::string::npos) << missing;
  for (const char* bad :
       {"/uploads/test_upload/raw/../../../../etc/passwd", "/uploads/test_upload/raw//etc/passwd",
        "/uploads/test_upload/elsewhere/x.h5", "/uploads/../archive/test_entry"}) {
    const std::string error = open_error(bad);
    EXPECT_NE(error, "") << bad;
    EXPECT_NE(error, "<opened>") << bad;
    EXPECT_NE(error.find(bad), std::string::npos) << bad << " -> " << error;
  }
}

TEST_F(ConnectorNames, ErrorsArePushedEvenWhenPrintingIsOff) {
  // h5py turns printing off and reads the stack: the message must be there.
  H5E_auto2_t func = nullptr;
  void* data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  EXPECT_LT(H5Fopen("/uploads/test_upload/archive/nope", H5F_ACC_RDONLY, fapl_), 0);
  const auto stack = error_stack();
  H5Eset_auto2(H5E_DEFAULT, func, data);
  ASSERT_FALSE(stack.empty());
  // Innermost: the reason, from the staging driver, with the errno that
  // h5py turns into FileNotFoundError; the connector names the name above it.
  EXPECT_NE(stack.front().desc.find("missing file"), std::string::npos) << stack.front().desc;
  EXPECT_NE(stack.front().desc.find("errno = 2,"), std::string::npos) << stack.front().desc;
  bool named = false;
  for (const auto& frame : stack)
    named = named || (frame.cls == "h5archive" &&
                      frame.desc.find("/uploads/test_upload/archive/nope") != std::string::npos);
  EXPECT_TRUE(named);
}

TEST_F(ConnectorNames, WritingThroughNamesChangesTheStagingFiles) {
  hid_t f = H5Fopen("/uploads/test_upload/archive/test_entry", H5F_ACC_RDWR, fapl_);
  ASSERT_GE(f, 0);
  write_matrix(f, "/data/added", {1, 2, 3}, 1, 3);
  H5Fclose(f);
  const auto entry = area_.archive_hdf5_path("test_upload", "test_entry");
  f = H5Fopen(entry.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_EQ(read_all(f, "/data/added"), (std::vector<double>{1, 2, 3}));
  H5Fclose(f);

  f = H5Fcreate("/uploads/test_upload/raw/new.h5", H5F_ACC_EXCL, H5P_DEFAULT, fapl_);
  ASSERT_GE(f, 0);
  write_matrix(f, "/v", {4}, 1, 1);
  H5Fclose(f);
  EXPECT_TRUE(fs::exists(area_.raw_dir("test_upload") / "new.h5"));

  {
    SilenceHDF5 quiet;
    EXPECT_LT(H5Fcreate("/uploads/no_such_upload/raw/new.h5", H5F_ACC_EXCL, H5P_DEFAULT, fapl_), 0);
    EXPECT_NE(h5archive_error().find("no_such_upload"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(root_ / "no"));
}

TEST_F(ConnectorNames, IsAccessibleAndDeleteMapNames) {
  EXPECT_GT(H5Fis_accessible("/uploads/test_upload/archive/test_entry", fapl_), 0);
  EXPECT_EQ(H5Fis_accessible("/uploads/test_upload/archive/missing", fapl_), 0);
  {
    SilenceHDF5 quiet;
    EXPECT_LT(H5Fis_accessible("/uploads/test_upload/raw/../../x", fapl_), 0);
    EXPECT_NE(h5archive_error(), "");
  }
  ASSERT_GE(H5Fdelete("/uploads/test_upload/raw/external.h5", fapl_), 0);
  EXPECT_FALSE(fs::exists(area_.raw_dir("test_upload") / "external.h5"));
}

TEST_F(ConnectorNames, ProbeWithoutInfoNeitherCrashesNorClaimsPlainFiles) {
  hid_t vol = h5archive_vol_register();
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_vol(fapl, vol, nullptr);  // what HDF5's plugin probe does
  EXPECT_EQ(H5Fis_accessible((tmp_.path() / "missing.h5").c_str(), fapl), 0);
  EXPECT_EQ(H5Fis_accessible("/uploads/whatever/raw/../../x", fapl), 0);
  EXPECT_EQ(h5archive_error(), "");
  H5Pclose(fapl);
  H5VLclose(vol);
}

TEST_F(ConnectorNames, FailedDefaultOpenFindsUploadsNamesThroughThePluginProbe) {
  // With only HDF5_PLUGIN_PATH set (ctest sets it), a failed native open asks
  // every plugin; ours answers for /uploads/ names under the default root.
  ASSERT_EQ(setenv("H5ARCHIVE_ROOT", root_.c_str(), 1), 0);
  if (!h5archive::hdf5_compat::plugin_probe_usable()) {
    // HDF5 2.0.0 crashes on what the probe opened (hdf5_compat.hpp): under
    // 2.x the probe finds nothing and the open fails as natively.
    SilenceHDF5 quiet;
    EXPECT_LT(H5Fopen("/uploads/test_upload/archive/test_entry", H5F_ACC_RDONLY, H5P_DEFAULT), 0);
    unsetenv("H5ARCHIVE_ROOT");
    return;
  }
  hid_t f = H5Fopen("/uploads/test_upload/archive/test_entry", H5F_ACC_RDONLY, H5P_DEFAULT);
  unsetenv("H5ARCHIVE_ROOT");
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_all(f, "/data/value"), identity(5));
  H5Fclose(f);
  SilenceHDF5 quiet;
  EXPECT_LT(H5Fopen((tmp_.path() / "missing.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), 0);
}

}  // namespace
