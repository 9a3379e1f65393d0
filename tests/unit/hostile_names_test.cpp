// Hostile names and references, table-driven, through the one resolver
// (StagingArea::resolve and resolve_name): each is refused with a message that
// names the reason, or resolves to a path inside the staging root. The same
// kinds of input go through the CLI, h5dump and h5py in
// tests/e2e/hostile_names_test.py, which also traces the processes' file calls.
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "h5archive/errors.hpp"
#include "h5archive/staging_area.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace h5archive;
using h5archive::testing::TempDir;

namespace {

enum class Api { resolve, resolve_in_up_A, resolve_name };
enum class Outcome { legal, reference_error, resolve_error, security_error, not_found };

struct Case {
  std::string label;
  std::string input;
  Api api;
  Outcome outcome;
  // legal: the expected file relative to the staging root;
  // refused: a fragment of the message that names the reason.
  std::string expected;
};

std::string with_nul(std::string_view before, std::string_view after) {
  std::string s(before);
  s.push_back('\0');
  s += after;
  return s;
}

const std::string kLong(64 * 1024, 'a');

std::vector<Case> cases() {
  using enum Api;
  using enum Outcome;
  std::string many_parts;
  for (int i = 0; i < 32 * 1024; ++i) many_parts += "a/";
  many_parts += "x.h5";
  return {
      // `..` in every part
      {"dotdot upload id", "/uploads/../raw/data.h5#/x", resolve, resolve_error,
       "Invalid upload id '..'"},
      {"dotdot directory", "/uploads/up_A/../up_B/raw/data.h5#/x", resolve, resolve_error,
       "unknown directory '..'"},
      {"dotdot upload id (name)", "/uploads/../up_A/raw/data.h5", resolve_name, resolve_error,
       "Invalid upload id '..'"},
      {"dot upload id (name)", "/uploads/./raw/data.h5", resolve_name, resolve_error,
       "Invalid upload id '.'"},
      {"dotdot directory (name)", "/uploads/up_A/../up_B/raw/data.h5", resolve_name, resolve_error,
       "unknown directory '..'"},
      {"dotdot raw path (name)", "/uploads/up_A/raw/../archive/e.h5", resolve_name, security_error,
       "leaves raw/ of upload 'up_A'"},
      {"dotdot file, no prefix", "../up_B/raw/data.h5#/x", resolve_in_up_A, security_error,
       "leaves raw/"},
      {"dotdot to /etc", "/uploads/up_A/raw/../../../../etc/passwd#/x", resolve, security_error,
       "leaves raw/"},
      {"dotdot after folder", "/uploads/up_A/raw/sub/../../x.h5#/d", resolve, security_error,
       "leaves raw/"},
      {"dotdot staying inside", "/uploads/up_A/raw/sub/../data.h5#/d", resolve, legal,
       "up/up_A/raw/data.h5"},
      {"dotdot entry id", "/uploads/up_A/archive/..#/d", resolve, resolve_error,
       "Invalid entry id '..'"},
      {"entry id climbing", "/uploads/up_A/archive/../raw/data#/d", resolve, resolve_error,
       "Invalid entry id '../raw/data'"},
      {"dotdot entry id (name)", "/uploads/up_A/archive/..", resolve_name, resolve_error,
       "Invalid entry id '..'"},
      {"entry path climbing (name)", "/uploads/up_A/archive/../../up_B/archive/e", resolve_name,
       resolve_error, "is not a single entry id"},
      {"dotdot dataset path", "/uploads/up_A/raw/data.h5#/../../x", resolve, legal,
       "up/up_A/raw/data.h5"},
      {"dotdot dataset path, no prefix", "data.h5#../../../etc", resolve_in_up_A, legal,
       "up/up_A/raw/data.h5"},
      // percent-encoding is never decoded: a literal file name
      {"percent dotdot raw", "/uploads/up_A/raw/%2e%2e/%2e%2e/x.h5#/d", resolve, legal,
       "up/up_A/raw/%2e%2e/%2e%2e/x.h5"},
      {"percent upload id", "/uploads/%2e%2e/raw/x.h5#/d", resolve, resolve_error,
       "Invalid upload id '%2e%2e'"},
      {"percent entry id", "/uploads/up_A/archive/%2e%2e#/d", resolve, resolve_error,
       "Invalid entry id '%2e%2e'"},
      {"percent slash (name)", "/uploads/up_A/raw/%2E%2E%2Fetc%2Fpasswd", resolve_name, legal,
       "up/up_A/raw/%2E%2E%2Fetc%2Fpasswd"},
      {"percent, no prefix", "%2e%2e/%2e%2e/data.h5#/d", resolve_in_up_A, legal,
       "up/up_A/raw/%2e%2e/%2e%2e/data.h5"},
      // doubled slashes
      {"empty upload id (name)", "/uploads//up_A/raw/data.h5", resolve_name, resolve_error,
       "must not be empty"},
      {"empty directory (name)", "/uploads/up_A//raw/data.h5", resolve_name, resolve_error,
       "unknown directory ''"},
      {"raw path starting with slash (name)", "/uploads/up_A/raw//data.h5", resolve_name,
       security_error, "absolute path '/data.h5' is not allowed"},
      {"doubled slashes inside", "/uploads/up_A/raw/sub//..//data.h5#/d", resolve, legal,
       "up/up_A/raw/data.h5"},
      {"doubled slash before file", "/uploads/up_A/raw//etc/passwd#/x", resolve, security_error,
       "absolute path '/etc/passwd' is not allowed"},
      {"doubled leading slash", "//uploads/up_A/raw/data.h5#/d", resolve, legal,
       "up/up_A/raw/data.h5"},
      {"doubled slash in directory", "/uploads/up_A//raw/data.h5#/d", resolve, resolve_error,
       "unknown directory '/raw'"},
      // absolute file parts
      {"absolute file, no prefix", "/etc/passwd#/x", resolve_in_up_A, security_error,
       "absolute path '/etc/passwd' is not allowed"},
      {"absolute entry id", "/uploads/up_A/archive//etc/passwd#/x", resolve, resolve_error,
       "Invalid entry id '/etc/passwd'"},
      {"no prefix, no current upload", "data.h5#/d", resolve, resolve_error,
       "no current upload is set"},
      // symbolic links in raw/ and archive/
      {"link to a folder outside the root", "/uploads/up_A/raw/out_root/canary.h5#/x", resolve,
       security_error, "outside upload 'up_A'"},
      {"link to a file outside the root", "/uploads/up_A/raw/canary.h5#/x", resolve, security_error,
       "outside upload 'up_A'"},
      {"dangling link outside", "/uploads/up_A/raw/dangling.h5#/x", resolve, security_error,
       "outside upload 'up_A'"},
      {"link into another upload", "/uploads/up_A/raw/out_upload/data.h5#/x", resolve,
       security_error, "outside upload 'up_A'"},
      {"relative link climbing out", "/uploads/up_A/raw/rel_out/canary.h5#/x", resolve,
       security_error, "outside upload 'up_A'"},
      {"archive file is a link outside", "/uploads/up_A/archive/leak#/x", resolve, security_error,
       "outside upload 'up_A'"},
      {"link outside (name)", "/uploads/up_A/raw/out_root", resolve_name, security_error,
       "resolves through a symbolic link or '..' to outside upload 'up_A'"},
      {"link to a link outside", "/uploads/up_A/raw/chain.h5#/x", resolve, security_error,
       "outside upload 'up_A'"},
      {"link staying inside", "/uploads/up_A/raw/inside/x.h5#/d", resolve, legal,
       "up/up_A/raw/inside/x.h5"},
      {"link loop", "/uploads/up_A/raw/loop#/d", resolve, security_error,
       "too many levels of symbolic links"},
      {"link then dotdot", "/uploads/up_A/raw/out_root/../data.h5#/d", resolve, legal,
       "up/up_A/raw/data.h5"},
      // NUL bytes
      {"NUL in raw path", with_nul("/uploads/up_A/raw/data.h5", "../../x#/d"), resolve,
       resolve_error, "contains a NUL byte"},
      {"NUL in raw path (name)", with_nul("/uploads/up_A/raw/..", "/x"), resolve_name,
       resolve_error, "contains a NUL byte"},
      {"NUL in dataset path", with_nul("data.h5#/d", "x"), resolve_in_up_A, resolve_error,
       "contains a NUL byte"},
      {"NUL in upload id (name)", with_nul("/uploads/up_", "A/raw/x"), resolve_name, resolve_error,
       "contains a NUL byte"},
      // names of 64 KiB
      {"64 KiB raw file name", "/uploads/up_A/raw/" + kLong + "#/d", resolve, resolve_error,
       "path component of 65536 bytes is longer than 255 bytes"},
      {"64 KiB raw path", "/uploads/up_A/raw/" + many_parts + "#/d", resolve, resolve_error,
       "is longer than 4095 bytes"},
      {"64 KiB upload id", "/uploads/" + kLong + "/raw/x#/d", resolve, resolve_error,
       "longer than 255 characters"},
      {"64 KiB entry id (name)", "/uploads/up_A/archive/" + kLong, resolve_name, resolve_error,
       "longer than 255 characters"},
      {"64 KiB dataset path", "data.h5#/" + kLong, resolve_in_up_A, legal, "up/up_A/raw/data.h5"},
      // empty parts
      {"empty reference", "", resolve_in_up_A, reference_error, "Invalid HDF5 reference: ."},
      {"empty file part", "#/d", resolve_in_up_A, reference_error, "Invalid HDF5 reference"},
      {"empty dataset path", "data.h5#", resolve_in_up_A, reference_error,
       "Invalid HDF5 reference"},
      {"nothing after /uploads/ (name)", "/uploads/", resolve_name, resolve_error,
       "must not be empty"},
      {"upload only (name)", "/uploads/up_A", resolve_name, resolve_error,
       "names an upload, not a file"},
      {"nothing after raw/ (name)", "/uploads/up_A/raw/", resolve_name, resolve_error,
       "no file path after raw/"},
      {"nothing after archive/ (name)", "/uploads/up_A/archive/", resolve_name, resolve_error,
       "no entry id after archive/"},
      {"no raw/ slash (name)", "/uploads/up_A/raw", resolve_name, resolve_error,
       "no file path after raw/"},
      {"raw dot", "/uploads/up_A/raw/.#/d", resolve, resolve_error, "names raw/ itself"},
      // ids with slashes or dots
      {"upload id with a dot", "/uploads/up.v2/raw/data.h5#/d", resolve, legal,
       "up/up.v2/raw/data.h5"},
      {"hidden upload id", "/uploads/.hidden/raw/x#/d", resolve, resolve_error,
       "Invalid upload id '.hidden'"},
      {"entry id with a dot", "/uploads/up_A/archive/e.v2#/d", resolve, legal,
       "up/up_A/archive/e.v2.h5"},
      {"hidden entry id", "/uploads/up_A/archive/.e#/d", resolve, resolve_error,
       "Invalid entry id '.e'"},
      {"upload id with a slash", "/uploads/up/A/raw/x#/d", resolve, resolve_error,
       "unknown directory 'A'"},
      {"entry id with a slash", "/uploads/up_A/archive/sub/e#/d", resolve, resolve_error,
       "Invalid entry id 'sub/e'"},
      {"unknown upload", "/uploads/nope/raw/x#/d", resolve, not_found, "unknown upload 'nope'"},
      {"unknown directory", "/uploads/up_A/other/x#/d", resolve, resolve_error,
       "unknown directory 'other'"},
      // non-UTF-8 bytes
      {"non-UTF-8 raw file", "/uploads/up_A/raw/\xff\xfe.h5#/d", resolve, legal,
       "up/up_A/raw/\xff\xfe.h5"},
      {"non-UTF-8 upload id", "/uploads/up_\xff/raw/x#/d", resolve, resolve_error,
       "Invalid upload id"},
      {"non-UTF-8 entry id (name)", "/uploads/up_A/archive/\xc3\x28", resolve_name, resolve_error,
       "Invalid entry id"},
      // a file part that is a folder
      {"raw file is a folder", "/uploads/up_A/raw/sub#/d", resolve, resolve_error,
       "is a folder, not a file"},
      {"raw file is a folder (name)", "/uploads/up_A/raw/sub/", resolve_name, resolve_error,
       "is a folder, not a file"},
      {"entry file is a folder", "/uploads/up_A/archive/dir_entry#/d", resolve, resolve_error,
       "is a folder, not a file"},
      // only the first line counts, as in NOMAD
      {"newline then dotdot", "data.h5#/d\n/../../x", resolve_in_up_A, legal,
       "up/up_A/raw/data.h5"},
  };
}

class HostileNames : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "root";
    outside_ = tmp_.path() / "outside";
    area_.emplace(root_, 2);
    for (const char* id : {"up_A", "up_B", "up.v2"}) area_->create_upload(id);
    const fs::path raw = area_->raw_dir("up_A");
    touch(raw / "data.h5");
    touch(area_->raw_dir("up_B") / "data.h5");
    fs::create_directories(raw / "sub");
    fs::create_directories(area_->archive_dir("up_A") / "dir_entry.h5");
    touch(outside_ / "canary.h5");
    fs::create_directory_symlink(outside_, raw / "out_root");
    fs::create_symlink(outside_ / "canary.h5", raw / "canary.h5");
    fs::create_symlink(outside_ / "missing.h5", raw / "dangling.h5");
    fs::create_directory_symlink(area_->raw_dir("up_B"), raw / "out_upload");
    fs::create_directory_symlink("../../../../outside", raw / "rel_out");
    fs::create_symlink("canary.h5", raw / "chain.h5");
    fs::create_directory_symlink("sub", raw / "inside");
    fs::create_symlink("loop", raw / "loop");
    fs::create_symlink(outside_ / "canary.h5", area_->archive_dir("up_A") / "leak.h5");
  }

  static void touch(const fs::path& p) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "x";
  }

  // Resolves, then walks to the file as every open does (the kernel decides
  // where links lead); a file that is merely missing is not a refusal.
  Resolved run(const Case& c) const {
    const Resolved r = resolve(c);
    area_->check(r, /*file_may_be_missing=*/true);
    return r;
  }

  Resolved resolve(const Case& c) const {
    switch (c.api) {
      case Api::resolve:
        return area_->resolve(c.input);
      case Api::resolve_in_up_A:
        return area_->resolve(c.input, "up_A");
      case Api::resolve_name: {
        auto r = area_->resolve_name(c.input);
        if (!r) throw std::logic_error("not an /uploads/ name");
        return *r;
      }
    }
    throw std::logic_error("unreachable");
  }

  TempDir tmp_;
  fs::path root_;
  fs::path outside_;
  std::optional<StagingArea> area_;
};

