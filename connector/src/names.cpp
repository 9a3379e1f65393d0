// File names: `/uploads/...` names go through the library's resolver (the same
// code and security rules as every other h5archive entry point); every other
// name is handed to the connector below unchanged.
#include <filesystem>
#include <optional>
#include <string>

#include "h5archive/errors.hpp"
#include "h5archive/location.hpp"
#include "h5archive/staging_area.hpp"
#include "vol_internal.hpp"

namespace h5archive::vol {

MappedName map_name(const Info& info, const char* name) {
  if (!name) throw VolError(ErrorKind::bad_name, "no file name given");
  const std::string_view text(name);
  // The library's "current upload" policy, with one addition for a file-name
  // API: a plain file that exists under a name like `a.h5#x` is that file.
  std::error_code ec;
  if (!text.starts_with("/uploads/") && (!info.staging.upload || std::filesystem::exists(name, ec)))
    return {name, false};
  // The library's errors name the name; guarded() turns them into the
  // matching ErrorKind (errors.cpp: kind_of).
  const std::optional<Location> location = Location::from_target(text, info.staging.upload);
  if (!location) return {name, false};
  // The connector below gets the real OS path, so the native layer resolves
  // relative external links of the entry file next to it.
  return {info.staging.area().path_of(*location).string(), true,
          location->directory == Directory::archive};
}

}  // namespace h5archive::vol
