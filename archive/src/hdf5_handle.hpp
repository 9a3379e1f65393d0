// Internal: the names archive/src and the unit tests used for the HDF5
// layer's vocabulary before it became public (h5archive/hdf5.hpp). Aliases
// only: the definitions live there, once.
#pragma once

#include <string>

#include "h5archive/errors.hpp"
#include "h5archive/hdf5.hpp"

namespace h5archive::detail {

using Hid = hdf5::Handle;
using hdf5::check;
using hdf5::checked;
using hdf5::QuietErrors;

/// hdf5::innermost_error().
inline std::string innermost_hdf5_error() { return hdf5::innermost_error(); }

/// hdf5::error(what).
inline HDF5Error hdf5_error(const std::string& what) { return hdf5::error(what); }

}  // namespace h5archive::detail
