// The staging area and its resolver, on real folders, files and symbolic links
// in a temporary staging root.
#include "h5archive/staging_area.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

#include "h5archive/errors.hpp"
#include "test_support.hpp"

using h5archive::testing::message_of;

namespace h5archive {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// The message of the exception of exactly type E that `f` throws; a test
// failure if it throws nothing or something else.
#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, needle, haystack)

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Sets or unsets an environment variable for the lifetime of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class StagingAreaTest : public ::testing::Test {
 protected:
  StagingAreaTest() : root_(tmp_.path() / "staging"), area_(root_) {
    area_.create_upload("up_A");
    area_.create_upload("up_B");
  }
  fs::path raw(const std::string& upload) const { return area_.raw_dir(upload); }

  TempDir tmp_;
  fs::path root_;
  StagingArea area_;
};

// --- Roots, ids and layout --------------------------------------------------

TEST(DefaultStagingRoot, UsesTheEnvironmentElseNomadsDefault) {
  {
    ScopedEnv env("H5ARCHIVE_ROOT", nullptr);
    EXPECT_EQ(default_staging_root(), fs::path(".volumes/fs/staging"));
    EXPECT_EQ(StagingArea().root(), fs::path(".volumes/fs/staging"));
  }
  {
    ScopedEnv env("H5ARCHIVE_ROOT", "");
    EXPECT_EQ(default_staging_root(), fs::path(".volumes/fs/staging"));
  }
  {
    ScopedEnv env("H5ARCHIVE_ROOT", "/srv/h5/staging");
    EXPECT_EQ(default_staging_root(), fs::path("/srv/h5/staging"));
    EXPECT_EQ(StagingArea().root(), fs::path("/srv/h5/staging"));
    EXPECT_EQ(StagingArea().upload_dir("test_upload"), fs::path("/srv/h5/staging/te/test_upload"));
  }
}

TEST(StagingAreaLayout, ShardsByThePrefixOfTheUploadId) {
  EXPECT_EQ(StagingArea("/s").prefix_size(), 2);
  EXPECT_EQ(StagingArea("/s").upload_dir("test_upload"), fs::path("/s/te/test_upload"));
  EXPECT_EQ(StagingArea("/s", 0).upload_dir("test_upload"), fs::path("/s/test_upload"));
  EXPECT_EQ(StagingArea("/s", 5).upload_dir("test_upload"), fs::path("/s/test_/test_upload"));
  // Like Python slicing: an id shorter than the prefix is its own shard.
  EXPECT_EQ(StagingArea("/s", 5).upload_dir("ab"), fs::path("/s/ab/ab"));
  EXPECT_EQ(StagingArea("/s", 2).upload_dir("a"), fs::path("/s/a/a"));
}

TEST(StagingAreaLayout, NamesRawArchiveAndEntryFiles) {
  const StagingArea area("/s");
  EXPECT_EQ(area.raw_dir("test_upload"), fs::path("/s/te/test_upload/raw"));
  EXPECT_EQ(area.archive_dir("test_upload"), fs::path("/s/te/test_upload/archive"));
  EXPECT_EQ(area.archive_hdf5_path("test_upload", "test_entry"),
            fs::path("/s/te/test_upload/archive/test_entry.h5"));
  EXPECT_EQ(area.archive_json_path("test_upload", "test_entry"),
            fs::path("/s/te/test_upload/archive/test_entry.json"));
}

TEST(StagingAreaLayout, RejectsANegativePrefixSize) {
  EXPECT_CONTAINS(message_of<ValueError>([] { StagingArea("/s", -1); }),
                  "prefix_size must be 0 or more, not -1");
}

TEST(ValidateId, AcceptsTheSafeAlphabet) {
  for (const std::string& id :
       std::vector<std::string>{"a", "test_upload", "A-b.c_9", "x.", std::string(255, 'z')}) {
    EXPECT_NO_THROW(validate_id(id, "upload id")) << id;
  }
}

TEST(ValidateId, RejectsEverythingElseNamingTheId) {
  EXPECT_EQ(message_of<ResolveError>([] { validate_id("a/b", "upload id"); }),
            "Invalid upload id 'a/b' (allowed: letters, digits, '_', '-', '.'; not starting with "
            "'.')");
  EXPECT_EQ(message_of<ResolveError>([] { validate_id("", "entry id"); }),
            "Invalid entry id '' (must not be empty)");
  EXPECT_EQ(message_of<ResolveError>([] { validate_id(std::string(256, 'z'), "entry id"); }),
            "Invalid entry id '" + std::string(256, 'z') + "' (longer than 255 characters)");
  for (const std::string id : {".hidden", "..", ".", "a b", "a\\b", "caf\xc3\xa9", "a#b"}) {
    EXPECT_CONTAINS(message_of<ResolveError>([&] { validate_id(id, "upload id"); }),
                    "Invalid upload id '" + id + "'");
  }
  // Control characters and bytes outside UTF-8 are shown escaped: messages
  // stay valid UTF-8 text for the programs that decode them.
  EXPECT_CONTAINS(message_of<ResolveError>([] { validate_id("a\nb", "upload id"); }),
                  "Invalid upload id 'a\\x0ab'");
  EXPECT_CONTAINS(message_of<ResolveError>([] { validate_id("up_\xff\xc3(", "upload id"); }),
                  "Invalid upload id 'up_\\xff\\xc3('");
  EXPECT_CONTAINS(
      message_of<ResolveError>([] { validate_id(std::string("a\0b", 3), "upload id"); }),
      "Invalid upload id 'a\\0b'");
}

TEST(StagingAreaLayout, ValidatesIdsInEveryPath) {
  const StagingArea area("/s");
  EXPECT_CONTAINS(message_of<ResolveError>([&] { area.upload_dir("../x"); }),
                  "Invalid upload id '../x'");
  EXPECT_CONTAINS(message_of<ResolveError>([&] { area.archive_hdf5_path("up", "../e"); }),
                  "Invalid entry id '../e'");
  EXPECT_CONTAINS(message_of<ResolveError>([&] { area.archive_json_path("up", "e/f"); }),
                  "Invalid entry id 'e/f'");
}

TEST_F(StagingAreaTest, CreatesUploadsIdempotently) {
  EXPECT_TRUE(area_.has_upload("up_A"));
  EXPECT_FALSE(area_.has_upload("up_C"));
  EXPECT_TRUE(fs::is_directory(root_ / "up" / "up_A" / "raw"));
  EXPECT_TRUE(fs::is_directory(root_ / "up" / "up_A" / "archive"));
  write_file(raw("up_A") / "keep.txt", "kept");
  EXPECT_NO_THROW(area_.create_upload("up_A"));
  EXPECT_EQ(read_file(raw("up_A") / "keep.txt"), "kept");
  EXPECT_THROW(area_.create_upload("bad/id"), ResolveError);
  EXPECT_FALSE(fs::exists(root_ / "ba"));
}

// --- Raw files ----------------------------------------------------------------

TEST_F(StagingAreaTest, AddsRawFilesCreatingFolders) {
  const fs::path source = tmp_.path() / "source.h5";
  write_file(source, "HDF5 bytes");
  const fs::path dest = area_.add_raw_file("up_A", "sub/dir/copy.h5", source);
  EXPECT_EQ(dest, raw("up_A") / "sub/dir/copy.h5");
  EXPECT_EQ(read_file(dest), "HDF5 bytes");
  EXPECT_EQ(read_file(source), "HDF5 bytes");
  // Overwrites an existing raw file.
  write_file(source, "new");
  area_.add_raw_file("up_A", "sub/dir/copy.h5", source);
  EXPECT_EQ(read_file(dest), "new");
}

TEST_F(StagingAreaTest, AddRawFileRejectsBadInputAndWritesNothing) {
  const fs::path source = tmp_.path() / "source.h5";
  write_file(source, "x");
  EXPECT_CONTAINS(message_of<SecurityError>([&] { area_.add_raw_file("up_A", "../x.h5", source); }),
                  "'../x.h5' leaves raw/ of upload 'up_A'");
  EXPECT_FALSE(fs::exists(area_.upload_dir("up_A") / "x.h5"));
  EXPECT_CONTAINS(
      message_of<NotFoundError>([&] { area_.add_raw_file("up_A", "y.h5", tmp_.path() / "none"); }),
      "none");
  EXPECT_FALSE(fs::exists(raw("up_A") / "y.h5"));
  EXPECT_CONTAINS(message_of<ResolveError>([&] { area_.add_raw_file("up_C", "y.h5", source); }),
                  "unknown upload 'up_C'");
  EXPECT_FALSE(area_.has_upload("up_C"));
}

TEST_F(StagingAreaTest, RawFilePathNeedNotExist) {
  EXPECT_EQ(area_.raw_file_path("up_A", "new/file.h5"), raw("up_A") / "new/file.h5");
  EXPECT_EQ(area_.raw_file_path("up_A", "a/./b//c.h5"), raw("up_A") / "a/b/c.h5");
  // `..` that stays inside raw/ is allowed and normalised away.
  EXPECT_EQ(area_.raw_file_path("up_A", "a/../b.h5"), raw("up_A") / "b.h5");
}

TEST_F(StagingAreaTest, RawFilePathRejectsEscapes) {
  // Lexical only: a missing upload is found when the file is opened.
  EXPECT_EQ(area_.raw_file_path("up_C", "x.h5"), root_ / "up/up_C/raw/x.h5");
  EXPECT_EQ(message_of<NotFoundError>([&] { area_.check(area_.resolve("x.h5#/p", "up_C")); }),
            "unknown upload 'up_C' (no folder " + (root_ / "up" / "up_C").string() + ")");
  EXPECT_CONTAINS(message_of<SecurityError>([&] { area_.raw_file_path("up_A", "/etc/passwd"); }),
                  "absolute path '/etc/passwd' is not allowed");
  for (const std::string bad : {"../x", "a/../../x", "..", "../up_A/raw/x", "a/../../../../x"}) {
    EXPECT_CONTAINS(message_of<SecurityError>([&] { area_.raw_file_path("up_A", bad); }),
                    "path '" + bad + "' leaves raw/ of upload 'up_A'");
  }
  EXPECT_CONTAINS(message_of<ResolveError>([&] { area_.raw_file_path("up_A", ""); }),
                  "empty raw file path");
  EXPECT_CONTAINS(message_of<ResolveError>([&] { area_.raw_file_path("up_A", "a/.."); }),
                  "names raw/ itself");
}

TEST_F(StagingAreaTest, CheckRejectsSymlinksLeadingOutOfTheUpload) {
  const fs::path outside = tmp_.path() / "outside";
  write_file(outside / "secret.h5", "secret");
  fs::create_directory_symlink(outside, raw("up_A") / "out");
  fs::create_symlink(outside / "secret.h5", raw("up_A") / "secret.h5");
  fs::create_symlink(outside / "missing.h5", raw("up_A") / "dangling.h5");
  // Into another upload is outside this one too.
  fs::create_directory_symlink(raw("up_B"), raw("up_A") / "to_b");
  fs::create_symlink("loop", raw("up_A") / "loop");

  for (const std::string bad :
       {"out/secret.h5", "out/new.h5", "secret.h5", "dangling.h5", "to_b/x.h5"}) {
    const std::string message =
        message_of<SecurityError>([&] { area_.check(area_.resolve(bad + "#/d", "up_A")); });
    EXPECT_CONTAINS(message, (raw("up_A") / bad).string());
    EXPECT_CONTAINS(message, "resolves through a symbolic link or '..' to outside upload 'up_A'");
  }
  EXPECT_CONTAINS(message_of<SecurityError>([&] { area_.check(area_.resolve("loop#/d", "up_A")); }),
                  "too many levels of symbolic links");
}

TEST_F(StagingAreaTest, RawFilePathAllowsSymlinksInsideTheUpload) {
  write_file(area_.archive_dir("up_A") / "e.h5", "entry");
  write_file(raw("up_A") / "real/data.h5", "data");
  fs::create_directory_symlink("real", raw("up_A") / "alias");
  fs::create_directory_symlink("../archive", raw("up_A") / "arch");
  EXPECT_EQ(area_.raw_file_path("up_A", "alias/data.h5"), raw("up_A") / "alias/data.h5");
  EXPECT_NO_THROW(area_.check(area_.resolve("alias/data.h5#/d", "up_A")));
  EXPECT_NO_THROW(area_.check(area_.resolve("arch/e.h5#/d", "up_A")));
  EXPECT_EQ(read_file(area_.raw_file_path("up_A", "alias/data.h5")), "data");
  EXPECT_EQ(area_.raw_file_path("up_A", "arch/e.h5"), raw("up_A") / "arch/e.h5");
  // The OS receives the normalised path, so `link/..` cannot climb out.
  fs::create_directory_symlink(tmp_.path(), raw("up_A") / "tmp");
  EXPECT_EQ(area_.raw_file_path("up_A", "tmp/../data.h5"), raw("up_A") / "data.h5");
}

TEST(StagingAreaSymlinks, AcceptsAStagingRootReachedThroughASymlink) {
  TempDir tmp;
  fs::create_directory(tmp.path() / "real");
  fs::create_directory_symlink(tmp.path() / "real", tmp.path() / "link");
  const StagingArea area(tmp.path() / "link", 0);
  area.create_upload("u");
  EXPECT_EQ(area.raw_file_path("u", "x.h5"), tmp.path() / "link/u/raw/x.h5");
  EXPECT_EQ(area.resolve("/uploads/u/archive/e#/d").file, tmp.path() / "link/u/archive/e.h5");
}

// --- resolve() ------------------------------------------------------------------

TEST_F(StagingAreaTest, ResolvesAPlainReferenceInTheCurrentUpload) {
  const Resolved r = area_.resolve("tests/data/context.h5#/data/value", "up_A");
  EXPECT_EQ(r.file, raw("up_A") / "tests/data/context.h5");
  EXPECT_EQ(r.dataset, "/data/value");
  EXPECT_EQ(r.upload_id, "up_A");
  EXPECT_EQ(r.directory, Directory::raw);
  EXPECT_EQ(area_.resolve("raw.h5#data/value", "up_A").dataset, "data/value");
}

TEST_F(StagingAreaTest, APlainReferenceNeedsACurrentUpload) {
  EXPECT_EQ(message_of<ResolveError>([&] { area_.resolve("raw.h5#/x"); }),
            "Reference 'raw.h5#/x' has no /uploads/<id>/ prefix and no current upload is set");
}

TEST_F(StagingAreaTest, ResolvesCrossUploadRawReferences) {
  const Resolved r = area_.resolve("/uploads/up_B/raw/sub/raw.h5#/a/b#c", "up_A");
  EXPECT_EQ(r.file, raw("up_B") / "sub/raw.h5");
  EXPECT_EQ(r.dataset, "/a/b#c");
  EXPECT_EQ(r.upload_id, "up_B");
  EXPECT_EQ(r.directory, Directory::raw);
  // Filler before the last prefix is ignored, as in the grammar.
  EXPECT_EQ(area_.resolve("https://host/api/uploads/up_B/raw/x.h5#/p").file, raw("up_B") / "x.h5");
}

TEST_F(StagingAreaTest, ResolvesArchiveReferences) {
  const Resolved r = area_.resolve("/uploads/up_B/archive/test_entry#/data/quantity", "up_A");
  EXPECT_EQ(r.file, area_.archive_dir("up_B") / "test_entry.h5");
  EXPECT_EQ(r.dataset, "/data/quantity");
  EXPECT_EQ(r.upload_id, "up_B");
  EXPECT_EQ(r.directory, Directory::archive);
  EXPECT_FALSE(fs::exists(r.file));  // resolving creates nothing
}

TEST_F(StagingAreaTest, ResolveErrorsNameTheReference) {
  EXPECT_EQ(message_of<ReferenceError>([&] { area_.resolve("raw.h5", "up_A"); }),
            "Invalid HDF5 reference: raw.h5.");
  EXPECT_EQ(message_of<ResolveError>([&] { area_.resolve("/uploads/up_A/other/x#/p"); }),
            "Reference '/uploads/up_A/other/x#/p': unknown directory 'other' (expected 'raw' or "
            "'archive')");
  for (const std::string missing : {"/uploads/up_C/raw/x.h5#/p", "/uploads/up_C/archive/e#/p"})
    EXPECT_EQ(message_of<NotFoundError>([&] { area_.check(area_.resolve(missing)); }),
              "unknown upload 'up_C' (no folder " + (root_ / "up" / "up_C").string() + ")");
  EXPECT_EQ(
      message_of<NotFoundError>([&] { area_.check(area_.resolve("/uploads/up_A/raw/no.h5#/p")); }),
      "missing file " + (raw("up_A") / "no.h5").string());
  // mainfile forms are not special: the file part must be an entry id.
  EXPECT_EQ(message_of<ResolveError>(
                [&] { area_.resolve("/uploads/up_A/archive/mainfile/path/main.json#/d"); }),
            "Reference '/uploads/up_A/archive/mainfile/path/main.json#/d': Invalid entry id "
            "'mainfile/path/main.json' (allowed: letters, digits, '_', '-', '.'; not starting "
            "with '.')");
  EXPECT_CONTAINS(message_of<ResolveError>([&] { area_.resolve("/uploads/.up/raw/x#/p"); }),
                  "Reference '/uploads/.up/raw/x#/p': Invalid upload id '.up'");
  EXPECT_CONTAINS(message_of<ResolveError>([&] { area_.resolve("x#/p", "a/b"); }),
                  "Reference 'x#/p': Invalid upload id 'a/b'");
}

TEST_F(StagingAreaTest, ResolveRejectsEscapes) {
  EXPECT_EQ(message_of<SecurityError>([&] { area_.resolve("/uploads/up_A/raw/../../x#/p"); }),
            "Reference '/uploads/up_A/raw/../../x#/p': path '../../x' leaves raw/ of upload "
            "'up_A'");
  EXPECT_CONTAINS(
      message_of<SecurityError>([&] { area_.resolve("../upload/raw/x.h5#/p", "up_A"); }),
      "Reference '../upload/raw/x.h5#/p': path '../upload/raw/x.h5' leaves raw/");
  EXPECT_CONTAINS(
      message_of<SecurityError>([&] { area_.resolve("/uploads/up_A/raw//etc/passwd#/p"); }),
      "Reference '/uploads/up_A/raw//etc/passwd#/p': absolute path '/etc/passwd'");
  EXPECT_CONTAINS(message_of<SecurityError>([&] { area_.resolve("/abs/x.h5#/p", "up_A"); }),
                  "Reference '/abs/x.h5#/p': absolute path '/abs/x.h5'");

  const fs::path outside = tmp_.path() / "outside";
  fs::create_directories(outside);
  fs::create_directory_symlink(outside, raw("up_A") / "out");
  fs::create_symlink(outside / "e.h5", area_.archive_dir("up_A") / "leak.h5");
  EXPECT_CONTAINS(
      message_of<SecurityError>([&] { area_.check(area_.resolve("/uploads/up_A/raw/out/x#/p")); }),
      "outside upload 'up_A'");
  EXPECT_CONTAINS(message_of<SecurityError>(
                      [&] { area_.check(area_.resolve("/uploads/up_A/archive/leak#/p")); }),
                  "outside upload 'up_A'");
}

// --- resolve_name() --------------------------------------------------------------

TEST_F(StagingAreaTest, ResolveNamePassesOtherNamesThrough) {
  for (const std::string name :
       {"file.h5", "/tmp/x.h5", "uploads/up_A/raw/x.h5", "/uploads", "/upload/up_A/raw/x", "",
        "raw.h5#/x", "./uploads/up_A/raw/x.h5"}) {
    EXPECT_EQ(area_.resolve_name(name), std::nullopt) << name;
  }
}

TEST_F(StagingAreaTest, ResolveNameMapsArchiveAndRawNames) {
  const auto archive = area_.resolve_name("/uploads/up_B/archive/test_entry");
  ASSERT_TRUE(archive.has_value());
  EXPECT_EQ(archive->file, area_.archive_dir("up_B") / "test_entry.h5");
  EXPECT_EQ(archive->dataset, "");
  EXPECT_EQ(archive->upload_id, "up_B");
  EXPECT_EQ(archive->directory, Directory::archive);

  const auto raw_file = area_.resolve_name("/uploads/up_A/raw/sub/dir/data.h5");
  ASSERT_TRUE(raw_file.has_value());
  EXPECT_EQ(raw_file->file, raw("up_A") / "sub/dir/data.h5");
  EXPECT_EQ(raw_file->dataset, "");
  EXPECT_EQ(raw_file->upload_id, "up_A");
  EXPECT_EQ(raw_file->directory, Directory::raw);
}

TEST_F(StagingAreaTest, ResolveNameTakesWholeReferences) {
  const auto r = area_.resolve_name("/uploads/up_B/archive/e1#/data/value");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->file, area_.archive_dir("up_B") / "e1.h5");
  EXPECT_EQ(r->dataset, "/data/value");
  EXPECT_EQ(r->directory, Directory::archive);
  const auto raw_ref = area_.resolve_name("/uploads/up_A/raw/a.h5#g/d");
  ASSERT_TRUE(raw_ref.has_value());
  EXPECT_EQ(raw_ref->file, raw("up_A") / "a.h5");
  EXPECT_EQ(raw_ref->dataset, "g/d");
  // A reference without a usable prefix has no upload to resolve in.
  EXPECT_CONTAINS(message_of<ResolveError>([&] { area_.resolve_name("/uploads/up_A#/p"); }),
                  "Reference '/uploads/up_A#/p' has no /uploads/<id>/ prefix");
}

