// The connector's info string: parsing, canonical round trip, malformed
// strings rejected with a pushed message naming the key, capability flags.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <string>

#include "connector_test_helpers.hpp"
#include "h5archive_vol.h"
#include "test_support.hpp"

namespace {

using h5archive::testing::h5archive_error;
using h5archive::testing::SilenceHDF5;

class ConnectorInfo : public ::testing::Test {
 protected:
  void SetUp() override { vol_ = h5archive_vol_register(); }
  void TearDown() override { H5VLclose(vol_); }

  /// to_str(from_str(text)), or "<error>" with the pushed message in `error`.
  std::string canonical(const std::string& text, std::string* error = nullptr) {
    void* info = nullptr;
    SilenceHDF5 quiet;
    if (H5VLconnector_str_to_info(text.c_str(), vol_, &info) < 0) {
      if (error) *error = h5archive_error();
      return "<error>";
    }
    char* str = nullptr;
    EXPECT_GE(H5VLconnector_info_to_str(info, vol_, &str), 0);
    std::string out = str ? str : "";
    H5free_memory(str);
    H5VLfree_connector_info(vol_, info);
    return out;
  }

  hid_t vol_ = H5I_INVALID_HID;
};

TEST_F(ConnectorInfo, RegistersUnderItsNameAndValue) {
  ASSERT_GE(vol_, 0);
  EXPECT_GT(H5VLis_connector_registered_by_name("h5archive"), 0);
  H5VL_class_value_t value = 0;
  ASSERT_GE(H5VLget_value(vol_, &value), 0);
  EXPECT_EQ(value, H5ARCHIVE_VOL_VALUE);
}

TEST_F(ConnectorInfo, EmptyStringGivesNativeBelow) {
  EXPECT_EQ(canonical(""), "under_vol=0;under_info={}");
}

TEST_F(ConnectorInfo, CanonicalStringsRoundTrip) {
  for (const std::string s : {
           "under_vol=0;under_info={}",
           "root=/data/staging;under_vol=0;under_info={}",
           "root=/a b/c;prefix_size=0;upload=test_upload;under_vol=0;under_info={}",
           "root={/odd;dir};under_vol=0;under_info={}",
           "under_vol=1;under_info={under_vol=0;under_info={}}",
           "under_vol=1;under_info={under_vol=1;under_info={under_vol=0;under_info={}}}",
       }) {
    EXPECT_EQ(canonical(s), s);
  }
}

TEST_F(ConnectorInfo, NonCanonicalStringsBecomeCanonical) {
  EXPECT_EQ(canonical(" root = /x ; prefix_size=3;"),
            "root=/x;prefix_size=3;under_vol=0;under_info={}");
  EXPECT_EQ(canonical("upload=u1;root=/x"), "root=/x;upload=u1;under_vol=0;under_info={}");
  EXPECT_EQ(canonical("under_vol=pass_through;under_info={under_vol=0;under_info={}}"),
            "under_vol=1;under_info={under_vol=0;under_info={}}");
  const std::string once = canonical(" root=/x;;upload=u ;");
  EXPECT_EQ(canonical(once), once);
}

TEST_F(ConnectorInfo, MalformedStringsNameTheKey) {
  struct Case {
    const char* text;
    const char* expected;
  };
  for (const Case c : {
           Case{"prefix_size=abc", "key 'prefix_size': expected an integer"},
           Case{"prefix_size=-1", "key 'prefix_size'"},
           Case{"bogus=1", "unknown key 'bogus'"},
           Case{"root=", "key 'root': empty value"},
           Case{"root=/a;root=/b", "key 'root' given twice"},
           Case{"under_info={under_vol=0", "key 'under_info': unbalanced braces"},
           Case{"root=/a}b", "key 'root': unbalanced braces"},
           Case{"upload=../x", "key 'upload'"},
           Case{"under_vol=no_such_connector", "key 'under_vol': cannot load VOL connector"},
           Case{"root", "expected key=value, got 'root'"},
           // Found by fuzz_info_string: HDF5's own pass_through parser crashed
           // on these (fuzz/corpus/fuzz_info_string/crash-*); ours refuses them.
           Case{"under_vol=1;under_info={u}", "expected key=value, got 'u'"},
           Case{"under_vol=1;under_info={root=/x}",
                "the pass_through connector takes only under_vol and under_info, got 'root'"},
           Case{"under_vol=1;under_info={under_vol=1;under_info={under_vol=1;under_info={"
                "under_vol=1;under_info={under_vol=1;under_info={under_vol=1;under_info={"
                "under_vol=1;under_info={under_vol=1;under_info={under_vol=1;under_info={"
                "under_vol=1;under_info={under_vol=1;under_info={under_vol=1;under_info={"
                "}}}}}}}}}}}}",
                "more than 8 nested pass_through layers"},
       }) {
    std::string error;
    EXPECT_EQ(canonical(c.text, &error), "<error>") << c.text;
    EXPECT_NE(error.find(c.expected), std::string::npos) << c.text << " -> " << error;
  }
}

TEST_F(ConnectorInfo, SetFaplWithInfoStringRejectsBadString) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  {
    SilenceHDF5 quiet;
    EXPECT_LT(H5Pset_fapl_h5archive_info(fapl, "prefix_size=x"), 0);
    EXPECT_NE(h5archive_error().find("prefix_size"), std::string::npos);
  }
  EXPECT_GE(H5Pset_fapl_h5archive_info(fapl, "root=/tmp/x;prefix_size=1"), 0);
  hid_t id = H5I_INVALID_HID;
  ASSERT_GE(H5Pget_vol_id(fapl, &id), 0);
  H5VL_class_value_t value = 0;
  H5VLget_value(id, &value);
  EXPECT_EQ(value, H5ARCHIVE_VOL_VALUE);
  H5VLclose(id);
  H5Pclose(fapl);
}

