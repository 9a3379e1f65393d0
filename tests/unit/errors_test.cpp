// Quoted culprits and layered errors: quote(), rethrow_with_step() and the
// reference a failed resolve-then-read adds to the read's message.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "h5archive/h5archive.hpp"
#include "printable.hpp"
#include "test_support.hpp"

using namespace h5archive;
using h5archive::testing::message_of;
using h5archive::testing::SilenceHDF5;
using h5archive::testing::TempDir;

TEST(Quote, WrapsPrintableTextInSingleQuotes) {
  EXPECT_EQ(detail::quote("raw/a b.h5"), "'raw/a b.h5'");
  EXPECT_EQ(detail::quote(""), "''");
  // A quote inside cannot end the culprit early; bytes are escaped as printable() does.
  EXPECT_EQ(detail::quote("it's"), "'it\\'s'");
  EXPECT_EQ(detail::quote(std::string("a\0b\n\xff", 5)), "'a\\0b\\x0a\\xff'");
}

namespace {

template <class E, class... Args>
std::string step_message(std::string_view step, Args&&... args) {
  try {
    throw E(std::forward<Args>(args)...);
  } catch (const E& e) {
    try {
      rethrow_with_step(step);
    } catch (const E& again) {
      return again.what();
    }
  }
  return "<not rethrown as the same type>";
}

}  // namespace

TEST(RethrowWithStep, KeepsTheTypeAndPutsTheStepFirst) {
  EXPECT_EQ(step_message<NotFoundError>("Reference 'a.h5#/x'", "Dataset /x not found in a.h5"),
            "Reference 'a.h5#/x': Dataset /x not found in a.h5");
  EXPECT_EQ(step_message<SecurityError>("outer", "inner"), "outer: inner");
  EXPECT_EQ(step_message<UnknownUploadError>("outer", "inner"), "outer: inner");
  EXPECT_EQ(step_message<IOError>("outer", "inner"), "outer: inner");
  EXPECT_EQ(step_message<HDF5Error>("outer", "inner"), "outer: inner");
  // A SecurityError stays one (not merely the ResolveError it derives from).
  try {
    throw SecurityError("leaves the upload");
  } catch (...) {
    EXPECT_THROW(rethrow_with_step("step"), SecurityError);
  }
  // An abandoned object keeps the file and path a writer needs to remove it.
  try {
    throw AbandonedObjectError("half written", "f.h5", "/x");
  } catch (...) {
    try {
      rethrow_with_step("step");
    } catch (const AbandonedObjectError& e) {
      EXPECT_EQ(std::string(e.what()), "step: half written");
      EXPECT_EQ(e.file(), "f.h5");
      EXPECT_EQ(e.object_path(), "/x");
    }
  }
  // Not the library's: unchanged.
  try {
    throw std::runtime_error("plain");
  } catch (...) {
    try {
      rethrow_with_step("step");
    } catch (const Error&) {
      ADD_FAILURE() << "a foreign exception became an h5archive::Error";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "plain");
    }
  }
}

namespace {

class ReadReference : public ::testing::Test {
 protected:
  TempDir tmp;
  StagingArea area{tmp.path()};
  std::shared_ptr<const SectionDef> def =
      SectionDef("S").quantity(QuantityDef::hdf5_reference("q")).shared();
  std::filesystem::path raw;

  void SetUp() override {
    area.create_upload("up");
    raw = area.raw_file_path("up", "raw.h5");
    write_dataset(raw, "/a", Array::of<double>({1, 2}));
  }
  // The HDF5 layer's own message for reading /nope of the raw file.
  std::string inner() {
    return message_of<NotFoundError>([&] { read_dataset(raw, "/nope"); });
  }
};

}  // namespace

TEST_F(ReadReference, AFailedReadNamesTheReference) {
  SilenceHDF5 quiet;
  EntryArchive a(def, {"up", "e", std::nullopt}, area);
  a.data().set("q", "raw.h5#/nope");
  const std::string expected = "Reference 'raw.h5#/nope': " + inner();
  EXPECT_EQ(inner(), "Dataset /nope not found in " + raw.string());
  EXPECT_EQ(message_of<NotFoundError>([&] { a.data().read("q"); }), expected);
  EXPECT_EQ(message_of<NotFoundError>([&] { a.data().read_as("q", DType::float64); }), expected);
  EXPECT_EQ(message_of<NotFoundError>([&] { a.read_reference("raw.h5#/nope"); }), expected);
  EXPECT_EQ(message_of<NotFoundError>(
                [&] { read_reference_selection(area, "raw.h5#/nope", "up", Selection{}); }),
            expected);
  // A reference that reads is unchanged by the wrapping.
  EXPECT_EQ(a.read_reference("raw.h5#/a"), Array::of<double>({1, 2}));
}

TEST_F(ReadReference, AResolveErrorIsNotPrefixedTwice) {
  EntryArchive a(def, {"up", "e", std::nullopt}, area);
  const std::string resolve_message =
      message_of<SecurityError>([&] { area.resolve("../x.h5#/a", "up"); });
  EXPECT_EQ(message_of<SecurityError>([&] { a.read_reference("../x.h5#/a"); }), resolve_message);
  EXPECT_EQ(resolve_message.rfind("Reference '../x.h5#/a': ", 0), 0u) << resolve_message;
}
