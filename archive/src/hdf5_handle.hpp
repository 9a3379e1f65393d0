// Internal: RAII ownership of HDF5 ids and conversion of the HDF5 error stack
// into h5archive exceptions. Not installed; used by archive/src and unit tests.
#pragma once

#include <hdf5.h>

#include <string>
#include <utility>

#include "h5archive/errors.hpp"

namespace h5archive::detail {

/// Owns one reference to an HDF5 id (file, group, dataset, type, space, plist,
/// attribute). Move-only: sharing would hide who closes. H5Idec_ref closes any
/// id class, so one type serves all of them.
class Hid {
 public:
  Hid() = default;
  /// Takes ownership of `id` (which may be H5I_INVALID_HID or negative).
  explicit Hid(hid_t id) noexcept : id_(id) {}
  Hid(Hid&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Hid& operator=(Hid&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  /// Destructors must not throw, and a close error here has nowhere to go:
  /// callers that care about it (files: the final flush) call close().
  ~Hid() noexcept { reset(); }

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }
  /// Gives up ownership without closing.
  hid_t release() noexcept { return std::exchange(id_, H5I_INVALID_HID); }
  /// Drops the reference, returning H5Idec_ref's result (negative on failure,
  /// e.g. when a file's final flush fails). The id is released either way
  /// (see release_id).
  herr_t close() noexcept {
    if (id_ < 0) return 0;
    return release_id(std::exchange(id_, H5I_INVALID_HID));
  }

 private:
  void reset() noexcept {
    if (id_ >= 0) release_id(std::exchange(id_, H5I_INVALID_HID));
  }
  // HDF5 keeps an id whose close failed (H5I keeps the entry when the close
  // callback fails) and closes it again in H5_term_library at exit. For a
  // file whose final flush failed (a full disk) that second attempt loops or
  // crashes there, while made at once it releases the id cleanly: a failed
  // file close is retried here, and the first result is the one reported,
  // with its error stack (the caller reads it). A failed dataset close has
  // already freed the dataset, so any second attempt crashes: writers make
  // sure theirs cannot fail (SpaceReservation in dataset_io_detail.hpp).
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
/// and restores the caller's handler afterwards. Used only around probes whose
/// failure is an expected answer (does this link exist?), so that a user's own
/// error handler still sees real failures.
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
/// or "" if the stack is empty. Must be called right after the failing call:
/// any other API call clears the stack. The stack is consumed.
inline std::string innermost_hdf5_error() {
  // H5Eget_current_stack hands us a copy and clears the live stack; the copy
  // must be closed or it leaks.
  hid_t stack = H5Eget_current_stack();
  if (stack < 0) return {};
  std::string description;
  auto visit = [](unsigned n, const H5E_error2_t* frame, void* out) -> herr_t {
    // Walking upward, frame 0 is the innermost one.
    if (n == 0 && frame != nullptr && frame->desc != nullptr)
      *static_cast<std::string*>(out) = frame->desc;
    return 0;
  };
  H5Ewalk2(stack, H5E_WALK_UPWARD, visit, &description);
  H5Eclear2(stack);
  H5Eclose_stack(stack);
  return description;
}

/// Builds the HDF5Error for a failed call: `what` says what we did, naming
/// the file and object; HDF5's own innermost description follows.
inline HDF5Error hdf5_error(const std::string& what) {
  std::string cause = innermost_hdf5_error();
  return HDF5Error(cause.empty() ? what : what + ": " + cause);
}

/// Takes ownership of an id returned by an HDF5 call, throwing hdf5_error(what)
/// if the call failed.
inline Hid checked(hid_t id, const std::string& what) {
  if (id < 0) throw hdf5_error(what);
  return Hid(id);
}

/// Throws hdf5_error(what) if an HDF5 call returned a negative status.
inline void check(herr_t status, const std::string& what) {
  if (status < 0) throw hdf5_error(what);
}

}  // namespace h5archive::detail
