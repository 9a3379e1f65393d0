// The connector's HDF5 error class and the conversion of C++ exceptions into
// entries on the error stack the application sees.
#include <cerrno>
#include <cstdio>
#include <new>
#include <string>

#include <fmt/format.h>

#include "h5archive/errors.hpp"
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

struct ErrorIds {
  hid_t cls = H5I_INVALID_HID;
  hid_t major = H5I_INVALID_HID;
  hid_t minor[5] = {H5I_INVALID_HID, H5I_INVALID_HID, H5I_INVALID_HID, H5I_INVALID_HID,
                    H5I_INVALID_HID};
};
ErrorIds ids;  // HDF5 serialises VOL callbacks, so plain globals are safe here

constexpr const char* kMinorText[5] = {
    "bad /uploads/ name",               // bad_name
    "name leaves the staging area",     // escape
    "missing file",                     // missing_file
    "malformed connector info string",  // bad_info
    "connector operation failed",       // failure
};

// HDF5's sec2 driver ends the message of a failed open(2) with
// "errno = N, error message = '...'", and h5py raises the matching OSError
// subclass when the innermost entry on the stack has that text (its
// _errors.pyx: re.search(b'errno\s*=\s*(\d+)', desc_bottom) and an outermost
// entry that maps to OSError, as a failed H5Fopen/H5Fcreate does). The kinds
// that are OS errors to a Python user say so the same way: a missing upload,
// entry or raw file is FileNotFoundError, an escape PermissionError.
std::string with_errno(ErrorKind kind, std::string_view message) {
  std::string text(message);
  if (kind == ErrorKind::missing_file)
    text += fmt::format(" (errno = {}, error message = 'No such file or directory')", ENOENT);
  else if (kind == ErrorKind::escape)
    text += fmt::format(" (errno = {}, error message = 'Permission denied')", EACCES);
  return text;
}

ErrorKind kind_of(const std::exception& e) {
  if (auto* v = dynamic_cast<const VolError*>(&e)) return v->kind();
  if (dynamic_cast<const h5archive::SecurityError*>(&e)) return ErrorKind::escape;
  if (dynamic_cast<const h5archive::NotFoundError*>(&e) ||
      dynamic_cast<const h5archive::UnknownUploadError*>(&e))
    return ErrorKind::missing_file;
  if (dynamic_cast<const h5archive::Error*>(&e)) return ErrorKind::bad_name;
  return ErrorKind::failure;
}

bool auto_printing_enabled() {
  unsigned is_v2 = 1;
  if (H5Eauto_is_v2(H5E_DEFAULT, &is_v2) < 0) return false;
  if (!is_v2) {
    H5E_auto1_t f1 = nullptr;
    return H5Eget_auto1(&f1, nullptr) >= 0 && f1 != nullptr;
  }
  H5E_auto2_t f2 = nullptr;
  return H5Eget_auto2(H5E_DEFAULT, &f2, nullptr) >= 0 && f2 != nullptr;
}

}  // namespace

void register_errors() {
  if (ids.cls >= 0) return;
  hid_t cls = H5Eregister_class("h5archive", "h5archive VOL connector", "0.1.0");
  if (cls < 0) return;
  ids.cls = cls;
  ids.major = H5Ecreate_msg(cls, H5E_MAJOR, "h5archive connector");
  for (int i = 0; i < 5; ++i) ids.minor[i] = H5Ecreate_msg(cls, H5E_MINOR, kMinorText[i]);
}

void unregister_errors() {
  if (ids.cls < 0) return;
  // Closing the class also releases its messages.
  H5Eunregister_class(ids.cls);
  ids = ErrorIds{};
}

// GCC's function_name() is the full signature; the error stack shows a
// function name, as HDF5's own entries do.
static std::string short_function_name(std::string_view pretty) {
  const auto paren = pretty.find('(');
  if (paren != std::string_view::npos) pretty = pretty.substr(0, paren);
  const auto colon = pretty.rfind("::");
  if (colon != std::string_view::npos) pretty = pretty.substr(colon + 2);
  const auto space = pretty.rfind(' ');
  if (space != std::string_view::npos) pretty = pretty.substr(space + 1);
  return std::string(pretty);
}

void push_error(ErrorKind kind, std::string_view message, const std::source_location& where) {
  const auto minor = ids.minor[static_cast<int>(kind)];
  if (ids.cls >= 0 && ids.major >= 0 && minor >= 0) {
    // Pushing never prints: the library prints at the API boundary if (and
    // only if) the application left automatic printing on.
    const std::string text = with_errno(kind, message);
    const std::string function = short_function_name(where.function_name());
    H5Epush2(H5E_DEFAULT, where.file_name(), function.c_str(), static_cast<unsigned>(where.line()),
             ids.cls, ids.major, minor, "%s", text.c_str());
  } else if (auto_printing_enabled()) {
    // Without a registered class nothing can be pushed; do not lose the reason.
    std::fprintf(stderr, "h5archive: %.*s\n", static_cast<int>(message.size()), message.data());
  }
}

void push_current_exception(const std::source_location& where) {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    push_error(ErrorKind::failure, "out of memory", where);
  } catch (const std::exception& e) {
    push_error(kind_of(e), e.what(), where);
  } catch (...) {
    push_error(ErrorKind::failure, "unknown exception", where);
  }
}

}  // namespace h5archive::vol
