// Temporary files beside a target: exclusive creation, names that carry the
// host, and clean-up only of this host's dead writers' old temporaries.
#include "temp_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

#include "h5archive/entry_archive.hpp"
#include "h5archive/npy.hpp"
#include "test_support.hpp"

namespace h5archive::detail {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// Above Linux's largest pid_max (4194304): no process ever has this id.
constexpr long kDeadPid = 4194305;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t count_temporaries(const fs::path& folder) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) ++n;
  return n;
}

void make_old(const fs::path& p) {
  fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::hours(1));
}

TEST(TemporaryFile, IsNamedAfterTargetHostAndPidAndPrivate) {
  TempDir dir;
  const TemporaryFile a = create_temporary_beside(dir.path() / "e.json");
  const TemporaryFile b = create_temporary_beside(dir.path() / "e.json");
  ::close(a.fd);
  ::close(b.fd);
  EXPECT_NE(a.path, b.path);
  EXPECT_EQ(a.path.parent_path(), dir.path());
  const auto parsed = parse_temporary_name(a.path.filename().string(), "e.json");
  ASSERT_TRUE(parsed.has_value()) << a.path;
  EXPECT_EQ(parsed->host, temporary_host_name());
  EXPECT_EQ(parsed->pid, ::getpid());
  struct stat st {};
  ASSERT_EQ(::lstat(a.path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// A file or symbolic link planted at the next temporary's name is never
// opened: creation is exclusive and moves on to another name.
TEST(TemporaryFile, NeverOpensAPlantedLink) {
  TempDir dir;
  const fs::path victim = dir.path() / "victim.txt";
  std::ofstream(victim) << "untouched";
  const TemporaryFile first = create_temporary_beside(dir.path() / "e.json");
  ::close(first.fd);
  // Names end in a per-process counter: plant links at the next few.
  const std::string stem = first.path.filename().string();
  const std::string base = stem.substr(0, stem.rfind('-') + 1);
  const unsigned long next = std::stoul(stem.substr(stem.rfind('-') + 1)) + 1;
  for (unsigned long n = next; n < next + 3; ++n)
    fs::create_symlink(victim, dir.path() / (base + std::to_string(n)));
  const TemporaryFile t = create_temporary_beside(dir.path() / "e.json");
  EXPECT_EQ(t.path.filename().string(), base + std::to_string(next + 3));
  ASSERT_EQ(::write(t.fd, "x", 1), 1);
  ::close(t.fd);
  EXPECT_EQ(read_text(victim), "untouched");
  EXPECT_TRUE(fs::is_symlink(dir.path() / (base + std::to_string(next))));
}

TEST(TemporaryFile, CreationFailureNamesTheFile) {
  TempDir dir;
  const std::string message =
      testing::message_of([&] { create_temporary_beside(dir.path() / "missing" / "e.json"); });
  EXPECT_NE(message.find("Cannot create " + (dir.path() / "missing" / "e.json.tmp-").string()),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
}

TEST(TemporaryName, ParsesHostsWithDashesAndRejectsOtherNames) {
  const auto p = parse_temporary_name("e.json.tmp-node-7.cluster-1234-0", "e.json");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->host, "node-7.cluster");
  EXPECT_EQ(p->pid, 1234);
  EXPECT_FALSE(parse_temporary_name("e.json.tmp-4194305", "e.json"));  // old form: no host
  EXPECT_FALSE(parse_temporary_name("e.json.tmp--1-0", "e.json"));     // no host
  EXPECT_FALSE(parse_temporary_name("e.json.tmp-h-x-0", "e.json"));    // pid not a number
  EXPECT_FALSE(parse_temporary_name("e.json.tmp-h-1-", "e.json"));
  EXPECT_FALSE(parse_temporary_name("f.json.tmp-h-1-0", "e.json"));  // another target's
  EXPECT_FALSE(parse_temporary_name("e.json", "e.json"));
}

// Only this host's temporaries whose process is gone and that are old are
// removed; another host's are never (its pids mean nothing here).
TEST(StaleTemporaries, OnlyThisHostsDeadAndOldOnesAreRemoved) {
  TempDir dir;
  const fs::path target = dir.path() / "e.json";
  const std::string host = temporary_host_name();
  const auto name = [&](const std::string& h, long pid) {
    return dir.path() / ("e.json.tmp-" + h + "-" + std::to_string(pid) + "-0");
  };
  const fs::path stale = name(host, kDeadPid);
  const fs::path fresh = name(host, kDeadPid - 1);              // dead, but just written
  const fs::path live = name(host, 1);                          // init is always running
  const fs::path other_host = name(host + "-other", kDeadPid);  // pid not checkable here
  const fs::path old_form = dir.path() / "e.json.tmp-4194305";  // no host in the name
  const fs::path other_target = dir.path() / ("f.json.tmp-" + host + "-4194305-0");
  for (const auto& p : {stale, fresh, live, other_host, old_form, other_target})
    std::ofstream(p) << "{";
  const fs::path link = name(host, kDeadPid - 2);  // a link named like one: not ours to judge
  fs::create_symlink(stale, link);
  for (const auto& p : {stale, live, other_host, old_form, other_target}) make_old(p);

  remove_stale_temporaries(target);
  EXPECT_FALSE(fs::exists(stale));
  for (const auto& p : {fresh, live, other_host, old_form, other_target})
    EXPECT_TRUE(fs::exists(p)) << p;
  EXPECT_TRUE(fs::is_symlink(link));

  remove_stale_temporaries(target, std::chrono::seconds(0));  // no minimum age
  EXPECT_FALSE(fs::exists(fresh));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(other_host));
}

TEST(WriteFileAtomically, LeavesNoTemporaryAndGivesTheUsualMode) {
  TempDir dir;
  const fs::path path = dir.path() / "e.json";
  const mode_t old_mask = ::umask(027);
  write_file_atomically(path, "{\"a\": 1}\n");
  ::umask(old_mask);
  EXPECT_EQ(read_text(path), "{\"a\": 1}\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
  EXPECT_EQ(count_temporaries(dir.path()), 0u);
}

TEST(WriteFileAtomically, RemovesThisHostsStaleTemporaries) {
  TempDir dir;
  const fs::path path = dir.path() / "e.json";
  const fs::path stale =
      dir.path() / ("e.json.tmp-" + temporary_host_name() + "-" + std::to_string(kDeadPid) + "-3");
  std::ofstream(stale) << "{";
  make_old(stale);
  write_file_atomically(path, "{}\n");
  EXPECT_FALSE(fs::exists(stale));
}

// .npy files are written through the same exclusive temporaries.
TEST(NpyTemporaries, WriterLeavesNoTemporaryAndDropsItsOwnOnError) {
  TempDir dir;
  const fs::path path = dir.path() / "a.npy";
  {
    NpyWriter w(path, DType::float64, Shape{});
    EXPECT_EQ(count_temporaries(dir.path()), 1u);
    w.append(Array::of(std::vector<double>{1, 2, 3}));
    w.close();
  }
  EXPECT_EQ(read_npy(path).shape(), (Shape{3}));
  EXPECT_EQ(count_temporaries(dir.path()), 0u);
  {
    NpyWriter w(dir.path() / "b.npy", DType::float64, Shape{});  // never closed
  }
  EXPECT_EQ(count_temporaries(dir.path()), 0u);
  EXPECT_FALSE(fs::exists(dir.path() / "b.npy"));
  write_npy(dir.path() / "c.npy", Array::scalar(2.5));  // the whole-file path
  EXPECT_EQ(count_temporaries(dir.path()), 0u);
  EXPECT_EQ(read_npy(dir.path() / "c.npy").shape(), Shape{});
}

}  // namespace
}  // namespace h5archive::detail
