// The h5archive connector class: assembles the per-class callback tables and
// exports the two plugin entry points HDF5's plugin loader looks up.
#include <H5PLextern.h>

#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

herr_t initialize(hid_t /*vipl_id*/) {
  // Only the error class: no files, no environment, nothing that a plugin
  // probe (which registers every plugin it finds) would regret. That probe
  // follows a failed native open, so the stack saying why it failed (h5py
  // raises FileNotFoundError from its "errno = 2") must survive the API calls.
  return guarded<herr_t>(-1, [] {
    preserving_errors(register_errors);
    return herr_t{0};
  });
}

herr_t terminate() {
  // After a probe that found nothing HDF5 unregisters the plugin at once.
  return guarded<herr_t>(-1, [] {
    preserving_errors(unregister_errors);
    return herr_t{0};
  });
}

}  // namespace

herr_t generic_optional(void* obj, H5VL_optional_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLoptional(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

const H5VL_class_t connector_class = {
    .version = H5VL_VERSION,
    .value = kValue,
    .name = kName,
    .conn_version = kConnectorVersion,
    .cap_flags = H5VL_CAP_FLAG_NONE,  // what we add to the connector below: nothing
    .initialize = initialize,
    .terminate = terminate,
    .info_cls = info_class,
    .wrap_cls = wrap_class,
    .attr_cls = attr_class,
    .dataset_cls = dataset_class,
    .datatype_cls = datatype_class,
    .file_cls = file_class,
    .group_cls = group_class,
    .link_cls = link_class,
    .object_cls = object_class,
    .introspect_cls = introspect_class,
    .request_cls = request_class,
    .blob_cls = blob_class,
    .token_cls = token_class,
    .optional = generic_optional,
};

}  // namespace h5archive::vol

H5PL_type_t H5PLget_plugin_type(void) { return H5PL_TYPE_VOL; }
const void* H5PLget_plugin_info(void) { return &h5archive::vol::connector_class; }
