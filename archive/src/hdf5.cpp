// The HDF5 layer's vocabulary (h5archive/hdf5.hpp): HDF5's error stack turned
// into messages, and in-file paths.
#include "h5archive/hdf5.hpp"

#include <algorithm>

namespace h5archive::hdf5 {

std::string innermost_error() {
  // H5Eget_current_stack hands us a copy and clears the live stack; the copy
  // must be closed or it leaks.
  const hid_t stack = H5Eget_current_stack();
  if (stack < 0) return {};
  std::string description;
  auto visit = [](unsigned n, const H5E_error2_t* frame, void* out) -> herr_t {
    // Walking upward, frame 0 is the innermost one. Nothing here throws
    // except the string's allocation, which must not cross into HDF5.
    try {
      if (n == 0 && frame != nullptr && frame->desc != nullptr)
        *static_cast<std::string*>(out) = frame->desc;
      return 0;
    } catch (...) {
      return -1;
    }
  };
  H5Ewalk2(stack, H5E_WALK_UPWARD, visit, &description);
  H5Eclear2(stack);
  H5Eclose_stack(stack);
  return description;
}

HDF5Error error(const std::string& what) {
  const std::string cause = innermost_error();
  return HDF5Error(cause.empty() ? what : what + ": " + cause);
}

namespace {

// Appends the non-empty '/'-separated parts of `path` to `parts`.
void append_parts(std::vector<std::string>& parts, std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) parts.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

InFilePath::InFilePath(std::string_view path) { append_parts(parts_, path); }

InFilePath InFilePath::from_parts(const std::vector<std::string>& parts) {
  InFilePath p;
  for (const std::string& part : parts) append_parts(p.parts_, part);
  return p;
}

const std::string& InFilePath::name() const noexcept {
  static const std::string root;
  return parts_.empty() ? root : parts_.back();
}

InFilePath InFilePath::parent() const { return prefix(parts_.empty() ? 0 : parts_.size() - 1); }

InFilePath InFilePath::prefix(std::size_t n) const {
  InFilePath p;
  p.parts_.assign(parts_.begin(),
                  parts_.begin() + static_cast<std::ptrdiff_t>(std::min(n, parts_.size())));
  return p;
}

bool InFilePath::contains(const InFilePath& other) const noexcept {
  return other.parts_.size() >= parts_.size() &&
         std::equal(parts_.begin(), parts_.end(), other.parts_.begin());
}

std::string InFilePath::str() const {
  if (parts_.empty()) return "/";
  std::string s;
  for (const std::string& part : parts_) {
    s += '/';
    s += part;
  }
  return s;
}

InFilePath InFilePath::operator/(std::string_view relative) const {
  InFilePath p = *this;
  return p /= relative;
}

InFilePath InFilePath::operator/(const InFilePath& relative) const {
  InFilePath p = *this;
  return p /= relative;
}

InFilePath& InFilePath::operator/=(std::string_view relative) {
  append_parts(parts_, relative);
  return *this;
}

InFilePath& InFilePath::operator/=(const InFilePath& relative) {
  parts_.insert(parts_.end(), relative.parts_.begin(), relative.parts_.end());
  return *this;
}

}  // namespace h5archive::hdf5
