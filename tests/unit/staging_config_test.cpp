// StagingConfig: the info string that `h5archive env` writes and the
// connector reads, round-tripped for every root.
#include "h5archive/staging_config.hpp"

#include <gtest/gtest.h>

#include "h5archive/errors.hpp"

namespace h5archive {
namespace {

std::string error_of(std::string_view text) {
  try {
    StagingConfig::parse(text);
  } catch (const ValueError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(StagingConfig, EveryRootRoundTrips) {
  for (const char* root : {"/data/staging", "/a b/c", "/odd;dir", "/x}y", "/x{y", "/a\\b}", "/{}",
                           " /lead", "/trail ", "/a=b"}) {
    StagingConfig c;
    c.root = root;
    c.prefix_size = 0;
    c.upload = "u1";
    const std::string text = c.str();
    EXPECT_EQ(StagingConfig::parse(text), c) << root << " -> " << text;
  }
}

TEST(StagingConfig, PrintsPlainValuesPlainly) {
  StagingConfig c;
  c.root = "/data/staging";
  EXPECT_EQ(c.str(), "root=/data/staging");
  c.root = "/odd;dir";
  EXPECT_EQ(c.str(), "root={/odd;dir}");
  c.root = "/x}y";
  EXPECT_EQ(c.str(), "root={/x\\}y}");
  EXPECT_EQ(StagingConfig().str(), "");
}

TEST(StagingConfig, DefaultsAreTheLibrarys) {
  const StagingConfig c = StagingConfig::parse("root=/r");
  EXPECT_EQ(c.area().root(), "/r");
  EXPECT_EQ(c.area().prefix_size(), kDefaultPrefixSize);
  EXPECT_EQ(StagingConfig::parse("prefix_size=0;root=/r").area().prefix_size(), 0);
}

TEST(StagingConfig, OtherKeysOnlyWhenAsked) {
  constexpr std::string_view keys[] = {"under_vol"};
  const StagingConfig c = StagingConfig::parse("root=/r;under_vol=0", keys);
  ASSERT_EQ(c.other.size(), 1u);
  EXPECT_EQ(c.other[0], (std::pair<std::string, std::string>{"under_vol", "0"}));
  EXPECT_EQ(c.str(), "root=/r;under_vol=0");
  EXPECT_EQ(error_of("root=/r;under_vol=0"),
            "unknown key 'under_vol' (known: root, prefix_size, upload)");
}

TEST(StagingConfig, ErrorsNameTheKey) {
  EXPECT_EQ(error_of("prefix_size=300"),
            "key 'prefix_size': expected an integer from 0 to 255, got '300'");
  EXPECT_EQ(error_of("root={/a"), "key 'root': unbalanced braces");
  EXPECT_EQ(error_of("root=/a;root=/b"), "key 'root' given twice");
  EXPECT_EQ(error_of("root="), "key 'root': empty value");
  EXPECT_EQ(error_of("root={/a}x"), "key 'root': unexpected text after '}'");
  EXPECT_NE(error_of("upload=../x").find("key 'upload': Invalid upload id '../x'"),
            std::string::npos);
}

}  // namespace
}  // namespace h5archive