template <class E>
bool throws_exactly(const std::exception& e) {
  return dynamic_cast<const E*>(&e) != nullptr;
}

TEST_F(HostileNames, EachIsRefusedWithItsReasonOrResolvesInsideTheRoot) {
  const auto table = cases();
  ASSERT_GE(table.size(), 50u);
  int legal = 0;
  for (const Case& c : table) {
    SCOPED_TRACE(c.label);
    if (c.outcome == Outcome::legal) {
      ++legal;
      const Resolved r = run(c);
      EXPECT_EQ(r.file, root_ / c.expected);
      // Lexically and after resolving links: inside the root.
      const fs::path canonical = fs::weakly_canonical(r.file);
      const fs::path canonical_root = fs::canonical(root_);
      EXPECT_EQ(canonical.string().rfind(canonical_root.string() + "/", 0), 0u)
          << canonical << " is not under " << canonical_root;
      continue;
    }
    try {
      const Resolved r = run(c);
      ADD_FAILURE() << "resolved to " << r.file << " instead of being refused";
    } catch (const std::exception& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(c.expected), std::string::npos) << "message: " << message;
      switch (c.outcome) {
        case Outcome::reference_error:
          EXPECT_TRUE(throws_exactly<ReferenceError>(e));
          break;
        case Outcome::security_error:
          EXPECT_TRUE(throws_exactly<SecurityError>(e));
          break;
        case Outcome::not_found:
          EXPECT_TRUE(throws_exactly<NotFoundError>(e));
          break;
        case Outcome::resolve_error:
          EXPECT_TRUE(throws_exactly<ResolveError>(e));
          EXPECT_FALSE(throws_exactly<SecurityError>(e));
          break;
        case Outcome::legal:
          break;
      }
    }
  }
  EXPECT_GE(legal, 10);
  EXPECT_GE(static_cast<int>(table.size()) - legal, 40);
}

