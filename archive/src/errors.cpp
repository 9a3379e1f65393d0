// Public access to the HDF5 failure messages the library builds itself.
#include "h5archive/errors.hpp"

#include "h5archive/hdf5.hpp"

namespace h5archive {

HDF5Error hdf5_failure(const std::string& what) { return hdf5::error(what); }

}  // namespace h5archive
