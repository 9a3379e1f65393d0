// The reference grammar: every vector of nomad-semantics.md §2.1, §9 and §12,
// the porting notes, and a comparison with NOMAD's regular expression itself
// (run through std::regex) over a generated set of strings.
#include "h5archive/reference.hpp"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "h5archive/errors.hpp"

namespace h5archive {
namespace {

struct Row {
  std::string input;
  std::optional<std::string> upload_id;
  std::optional<std::string> directory;
  std::string file;
  std::string path;
};

void PrintTo(const Row& row, std::ostream* os) { *os << "'" << row.input << "'"; }

class MatchTable : public ::testing::TestWithParam<Row> {};

TEST_P(MatchTable, GivesNomadsParts) {
  const Row& row = GetParam();
  const auto ref = Reference::match(row.input);
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->upload_id, row.upload_id);
  EXPECT_EQ(ref->directory, row.directory);
  EXPECT_EQ(ref->file, row.file);
  EXPECT_EQ(ref->path, row.path);
}

const std::optional<std::string> kNone;

// nomad-semantics.md §2.1 table, then §9.1 / §9.5 / §12 and porting notes.
INSTANTIATE_TEST_SUITE_P(
    NomadSemantics, MatchTable,
    ::testing::Values(
        Row{"raw.h5#/data/value", kNone, kNone, "raw.h5", "/data/value"},
        Row{"raw.h5#data/value", kNone, kNone, "raw.h5", "data/value"},
        Row{"sub/dir/raw.h5#/a/b", kNone, kNone, "sub/dir/raw.h5", "/a/b"},
        Row{"/uploads/U1/raw/sub/dir/raw.h5#/a/b", "U1", "raw", "sub/dir/raw.h5", "/a/b"},
        Row{"/uploads/U1/archive/E1#/data/value", "U1", "archive", "E1", "/data/value"},
        Row{"/uploads/U1/archive/E1#data/value", "U1", "archive", "E1", "data/value"},
        Row{"/uploads/U1/archive/mainfile/path/to/main.json#/data/value", "U1", "archive",
            "mainfile/path/to/main.json", "/data/value"},
        Row{"../upload/archive/E1#/data/v", kNone, kNone, "../upload/archive/E1", "/data/v"},
        Row{"uploads/U1/raw/x.h5#/p", kNone, kNone, "uploads/U1/raw/x.h5", "/p"},
        Row{"/uploads/U1#/p", kNone, kNone, "/uploads/U1", "/p"},
        // §9.1 cases 1, 4, 5.
        Row{"/uploads/test_upload/archive/test_entry#/data/quantity", "test_upload", "archive",
            "test_entry", "/data/quantity"},
        Row{"tests/data/datamodel/context.h5#/data/value", kNone, kNone,
            "tests/data/datamodel/context.h5", "/data/value"},
        // §9.5.10: a string with '#' parses; the file part is kept verbatim.
        Row{"foo#/bar", kNone, kNone, "foo", "/bar"},
        // §2.2: installation URLs parse, the host is filler.
        Row{"https://nomad.example.org/prod/v1/uploads/U1/raw/x.h5#/p", "U1", "raw", "x.h5", "/p"},
        Row{"/abs/x.h5#/p", kNone, kNone, "/abs/x.h5", "/p"},
        // §12.19: the last repetition of the prefix wins.
        Row{"/uploads/A/raw/uploads/B/archive/e#/p", "A", "raw", "uploads/B/archive/e", "/p"},
        Row{"/uploads/A/raw/x/uploads/B/archive/e#/p", "B", "archive", "e", "/p"},
        Row{"/uploads/A/raw//uploads/B/archive/e#/p", "B", "archive", "e", "/p"},
        Row{"x/uploads/A/b/y/uploads/C/d/z/uploads/E/f/file#path", "E", "f", "file", "path"},
        // Split at the first '#' after the last prefix; PATH keeps later '#'.
        Row{"a.h5#/x#y#z", kNone, kNone, "a.h5", "/x#y#z"},
        Row{"/uploads/U/raw/a.h5#/g#1", "U", "raw", "a.h5", "/g#1"},
        Row{"##x", kNone, kNone, "#", "x"}, Row{"a##", kNone, kNone, "a", "#"},
        // The filler may run across '#' when a later split still works.
        Row{"a#b/uploads/U/raw/f#p", "U", "raw", "f", "p"},
        // ... but not when it would leave no FILE '#' PATH after the prefix.
        Row{"a#b/uploads/U/raw/f", kNone, kNone, "a", "b/uploads/U/raw/f"},
        Row{"a#b/uploads/U/raw/f#", kNone, kNone, "a", "b/uploads/U/raw/f#"},
        // UPLOAD and DIR are lazy, but at least one character.
        Row{"/uploads//x/raw/f#p", "/x", "raw", "f", "p"},
        Row{"/uploads/U//d/f#p", "U", "/d", "f", "p"},
        Row{"/uploads/U/raw/#p#q", "U", "raw", "#p", "q"},
        Row{"/uploads/U/raw/dir/sub/f.h5#p", "U", "raw", "dir/sub/f.h5", "p"},
        // A DIR that would leave no FILE makes the prefix not match at all.
        Row{"/uploads/U/raw/#p", kNone, kNone, "/uploads/U/raw/", "p"},
        // Nothing is trimmed or normalised.
        Row{" raw.h5 # /a ", kNone, kNone, " raw.h5 ", " /a "},
        Row{"/uploads/U/raw/a/../b.h5#//x", "U", "raw", "a/../b.h5", "//x"},
        Row{"/uploads/U\r/raw/f#p\r", "U\r", "raw", "f", "p\r"},
        // Only the first line counts.
        Row{"raw.h5#/a\n/uploads/U/raw/x#/b", kNone, kNone, "raw.h5", "/a"},
        Row{"/uploads/U/raw/f#p\nq", "U", "raw", "f", "p"},
        Row{"/uploads/U/raw/f#p\n", "U", "raw", "f", "p"}));

TEST(ReferenceMatch, RejectsWhatNomadRejects) {
  for (const std::string text :
       {"#/data/value", "raw.h5#", "raw.h5", "", "/uploads/U1/raw/x.h5", "#", "##", "a\n#b",
        "raw.h5\n#/a", "\n", "\nraw.h5#/a", "/uploads/U/raw/#"}) {
    EXPECT_EQ(Reference::match(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(ReferenceParse, ThrowsReferenceErrorWithNomadsMessage) {
  for (const std::string text : {"raw.h5", "raw.h5#", "#/x", "", "not a ref"}) {
    try {
      Reference::parse(text);
      ADD_FAILURE() << "no error for '" << text << "'";
    } catch (const ReferenceError& e) {
      EXPECT_EQ(std::string(e.what()), "Invalid HDF5 reference: " + text + ".");
    }
  }
}

TEST(ReferenceParse, ReturnsTheMatch) {
  EXPECT_EQ(Reference::parse("/uploads/U1/archive/E1#/data/value"),
            Reference::archive("U1", "E1", "/data/value"));
  EXPECT_EQ(Reference::parse("/uploads/U1/raw/d/x.h5#/a"), Reference::raw("U1", "d/x.h5", "/a"));
  EXPECT_EQ(Reference::parse("x.h5#/a"), (Reference{std::nullopt, std::nullopt, "x.h5", "/a"}));
}

TEST(ReferenceStr, FormatsEachForm) {
  EXPECT_EQ(Reference::archive("test_upload", "test_entry", "/data/quantity").str(),
            "/uploads/test_upload/archive/test_entry#/data/quantity");
  EXPECT_EQ(Reference::raw("U", "sub/raw.h5", "data/v").str(), "/uploads/U/raw/sub/raw.h5#data/v");
  EXPECT_EQ((Reference{std::nullopt, std::nullopt, "raw.h5", "/x"}).str(), "raw.h5#/x");
  EXPECT_EQ((Reference{"U", std::string("other"), "f", "p"}).str(), "/uploads/U/other/f#p");
}

TEST(ReferenceStr, DropsTheFillerBeforeTheLastPrefix) {
  EXPECT_EQ(Reference::parse("https://host/uploads/A/raw/x/uploads/B/archive/e#/p").str(),
            "/uploads/B/archive/e#/p");
  EXPECT_EQ(Reference::parse("a.h5#/x\nrest").str(), "a.h5#/x");
}

TEST(ReferenceBuilders, SetEveryPart) {
  const auto a = Reference::archive("u", "e", "/d");
  EXPECT_EQ(a.upload_id, std::optional<std::string>("u"));
  EXPECT_EQ(a.directory, std::optional<std::string>("archive"));
  EXPECT_EQ(a.file, "e");
  EXPECT_EQ(a.path, "/d");
  const auto r = Reference::raw("u", "f.h5", "d");
  EXPECT_EQ(r.directory, std::optional<std::string>("raw"));
  EXPECT_EQ(r.file, "f.h5");
}

// Strings built from the pieces that matter to the grammar.
std::vector<std::string> generated_strings(std::size_t count) {
  static const std::vector<std::string> pieces = {
      "/", "/uploads/", "uploads", "#", "a", "b", "\n", "raw", "archive", "//", ".", "..", "##"};
  std::mt19937 rng(20240611);
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string s;
    const auto n = rng() % 13;
    for (std::size_t k = 0; k < n; ++k) s += pieces[rng() % pieces.size()];
    out.push_back(std::move(s));
  }
  return out;
}

// NOMAD's expression with `.` written as [^\n] (nomad-semantics.md §2.1 porting
// notes), matched at position 0 only.
std::optional<Reference> regex_match(const std::string& text) {
  static const std::regex re(R"(^(?:[^\n]*?/uploads/([^\n]+?)/([^\n]+?)/)*([^\n]+?)#([^\n]+))");
  std::smatch m;
  if (!std::regex_search(text, m, re, std::regex_constants::match_continuous)) {
    return std::nullopt;
  }
  Reference ref;
  if (m[1].matched) ref.upload_id = m[1].str();
  if (m[2].matched) ref.directory = m[2].str();
  ref.file = m[3].str();
  ref.path = m[4].str();
  return ref;
}

TEST(ReferenceMatch, AgreesWithNomadsRegexOnGeneratedStrings) {
  int matched = 0;
  for (const auto& text : generated_strings(20000)) {
    const auto expected = regex_match(text);
    ASSERT_EQ(Reference::match(text), expected) << "'" << text << "'";
    matched += expected.has_value();
  }
  // The generator must exercise both outcomes, and prefixes too.
  EXPECT_GT(matched, 2000);
  EXPECT_LT(matched, 18000);
}

TEST(ReferenceStr, RoundTripsEveryParsedReference) {
  int with_prefix = 0;
  for (const auto& text : generated_strings(20000)) {
    const auto ref = Reference::match(text);
    if (!ref) continue;
    with_prefix += ref->upload_id.has_value();
    ASSERT_EQ(Reference::parse(ref->str()), *ref) << "'" << text << "' -> '" << ref->str() << "'";
  }
  EXPECT_GT(with_prefix, 100);
}

TEST(ReferenceMatch, HandlesLongInputInLinearTime) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "/uploads/u" + std::to_string(i) + "/raw/";
  text += "f.h5#/p";
  const auto ref = Reference::match(text);
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->upload_id, "u19999");
  EXPECT_EQ(ref->file, "f.h5");
  const std::string no_hash(1'000'000, '/');
  EXPECT_EQ(Reference::match(no_hash), std::nullopt);
}

TEST(ReferenceParse, EscapesInputInItsMessage) {
  // A control byte or invalid UTF-8 in a message breaks whoever decodes it
  // (h5py); they are shown as \xNN like in every other message.
  try {
    Reference::parse(std::string("a\x01\xff"));
    FAIL() << "no error";
  } catch (const ReferenceError& e) {
    EXPECT_STREQ(e.what(), "Invalid HDF5 reference: a\\x01\\xff.");
  }
}

}  // namespace
}  // namespace h5archive
