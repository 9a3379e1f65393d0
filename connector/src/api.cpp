// The public C API (h5archive_vol.h) for applications that link the connector.
#include "h5archive_vol.h"

#include <memory>

#include "vol_internal.hpp"

using namespace h5archive::vol;

hid_t h5archive_vol_register(void) {
  return guarded<hid_t>(H5I_INVALID_HID, [] {
    // Registering by class is idempotent: an already loaded plugin of the
    // same name just gains a reference.
    return H5VLregister_connector(&connector_class, H5P_DEFAULT);
  });
}

herr_t H5Pset_fapl_h5archive(hid_t fapl_id, const char* root) {
  const hid_t vol_id = h5archive_vol_register();
  if (vol_id < 0) return -1;
  herr_t status = guarded<herr_t>(-1, [&] {
    std::unique_ptr<Info, decltype(&free_info)> info(make_default_info(), &free_info);
    if (root && *root) info->staging.root = root;
    return H5Pset_vol(fapl_id, vol_id, info.get());  // copies the info
  });
  preserving_errors([vol_id] { H5VLclose(vol_id); });
  return status;
}

herr_t H5Pset_fapl_h5archive_info(hid_t fapl_id, const char* info_string) {
  const hid_t vol_id = h5archive_vol_register();
  if (vol_id < 0) return -1;
  herr_t status = guarded<herr_t>(-1, [&]() -> herr_t {
    std::unique_ptr<Info, decltype(&free_info)> info(parse_info(info_string ? info_string : ""),
                                                     &free_info);
    return H5Pset_vol(fapl_id, vol_id, info.get());
  });
  preserving_errors([vol_id] { H5VLclose(vol_id); });
  return status;
}
