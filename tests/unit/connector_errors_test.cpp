// What the connector leaves on HDF5's error stack for a failed open: h5py
// picks the Python exception from it (FileNotFoundError / PermissionError
// from an "errno = N" in the innermost entry), so these texts are an API.
#include <gtest/gtest.h>

#include <hdf5.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "connector_fixture.hpp"
#include "connector_test_helpers.hpp"
#include "h5archive/staging_area.hpp"
#include "h5archive_vol.h"
#include "test_support.hpp"

namespace {

using namespace h5archive::testing;

class ConnectorErrors : public DemoStagingTest {
 protected:
  /// The innermost entry of the stack a failed open of `name` leaves.
  StackEntry innermost(const std::string& name, hid_t fapl) {
    SilenceHDF5 quiet;
    hid_t f = H5Fopen(name.c_str(), H5F_ACC_RDONLY, fapl);
    if (f >= 0) {
      H5Fclose(f);
      return {"", "<opened>"};
    }
    const auto stack = error_stack();
    return stack.empty() ? StackEntry{"", "<empty stack>"} : stack.front();
  }
};

constexpr const char* kEnoent = " (errno = 2, error message = 'No such file or directory')";
constexpr const char* kEacces = " (errno = 13, error message = 'Permission denied')";

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

TEST_F(ConnectorErrors, MissingUploadEntryOrRawFileSaysErrnoEnoent) {
  const auto root = root_.string();
  const std::pair<const char*, std::string> cases[] = {
      {"/uploads/no_upload/archive/test_entry",
       "cannot open '/uploads/no_upload/archive/test_entry': unknown upload 'no_upload' (no "
       "folder " +
           root + "/no/no_upload)"},
      {"/uploads/test_upload/archive/no_entry",
       "cannot open '/uploads/test_upload/archive/no_entry': missing file " + root +
           "/te/test_upload/archive/no_entry.h5"},
      {"/uploads/test_upload/raw/none.h5",
       "cannot open '/uploads/test_upload/raw/none.h5': missing file " + root +
           "/te/test_upload/raw/none.h5"},
  };
  for (const auto& [name, message] : cases) {
    const StackEntry e = innermost(name, fapl_);
    EXPECT_EQ(e.cls, "h5archive") << name;
    EXPECT_EQ(e.desc, message + kEnoent) << name;
  }
}

TEST_F(ConnectorErrors, EscapeSaysErrnoEacces) {
  for (const char* name :
       {"/uploads/test_upload/raw/../../x", "/uploads/test_upload/raw//etc/passwd"}) {
    const StackEntry e = innermost(name, fapl_);
    EXPECT_EQ(e.cls, "h5archive") << name;
    EXPECT_TRUE(e.desc.starts_with(std::string("'") + name + "': ")) << e.desc;
    EXPECT_TRUE(ends_with(e.desc, kEacces)) << e.desc;
  }
}

TEST_F(ConnectorErrors, BadNamesAreNoOsError) {
  // Not a file that is missing or forbidden: a name h5archive cannot read.
  const StackEntry e = innermost("/uploads/test_upload/elsewhere/x.h5", fapl_);
  EXPECT_EQ(e.cls, "h5archive");
  EXPECT_EQ(e.desc,
            "'/uploads/test_upload/elsewhere/x.h5': unknown directory 'elsewhere' (expected "
            "'raw' or 'archive')");
}

TEST_F(ConnectorErrors, FailedNativeOpenKeepsItsErrnoThroughThePluginProbe) {
  // ctest sets HDF5_PLUGIN_PATH: after the native open fails HDF5 registers
  // every plugin and asks it. The connector's API calls in there (error class,
  // H5Pget_vol_info, ...) used to clear the stack, and h5py raised a bare
  // OSError instead of FileNotFoundError.
  ASSERT_NE(getenv("HDF5_PLUGIN_PATH"), nullptr);
  const std::string missing = (tmp_.path() / "missing.h5").string();
  const StackEntry e = innermost(missing, H5P_DEFAULT);
  EXPECT_EQ(e.cls, "HDF5");
  EXPECT_NE(e.desc.find("name = '" + missing + "', errno = 2,"), std::string::npos) << e.desc;
}

}  // namespace
