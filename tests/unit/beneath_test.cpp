// The kernel-enforced walk below a folder (archive/src/beneath.hpp), with
// each method forced: openat2 (RESOLVE_BENEATH) and the O_NOFOLLOW walk used
// on kernels without it.
#include "beneath.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include "test_support.hpp"

namespace h5archive::detail {
namespace {

namespace fs = std::filesystem;
using h5archive::testing::TempDir;

class Beneath : public ::testing::TestWithParam<WalkMethod> {
 protected:
  void SetUp() override {
    fs::create_directories(tmp_.path() / "base/sub");
    fs::create_directories(tmp_.path() / "outside");
    std::ofstream(tmp_.path() / "base/sub/in.h5") << "in";
    std::ofstream(tmp_.path() / "outside/secret.h5") << "secret";
    fs::create_directory_symlink(tmp_.path() / "outside", tmp_.path() / "base/abs_out");
    fs::create_directory_symlink("../outside", tmp_.path() / "base/rel_out");
    fs::create_directory_symlink("sub", tmp_.path() / "base/alias");
    base_ = Fd(::open((tmp_.path() / "base").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(base_.valid());
  }
  int open(const std::string& relative) {
    return open_beneath(base_.get(), relative, O_RDONLY, 0666, GetParam());
  }
  TempDir tmp_;
  Fd base_;
};

TEST_P(Beneath, OpensFilesBelowTheFolder) {
  Fd fd(open("sub/in.h5"));
  ASSERT_TRUE(fd.valid()) << -fd.get();
  char c = 0;
  EXPECT_EQ(::read(fd.get(), &c, 1), 1);
  EXPECT_EQ(c, 'i');
}

TEST_P(Beneath, NeverLeavesTheFolder) {
  for (const char* escape : {"../outside/secret.h5", "abs_out/secret.h5", "rel_out/secret.h5",
                             "sub/../../outside/secret.h5", "/etc/passwd"}) {
    const int fd = open(escape);
    EXPECT_LT(fd, 0) << escape;
    if (fd >= 0) ::close(fd);
    EXPECT_TRUE(fd == -EXDEV || fd == -ELOOP) << escape << ": " << -fd;
  }
  EXPECT_EQ(open("sub/missing.h5"), -ENOENT);
}

TEST_P(Beneath, FollowsLinksInsideOnlyWithOpenat2) {
  const int fd = open("alias/in.h5");
  if (GetParam() == WalkMethod::nofollow) {
    EXPECT_EQ(fd, -ELOOP);  // the walk refuses every symbolic link
  } else {
    EXPECT_GE(fd, 0);
  }
  if (fd >= 0) ::close(fd);
}

INSTANTIATE_TEST_SUITE_P(Methods, Beneath,
                         ::testing::Values(WalkMethod::openat2, WalkMethod::nofollow));

}  // namespace
}  // namespace h5archive::detail
