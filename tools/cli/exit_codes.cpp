// Error category -> exit code (exit_codes.hpp).
#include "exit_codes.hpp"

#include <ostream>

#include "commands.hpp"
#include "h5archive/errors.hpp"

namespace h5archive::cli {
namespace {

template <class E>
bool is(const std::exception& e) {
  return dynamic_cast<const E*>(&e) != nullptr;
}

struct Category {
  bool (*matches)(const std::exception&);
  int code;
};

// First match wins, so a derived type comes before its base. Every library
// category is listed, even where it shares its code, so that giving one its
// own code is a one-line change here (and in docs/cli.md).
constexpr Category kCategories[] = {
    {is<UsageError>, kExitUsage},
    {is<SecurityError>, kExitError},       // a reference or name leaves its upload
    {is<UnknownUploadError>, kExitError},  // no such upload folder
    {is<ResolveError>, kExitError},        // cannot be resolved (no current upload, ...)
    {is<ReferenceError>, kExitError},      // not a valid reference
    {is<NotFoundError>, kExitError},       // missing file, dataset or entry
    {is<AbandonedObjectError>, kExitError},
    {is<TypeMismatchError>, kExitError},  // shape or dtype refused
    {is<ValueError>, kExitError},         // a value, selection or path refused
    {is<HDF5Error>, kExitError},          // HDF5 failed (its reason in the message)
    {is<IOError>, kExitError},            // the OS refused (disk full, permission)
    {is<Error>, kExitError},
};

}  // namespace

int exit_code(const std::exception& error) noexcept {
  for (const Category& c : kCategories)
    if (c.matches(error)) return c.code;
  return kExitError;  // not the library's: std::bad_alloc, a failed stream, ...
}

int report_error(const std::exception& error, std::ostream& err) {
  err << "h5archive: error: " << error.what() << "\n";
  return exit_code(error);
}

}  // namespace h5archive::cli
