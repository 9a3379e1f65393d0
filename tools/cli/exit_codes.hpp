// The exit codes of `h5archive`, in one place: which error category (the
// exception types of h5archive/errors.hpp and the CLI's UsageError) ends a
// command with which code. docs/cli.md shows the same table.
#pragma once

#include <exception>
#include <iosfwd>

namespace h5archive::cli {

inline constexpr int kExitOk = 0;
/// The command ran and failed: any library error (bad or unresolvable
/// reference, escape, missing upload/file/dataset, refused reassignment, bad
/// value, HDF5 or file-system failure) and any other exception.
inline constexpr int kExitError = 1;
/// The command line cannot be run as asked (UsageError; CLI11's parse errors
/// exit 2 as well).
inline constexpr int kExitUsage = 2;

/// The exit code for the error that ended a command.
int exit_code(const std::exception& error) noexcept;

/// Reports the error as one line, "h5archive: error: <message>", on `err`
/// and returns exit_code(error).
int report_error(const std::exception& error, std::ostream& err);

}  // namespace h5archive::cli
