#include "api_error.hpp"

namespace h5archive::serve {

std::recursive_mutex& hdf5_mutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

}  // namespace h5archive::serve
