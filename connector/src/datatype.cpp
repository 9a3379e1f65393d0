// Committed datatype callbacks: forwarded to the connector below, results wrapped.
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

void* datatype_commit(void* obj, const H5VL_loc_params_t* loc_params, const char* name,
                      hid_t type_id, hid_t lcpl_id, hid_t tcpl_id, hid_t tapl_id, hid_t dxpl_id,
                      void** req) {
  return guarded<void*>(nullptr, [&] {
    auto* o = as_object(obj);
    void* under = H5VLdatatype_commit(o->under, loc_params, o->under_vol_id, name, type_id, lcpl_id,
                                      tcpl_id, tapl_id, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return wrap(under, o->under_vol_id);
  });
}

void* datatype_open(void* obj, const H5VL_loc_params_t* loc_params, const char* name, hid_t tapl_id,
                    hid_t dxpl_id, void** req) {
  return guarded<void*>(nullptr, [&] {
    auto* o = as_object(obj);
    void* under =
        H5VLdatatype_open(o->under, loc_params, o->under_vol_id, name, tapl_id, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return wrap(under, o->under_vol_id);
  });
}

herr_t datatype_get(void* obj, H5VL_datatype_get_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLdatatype_get(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t datatype_specific(void* obj, H5VL_datatype_specific_args_t* args, hid_t dxpl_id,
                         void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    // A refresh closes and reopens the object: `o` may be gone afterwards.
    const hid_t under_vol_id = o->under_vol_id;
    herr_t status = H5VLdatatype_specific(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, under_vol_id);
    return status;
  });
}

herr_t datatype_optional(void* obj, H5VL_optional_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLdatatype_optional(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t datatype_close(void* dt, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(dt);
    herr_t status = H5VLdatatype_close(o->under, o->under_vol_id, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    if (status >= 0) release(o);
    return status;
  });
}

}  // namespace

const H5VL_datatype_class_t datatype_class = {
    .commit = datatype_commit,
    .open = datatype_open,
    .get = datatype_get,
    .specific = datatype_specific,
    .optional = datatype_optional,
    .close = datatype_close,
};

}  // namespace h5archive::vol
