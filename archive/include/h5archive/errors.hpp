// Typed errors of libh5archive. Every message names the offending reference,
// path, shape or dtype, so a caller can show it to a user as is.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace h5archive {

/// Base of every error thrown by libh5archive.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A string that is not a valid HDF5 reference, or a reference of an
/// unsupported form (NOMAD's ValueError "Invalid HDF5 reference: <s>.").
class ReferenceError : public Error {
 public:
  using Error::Error;
};

/// A reference or name that cannot be resolved in the staging area: unknown
/// upload, unknown directory, bad id, missing file.
class ResolveError : public Error {
 public:
  using Error::Error;
};

/// A reference or name that tries to leave the staging area or the upload
/// (`..`, absolute file part, symbolic link pointing outside).
class SecurityError : public ResolveError {
 public:
  using ResolveError::ResolveError;
};

/// A name or reference whose upload folder does not exist. Still a
/// ResolveError for the library's callers; the VOL connector reports it as a
/// missing file (h5py's FileNotFoundError), like a missing entry or raw file.
class UnknownUploadError : public ResolveError {
 public:
  using ResolveError::ResolveError;
};

/// Something that should exist does not: a dataset, a file, an entry
/// (NOMAD's KeyError).
class NotFoundError : public Error {
 public:
  using Error::Error;
};

/// A shape or dtype that does not fit: reassignment with another shape, an
/// unsafe cast, reading with the wrong element type (NOMAD's TypeError).
class TypeMismatchError : public Error {
 public:
  using Error::Error;
};

/// An object that a writer finds in its way and that HDF5 cannot read: a
/// link whose object was never completely written, as a writer killed
/// mid-write leaves behind (HDF5 cannot even delete such a link). The
/// entry-level writers (Section assignment and streaming, entry_files'
/// put_quantity and link_quantity) remove it when no committed archive refers
/// to it and go on (see docs/reliability.md); other writers throw this.
class AbandonedObjectError : public TypeMismatchError {
 public:
  AbandonedObjectError(const std::string& message, std::string file, std::string object_path)
      : TypeMismatchError(message), file_(std::move(file)), object_path_(std::move(object_path)) {}
  /// The HDF5 file and the normalised path of the unreadable object in it.
  const std::string& file() const noexcept { return file_; }
  const std::string& object_path() const noexcept { return object_path_; }

 private:
  std::string file_;
  std::string object_path_;
};

/// A value that is not acceptable for a quantity (NOMAD's ValueError),
/// or a schema / archive that is used inconsistently.
class ValueError : public Error {
 public:
  using Error::Error;
};

/// The operating system refused a file operation the library needed: a
/// full disk, a permission, a temporary file or folder that cannot be
/// created. The message names the file and errno's text.
class IOError : public Error {
 public:
  using Error::Error;
};

/// A failure reported by the HDF5 library; the message carries the innermost
/// HDF5 error description and the file / object concerned.
class HDF5Error : public Error {
 public:
  using Error::Error;
};

/// For code that calls HDF5 directly: an HDF5Error whose message is `what`
/// followed by HDF5's innermost description of the failure that just
/// happened ("<what>: truncated file: eof = 100, ..."). Call it right after
/// the failing HDF5 call; it consumes the error stack.
HDF5Error hdf5_failure(const std::string& what);

/// How a layer boundary adds its step to an error on the way up. Called
/// inside a catch block: rethrows the h5archive::Error being handled as the
/// same type (so callers still catch NotFoundError, SecurityError, ...) with
/// the message "<step>: <original message>"; any other exception is
/// rethrown unchanged. The step is built only when something failed.
[[noreturn]] void rethrow_with_step(std::string_view step);

}  // namespace h5archive
