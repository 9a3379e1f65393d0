// Datasets whose storage lies outside their file (h5archive/staging_driver.hpp):
// HDF5 opens external storage and virtual-dataset sources itself, with plain
// open(), so in a staged file they are checked here before any read.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include <fmt/format.h>

#include "h5archive/errors.hpp"
#include "h5archive/staging_driver.hpp"
#include "printable.hpp"
#include "staged_open.hpp"

namespace h5archive {

using detail::OpenFailure;

void refuse_unsafe_storage(hid_t dcpl, const std::filesystem::path& file,
                           const std::string& dataset) {
  const auto staged = detail::find_staged(file);
  if (!staged) return;
  if (const int count = H5Pget_external_count(dcpl); count > 0) {
    std::string first(4096, '\0');
    off_t offset = 0;
    hsize_t size = 0;
    if (H5Pget_external(dcpl, 0, first.size(), first.data(), &offset, &size) < 0) first.clear();
    first.resize(std::strlen(first.c_str()));
    throw SecurityError(fmt::format(
        "Dataset {} in {} keeps its data in {} external file(s) ({}, HDF5 external storage), "
        "which h5archive refuses in staged files: HDF5 opens them with plain open(), beyond the "
        "staging root's checks",
        dataset, file.string(), count, detail::quote(first)));
  }
  if (H5Pget_layout(dcpl) != H5D_VIRTUAL) return;
  size_t mappings = 0;
  if (H5Pget_virtual_count(dcpl, &mappings) < 0) mappings = 0;
  for (size_t i = 0; i < mappings; ++i) {
    const ssize_t length = H5Pget_virtual_filename(dcpl, i, nullptr, 0);
    if (length <= 0) continue;
    std::string name(static_cast<std::size_t>(length), '\0');
    H5Pget_virtual_filename(dcpl, i, name.data(), name.size() + 1);
    if (name == ".") continue;  // the file itself
    // Where HDF5 finds a relative source without prefixes: next to the file.
    const std::filesystem::path source =
        name.starts_with('/') ? std::filesystem::path(name) : file.parent_path() / name;
    OpenFailure failure;
    const int fd =
        detail::open_staged(staged->root, staged->root, source.string(), O_PATH, failure);
    if (fd >= 0) {
      ::close(fd);
      continue;
    }
    throw SecurityError(fmt::format(
        "Dataset {} in {} is a virtual dataset whose source file {} does not open below the "
        "staging root ({}); h5archive refuses it rather than let HDF5 look elsewhere or read "
        "fill values",
        dataset, file.string(), detail::quote(name), failure.message));
  }
}

}  // namespace h5archive
