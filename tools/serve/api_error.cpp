#include "api_error.hpp"

#include "h5archive/errors.hpp"

namespace h5archive::serve {

std::recursive_mutex& hdf5_mutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

Id checked_id(hid_t id, const std::string& what) {
  if (id < 0) throw ApiError(500, hdf5_failure(what).what());
  return Id(id);
}

}  // namespace h5archive::serve
