// libFuzzer target: the reference grammar and the resolver.
// Properties checked on every input:
// - Reference::parse agrees with Reference::match (throws ReferenceError
//   exactly where match gives nullopt, else returns the same parts);
// - a matched reference has non-empty file and path parts, and its string
//   form parses back to the same parts and prints the same again;
// - StagingArea::resolve / resolve_name either throw an h5archive::Error or
//   give a file lexically inside the staging root (no other exception), and
//   the kernel's walk (StagingArea::check) either refuses it or accepts a
//   file that really lies inside the root (no escape through a link).
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "h5archive/errors.hpp"
#include "h5archive/reference.hpp"
#include "h5archive/staging_area.hpp"

namespace fs = std::filesystem;
using h5archive::Reference;

namespace {

[[noreturn]] void violated(const char* property) {
  std::fprintf(stderr, "property violated: %s\n", property);
  __builtin_trap();  // libFuzzer saves the input as crash-<sha1>
}

fs::path made_root;
void remove_root() {
  std::error_code ignored;
  fs::remove_all(made_root, ignored);
}

/// A staging root with one upload holding a file and a link leaving the root,
/// made once per process (the resolver needs existing uploads).
const h5archive::StagingArea& area() {
  static const h5archive::StagingArea instance = [] {
    const fs::path root =
        fs::temp_directory_path() / ("h5archive-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(root);
    made_root = root;
    std::atexit(remove_root);
    h5archive::StagingArea a(fs::canonical(root));
    a.create_upload("up");
    a.create_upload("other");
    std::error_code ignored;
    fs::create_symlink("/etc", a.raw_dir("up") / "outside", ignored);
    fs::create_directories(a.raw_dir("up") / "sub");
    return a;
  }();
  return instance;
}

bool inside(const fs::path& file, const fs::path& root) {
  const fs::path norm = file.lexically_normal();
  auto [r, f] = std::mismatch(root.begin(), root.end(), norm.begin(), norm.end());
  return r == root.end();
}

void check_resolved(const h5archive::Resolved& r) {
  if (!inside(r.file, area().root())) violated("resolved file outside the staging root");
  // Resolving is lexical; where links lead is the walk's answer.
  try {
    area().check(r, /*file_may_be_missing=*/true);
  } catch (const h5archive::Error&) {
    return;
  }
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(r.file, ec);
  if (!ec && !inside(real, area().root()))
    violated("a file the walk accepted leaves the root through a link");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto matched = Reference::match(text);
  try {
    const Reference parsed = Reference::parse(text);
    if (!matched || !(parsed == *matched)) violated("parse succeeded where match disagrees");
  } catch (const h5archive::ReferenceError&) {
    if (matched) violated("parse threw where match succeeded");
  }
  if (matched) {
    if (matched->file.empty() || matched->path.empty()) violated("empty file or path part");
    const std::string once = matched->str();
    const auto again = Reference::match(once);
    if (!again || !(*again == *matched)) violated("str() does not parse back to the same parts");
    if (again->str() != once) violated("str() is not stable");
  }

  try {
    check_resolved(area().resolve(text, std::string_view("up")));
  } catch (const h5archive::Error&) {
  }
  try {
    if (auto r = area().resolve_name(text)) check_resolved(*r);
  } catch (const h5archive::Error&) {
  }
  return 0;
}
