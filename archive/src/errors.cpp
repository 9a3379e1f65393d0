// Public access to the HDF5 failure messages the library builds itself.
#include "h5archive/errors.hpp"

#include "hdf5_handle.hpp"

namespace h5archive {

HDF5Error hdf5_failure(const std::string& what) { return detail::hdf5_error(what); }

}  // namespace h5archive
