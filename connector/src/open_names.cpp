// The names files were opened by. The connector below only ever sees OS paths
// (so that relative external links resolve next to the real file), but
// H5Fget_name — and with it h5py's File.filename and HDF5's API tests — must
// answer with the `/uploads/...` name the application used.
#include <map>
#include <mutex>
#include <string>

#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

struct OpenName {
  std::string name;
  int count = 0;
};

std::mutex mutex;
std::map<std::string, OpenName> by_path;  // OS path -> name and open count

}  // namespace

void remember_open_name(const std::string& os_path, const std::string& name) {
  std::lock_guard lock(mutex);
  auto& entry = by_path[os_path];
  entry.name = name;  // the latest name wins if one file is opened by two
  ++entry.count;
}

void forget_open_name(const std::string& os_path) {
  std::lock_guard lock(mutex);
  auto it = by_path.find(os_path);
  if (it != by_path.end() && --it->second.count <= 0) by_path.erase(it);
}

std::optional<std::string> open_name_of(const std::string& os_path) {
  std::lock_guard lock(mutex);
  auto it = by_path.find(os_path);
  if (it == by_path.end()) return std::nullopt;
  return it->second.name;
}

bool any_open_names() {
  std::lock_guard lock(mutex);
  return !by_path.empty();
}

}  // namespace h5archive::vol
