// File names: `/uploads/...` names go through the library's resolver (the same
// code and security rules as every other h5archive entry point); every other
// name is handed to the connector below unchanged.
#include <filesystem>
#include <optional>
#include <string>

#include "h5archive/errors.hpp"
#include "h5archive/reference.hpp"
#include "h5archive/staging_area.hpp"
#include "vol_internal.hpp"

namespace h5archive::vol {

MappedName map_name(const Info& info, const char* name) {
  if (!name) throw VolError(ErrorKind::bad_name, "no file name given");
  const h5archive::StagingArea area(
      info.root ? std::filesystem::path(*info.root) : h5archive::default_staging_root(),
      info.prefix_size.value_or(2));
  // The library's errors name the name; guarded() turns them into the
  // matching ErrorKind (errors.cpp: kind_of).
  std::optional<h5archive::Resolved> resolved = area.resolve_name(name);
  // With a current upload, a reference without prefix (`external.h5#/x`)
  // names one of its raw files — unless a plain file has that very name.
  std::error_code ec;
  if (!resolved && info.upload && h5archive::Reference::match(name) &&
      !std::filesystem::exists(name, ec))
    resolved = area.resolve(name, *info.upload);
  if (!resolved) return {name, false};
  // The connector below gets the real OS path, so the native layer resolves
  // relative external links of the entry file next to it.
  return {resolved->file.string(), true, resolved->directory == h5archive::Directory::archive};
}

}  // namespace h5archive::vol
