// The HDF5 layer's public vocabulary, for code that calls the HDF5 C API
// beside the library (the CLI, the benchmarks, the h5grove server, tests):
// one owner of HDF5 ids, checked calls that turn a failure into an HDF5Error
// carrying HDF5's own reason, and in-file paths as values.
//
//   using namespace h5archive::hdf5;
//   Handle f = checked(H5Fopen(name, H5F_ACC_RDONLY, H5P_DEFAULT), "Opening the file");
//   const InFilePath path("data//value/");          // "/data/value"
//   Handle d = checked(H5Dopen2(f.get(), path.str().c_str(), H5P_DEFAULT),
//                      [&] { return "Opening " + path.str() + " in " + name; });
//   check(H5Dread(d.get(), ...), [&] { return "Reading " + path.str(); });
// A message given as a lambda is built only when the call fails.
#pragma once

#include <hdf5.h>

#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "h5archive/errors.hpp"

namespace h5archive::hdf5 {

/// Owns one reference to an HDF5 id (file, group, dataset, type, space,
/// property list, attribute, connector). Move-only: sharing would hide who
/// closes. H5Idec_ref closes any id class, so one type serves all of them.
class Handle {
 public:
  Handle() = default;
  /// Takes ownership of `id` (which may be H5I_INVALID_HID or negative: then
  /// it owns nothing).
  explicit Handle(hid_t id) noexcept : id_(id) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  /// Destructors must not throw, and a close error here has nowhere to go:
  /// callers that care about it (files: the final flush) call close().
  ~Handle() noexcept { reset(); }

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }
  /// Gives up ownership without closing.
  [[nodiscard]] hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }
  /// Drops the reference, returning H5Idec_ref's result (negative on failure,
  /// e.g. when a file's final flush fails; HDF5's error stack says why). The
  /// handle owns nothing afterwards either way.
  herr_t close() noexcept {
    if (id_ < 0) return 0;
    return release_id(std::exchange(id_, H5I_INVALID_HID));
  }
  /// Drops the reference, ignoring a failure (use close() to see it).
  void reset() noexcept {
    if (id_ >= 0) release_id(std::exchange(id_, H5I_INVALID_HID));
  }

 private:
  // HDF5 keeps an id whose close failed (H5I keeps the entry when the close
  // callback fails) and closes it again in H5_term_library at exit. For a
  // file whose final flush failed (a full disk) that second attempt loops or
  // crashes there, while made at once it releases the id cleanly: a failed
  // file close is retried here, and the first result is the one reported,
  // with its error stack (the caller reads it). A failed dataset close has
  // already freed the dataset, so any second attempt crashes: the library's
  // writers make sure theirs cannot fail (SpaceReservation).
  static herr_t release_id(hid_t id) noexcept {
    const bool file = H5Iget_type(id) == H5I_FILE;
    if (H5Idec_ref(id) >= 0) return 0;
    if (!file) return -1;
    const hid_t stack = H5Eget_current_stack();
    if (H5Iis_valid(id) > 0) H5Idec_ref(id);
    if (stack >= 0) H5Eset_current_stack(stack);  // also closes the copy
    return -1;
  }
  hid_t id_ = H5I_INVALID_HID;
};

/// Turns HDF5's automatic error printing off for the lifetime of the object
/// and restores the caller's handler afterwards. For probes whose failure is
/// an expected answer (does this link exist?), so that a user's own error
/// handler still sees real failures.
class QuietErrors {
 public:
  QuietErrors() noexcept {
    if (H5Eget_auto2(H5E_DEFAULT, &func_, &data_) < 0) func_ = nullptr;
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() noexcept { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

/// The description of the innermost frame of the current HDF5 error stack
/// (where the failure was detected; a VOL connector puts its own text there),
/// or "" if the stack is empty. Call it right after the failing call: any
/// other API call clears the stack. The stack is consumed.
std::string innermost_error();

/// The HDF5Error for a call that just failed: `what` (what we did, naming
/// the file and object), then ": " and HDF5's innermost description if any.
/// The same as h5archive::hdf5_failure.
HDF5Error error(const std::string& what);

/// A description of what a call did, built only when it failed: a string, or
/// a callable returning one (for messages that cost something to build).
template <class F>
concept Describer = std::convertible_to<F, std::string> || requires(F f) {
  { f() } -> std::convertible_to<std::string>;
};

namespace internal {
template <Describer F>
std::string describe(F&& what) {
  if constexpr (std::convertible_to<F, std::string>)
    return std::string(std::forward<F>(what));
  else
    return std::string(what());
}
}  // namespace internal

/// Throws error(what) if an HDF5 call returned a negative status.
template <Describer F>
void check(herr_t status, F&& what) {
  if (status < 0) [[unlikely]]
    throw error(internal::describe(std::forward<F>(what)));
}

/// Takes ownership of an id an HDF5 call returned, throwing error(what) if
/// the call failed (a negative id).
template <Describer F>
[[nodiscard]] Handle checked(hid_t id, F&& what) {
  if (id < 0) [[unlikely]]
    throw error(internal::describe(std::forward<F>(what)));
  return Handle(id);
}

/// A path inside an HDF5 file, as a value: its components. HDF5 resolves
/// "a/b", "/a/b", "a//b" and "/a/b/" to the same object (and NOMAD hands
/// paths to h5py unchanged), so parsing drops empty parts: a leading, a
/// doubled and a trailing '/' change nothing. The text form is always
/// absolute and canonical: "/a/b", "/" for the root. A path names objects
/// by link names, so a part never contains '/' and is never empty.
class InFilePath {
 public:
  /// The root group, "/".
  InFilePath() = default;
  /// Parses `path` ("" and "/" are the root).
  explicit InFilePath(std::string_view path);
  /// The path made of `parts`, each parsed as above (so {"a/b", "c"} is
  /// "/a/b/c" and empty parts vanish).
  static InFilePath from_parts(const std::vector<std::string>& parts);

  const std::vector<std::string>& parts() const noexcept { return parts_; }
  std::size_t size() const noexcept { return parts_.size(); }
  bool is_root() const noexcept { return parts_.empty(); }
  /// The last part ("" for the root).
  const std::string& name() const noexcept;
  /// All but the last part; the root's parent is the root.
  InFilePath parent() const;
  /// The first `n` parts (all of them if n is larger).
  InFilePath prefix(std::size_t n) const;
  /// Whether `other` is this path or lies below it (everything lies below
  /// the root).
  bool contains(const InFilePath& other) const noexcept;
  /// "/a/b"; "/" for the root.
  std::string str() const;

  /// This path with `relative` appended, `relative` parsed as above ("c/d"
  /// adds two parts; a leading '/' does not make it absolute).
  InFilePath operator/(std::string_view relative) const;
  InFilePath operator/(const InFilePath& relative) const;
  InFilePath& operator/=(std::string_view relative);
  InFilePath& operator/=(const InFilePath& relative);

  friend bool operator==(const InFilePath&, const InFilePath&) = default;

 private:
  std::vector<std::string> parts_;
};

}  // namespace h5archive::hdf5