TEST_F(HostileNames, RefusingALinkOutsideNeverReachesTheTarget) {
  // The kernel stops at the link (openat2 RESOLVE_BENEATH): the message names
  // the upload left, and nothing outside is stat()ed or opened
  // (tests/e2e/hostile_names_test.py proves it with strace).
  for (const char* ref : {"/uploads/up_A/raw/canary.h5#/x", "/uploads/up_A/raw/out_root/a/b#/x"}) {
    SCOPED_TRACE(ref);
    const std::string message =
        h5archive::testing::message_of<SecurityError>([&] { area_->check(area_->resolve(ref)); });
    EXPECT_NE(message.find("outside upload 'up_A'"), std::string::npos) << message;
  }
}

TEST_F(HostileNames, RawFilePathRefusesNulAndOverlongNames) {
  EXPECT_NE(h5archive::testing::message_of<ResolveError>([&] {
              area_->raw_file_path("up_A", with_nul("data.h5", "x"));
            }).find("contains a NUL byte"),
            std::string::npos);
  EXPECT_NE(h5archive::testing::message_of<ResolveError>([&] {
              area_->raw_file_path("up_A", kLong);
            }).find("longer than 255 bytes"),
            std::string::npos);
  EXPECT_NE(h5archive::testing::message_of<ResolveError>([&] {
              area_->check(area_->resolve("sub#/d", "up_A"));
            }).find("is a folder, not a file"),
            std::string::npos);
}

}  // namespace