TEST_F(ConnectorInfo, CapabilityFlagsAreThoseOfTheConnectorBelow) {
  hid_t native_fapl = H5Pcreate(H5P_FILE_ACCESS);
  hid_t native = H5VLget_connector_id_by_value(H5_VOL_NATIVE);
  H5Pset_vol(native_fapl, native, nullptr);
  uint64_t native_flags = 0, ours = 0;
  ASSERT_GE(H5Pget_vol_cap_flags(native_fapl, &native_flags), 0);
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  ASSERT_GE(H5Pset_fapl_h5archive(fapl, "/tmp"), 0);
  ASSERT_GE(H5Pget_vol_cap_flags(fapl, &ours), 0);
  EXPECT_EQ(ours, native_flags);
  EXPECT_TRUE(ours & H5VL_CAP_FLAG_FILE_BASIC);
  // Without info (H5Pset_vol with NULL) native is below, too.
  H5Pset_vol(fapl, vol_, nullptr);
  ours = 0;
  ASSERT_GE(H5Pget_vol_cap_flags(fapl, &ours), 0);
  EXPECT_EQ(ours, native_flags);
  H5Pclose(fapl);
  H5Pclose(native_fapl);
  H5VLclose(native);
}

TEST_F(ConnectorInfo, CompareDistinguishesRoots) {
  void *a = nullptr, *b = nullptr, *c = nullptr;
  ASSERT_GE(H5VLconnector_str_to_info("root=/a", vol_, &a), 0);
  ASSERT_GE(H5VLconnector_str_to_info("root=/b", vol_, &b), 0);
  ASSERT_GE(H5VLconnector_str_to_info("root=/a;under_vol=0", vol_, &c), 0);
  int cmp = 0;
  ASSERT_GE(H5VLcmp_connector_info(&cmp, vol_, a, b), 0);
  EXPECT_LT(cmp, 0);
  ASSERT_GE(H5VLcmp_connector_info(&cmp, vol_, a, c), 0);
  EXPECT_EQ(cmp, 0);
  H5VLfree_connector_info(vol_, a);
  H5VLfree_connector_info(vol_, b);
  H5VLfree_connector_info(vol_, c);
}

}  // namespace
