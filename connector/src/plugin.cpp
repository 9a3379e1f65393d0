// Plugin entry points of the h5archive VOL connector (filled by the connector issue).
#include <H5PLextern.h>
#include <hdf5.h>

static_assert(H5VL_VERSION == 3, "h5archive targets the HDF5 1.14 VOL API");