TEST_F(StagingAreaTest, ResolveNameErrorsNameTheName) {
  const std::string expected =
      " (expected /uploads/<upload>/archive/<entry> or "
      "/uploads/<upload>/raw/<path>)";
  EXPECT_EQ(message_of<ResolveError>([&] { area_.resolve_name("/uploads/up_A"); }),
            "'/uploads/up_A': names an upload, not a file" + expected);
  EXPECT_EQ(message_of<ResolveError>([&] { area_.resolve_name("/uploads/up_A/"); }),
            "'/uploads/up_A/': names an upload, not a file" + expected);
  EXPECT_EQ(message_of<ResolveError>([&] { area_.resolve_name("/uploads/up_A/archive"); }),
            "'/uploads/up_A/archive': no entry id after archive/" + expected);
  EXPECT_EQ(message_of<ResolveError>([&] { area_.resolve_name("/uploads/up_A/archive/e/x"); }),
            "'/uploads/up_A/archive/e/x': 'e/x' is not a single entry id" + expected);
  EXPECT_EQ(message_of<ResolveError>([&] { area_.resolve_name("/uploads/up_A/raw/"); }),
            "'/uploads/up_A/raw/': no file path after raw/" + expected);
  EXPECT_EQ(message_of<ResolveError>([&] { area_.resolve_name("/uploads/up_A/other/x"); }),
            "'/uploads/up_A/other/x': unknown directory 'other' (expected 'raw' or 'archive')");
  EXPECT_EQ(message_of<NotFoundError>(
                [&] { area_.check(*area_.resolve_name("/uploads/up_C/archive/e")); }),
            "unknown upload 'up_C' (no folder " + (root_ / "up" / "up_C").string() + ")");
  EXPECT_CONTAINS(message_of<ResolveError>([&] { area_.resolve_name("/uploads//raw/x"); }),
                  "'/uploads//raw/x': Invalid upload id ''");
  EXPECT_CONTAINS(message_of<ResolveError>([&] { area_.resolve_name("/uploads/up_A/archive/.e"); }),
                  "'/uploads/up_A/archive/.e': Invalid entry id '.e'");
}

TEST_F(StagingAreaTest, ResolveNameAppliesTheSecurityRules) {
  EXPECT_EQ(message_of<SecurityError>([&] { area_.resolve_name("/uploads/up_A/raw/../../x"); }),
            "'/uploads/up_A/raw/../../x': path '../../x' leaves raw/ of upload 'up_A'");
  EXPECT_CONTAINS(
      message_of<SecurityError>([&] { area_.resolve_name("/uploads/up_A/raw//etc/x"); }),
      "'/uploads/up_A/raw//etc/x': absolute path '/etc/x'");
  fs::create_directory_symlink(tmp_.path(), raw("up_A") / "out");
  EXPECT_CONTAINS(message_of<SecurityError>(
                      [&] { area_.check(*area_.resolve_name("/uploads/up_A/raw/out/x")); }),
                  "outside upload 'up_A'");
}

}  // namespace
}  // namespace h5archive
