// Errors the h5grove API answers with: an HTTP status and the message that
// goes into h5grove's error body {"message": ...}.
#pragma once

#include <hdf5.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include "h5archive/errors.hpp"
#include "h5archive/hdf5.hpp"

namespace h5archive::serve {

/// A request the API refuses: `status` is the HTTP status (404 missing file
/// or path, 403 outside the boundary, 413 too large, 422 bad argument, ...).
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

/// The HDF5 library this project builds is not thread-safe (no
/// H5_HAVE_THREADSAFE): every HDF5 call of the server, and every close of an
/// HDF5 id, happens while holding this lock. Parsing requests and sending
/// bytes do not, so the thread pool still overlaps network and HDF5 work.
/// Recursive: a streamed reply that fails while it is being built closes
/// its ids (taking the lock) while the request still holds it.
std::recursive_mutex& hdf5_mutex();

/// Owns one HDF5 id; whoever destroys or resets one holds hdf5_mutex().
using Id = hdf5::Handle;

/// `id` owned, or ApiError(500) naming `what` and HDF5's reason when HDF5
/// returned an error. `what` is a string or a callable returning one,
/// described only on failure (hdf5::checked).
template <hdf5::Describer F>
Id checked_id(hid_t id, F&& what) {
  try {
    return hdf5::checked(id, std::forward<F>(what));
  } catch (const HDF5Error& e) {
    throw ApiError(500, e.what());
  }
}

}  // namespace h5archive::serve
