// Location: names and references parsed into one value, printed back, and the
// one "current upload" policy.
#include "h5archive/location.hpp"

#include <gtest/gtest.h>

#include "h5archive/errors.hpp"
#include "h5archive/reference.hpp"
#include "h5archive/staging_area.hpp"

namespace h5archive {
namespace {

TEST(Location, NamesAndReferencesGiveTheSameValue) {
  const auto by_name = Location::from_name("/uploads/u1/raw/sub/./x.h5");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(*by_name, (Location{"u1", Directory::raw, "sub/x.h5", ""}));
  EXPECT_EQ(Location::from_reference("/uploads/u1/raw/sub/x.h5#/a/b"),
            (Location{"u1", Directory::raw, "sub/x.h5", "/a/b"}));
  EXPECT_EQ(*Location::from_name("/uploads/u1/archive/e1#/data/value"),
            (Location{"u1", Directory::archive, "e1", "/data/value"}));
  EXPECT_FALSE(Location::from_name("plain.h5"));
  EXPECT_FALSE(Location::from_name("x/uploads/u1/raw/a.h5"));
}

TEST(Location, PrintsWhatItParses) {
  for (const Location& l : {Location{"u1", Directory::raw, "a/b.h5", "/x"},
                            Location{"up-2.x", Directory::archive, "entry_1", "data/value"}}) {
    EXPECT_EQ(Location::from_reference(l.reference()), l) << l.reference();
    Location bare = l;
    bare.dataset.clear();
    EXPECT_EQ(*Location::from_name(l.name()), bare) << l.name();
  }
  EXPECT_EQ(Location::archive("u", "e", "/d").reference(), "/uploads/u/archive/e#/d");
  EXPECT_EQ(Location::raw("u", "a//./b.h5").name(), "/uploads/u/raw/a/b.h5");
}

TEST(Location, CurrentUploadPolicy) {
  // Names and prefixed references ignore the current upload.
  EXPECT_EQ(Location::from_target("/uploads/a/raw/f.h5", "b")->upload_id, "a");
  EXPECT_EQ(Location::from_target("/uploads/a/raw/f.h5#/x", "b")->upload_id, "a");
  // A reference without prefix is a raw file of the current upload ...
  EXPECT_EQ(*Location::from_target("external.h5#/path/to/data", "b"),
            (Location{"b", Directory::raw, "external.h5", "/path/to/data"}));
  // ... and not a location at all without one, nor is a plain name.
  EXPECT_FALSE(Location::from_target("external.h5#/path/to/data", std::nullopt));
  EXPECT_FALSE(Location::from_target("plain.h5", "b"));
  EXPECT_THROW(Location::from_reference("external.h5#/x"), ResolveError);
}

TEST(Location, ErrorsNameWhatWasPassed) {
  const auto message = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const Error& e) {
      return e.what();
    }
    return "<no error>";
  };
  EXPECT_EQ(message([] { Location::from_reference("/uploads/u/raw/../../x#/d"); }),
            "Reference '/uploads/u/raw/../../x#/d': path '../../x' leaves raw/ of upload 'u'");
  EXPECT_EQ(message([] { Location::archive("u", "../e"); }),
            "Entry '../e' of upload 'u': Invalid entry id '../e' (allowed: letters, digits, '_', "
            "'-', '.'; not starting with '.')");
  EXPECT_EQ(message([] { Location::from_name("/uploads/u/other/x"); }),
            "'/uploads/u/other/x': unknown directory 'other' (expected 'raw' or 'archive')");
  EXPECT_THROW(Location::raw("u", "/etc/passwd"), SecurityError);
}

TEST(Location, FromAParsedReference) {
  // NOMAD writes references with a prefix before /uploads/: the parsed
  // reference drops it, the messages still name the text as written.
  const std::string text = "../uploads/u1/raw/sub/./x.h5#/a/b";
  const Reference ref = Reference::parse(text);
  EXPECT_EQ(Location::from_reference(ref, text), Location::from_reference(text));
  EXPECT_EQ(Location::from_reference(ref, text),
            (Location{"u1", Directory::raw, "sub/x.h5", "/a/b"}));
  EXPECT_EQ(Location::from_reference(Reference::parse("f.h5#/x"), "f.h5#/x", "up"),
            (Location{"up", Directory::raw, "f.h5", "/x"}));
  const std::string bad = "../uploads/u/raw/../../x#/d";
  try {
    Location::from_reference(Reference::parse(bad), bad);
    FAIL() << "no error for " << bad;
  } catch (const SecurityError& e) {
    EXPECT_STREQ(e.what(),
                 "Reference '../uploads/u/raw/../../x#/d': path '../../x' leaves raw/ "
                 "of upload 'u'");
  }
}

TEST(Location, StagingAreaPlacesIt) {
  const StagingArea area("/s", 2);
  EXPECT_EQ(area.path_of(Location::raw("up1", "a/b.h5")), "/s/up/up1/raw/a/b.h5");
  EXPECT_EQ(area.path_of(Location::archive("up1", "e")), "/s/up/up1/archive/e.h5");
  const Resolved r = area.resolve(Location::archive("up1", "e", "/d"));
  EXPECT_EQ(r.file, "/s/up/up1/archive/e.h5");
  EXPECT_EQ(r.dataset, "/d");
  EXPECT_EQ(StagingArea("/s", 0).path_of(Location::raw("up1", "x")), "/s/up1/raw/x");
}

}  // namespace
}  // namespace h5archive
