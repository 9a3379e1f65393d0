// The fixture the connector's unit tests share: a staging area in a temporary
// folder with the demo layout (connector_test_helpers.hpp) and a file-access
// list that selects the connector on it.
#pragma once

#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>

#include "connector_test_helpers.hpp"
#include "h5archive/staging_area.hpp"
#include "h5archive_vol.h"
#include "test_support.hpp"

namespace h5archive::testing {

class DemoStagingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "staging";
    area_ = h5archive::StagingArea(root_);
    write_demo(area_);
    fapl_ = H5Pcreate(H5P_FILE_ACCESS);
    ASSERT_GE(H5Pset_fapl_h5archive(fapl_, root_.c_str()), 0);
  }
  void TearDown() override { H5Pclose(fapl_); }

  TempDir tmp_;
  std::filesystem::path root_;
  h5archive::StagingArea area_{"/nonexistent"};
  hid_t fapl_ = H5I_INVALID_HID;
};

}  // namespace h5archive::testing
