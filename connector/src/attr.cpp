// Attribute callbacks: forwarded to the connector below, results wrapped.
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

void* attr_create(void* obj, const H5VL_loc_params_t* loc_params, const char* name, hid_t type_id,
                  hid_t space_id, hid_t acpl_id, hid_t aapl_id, hid_t dxpl_id, void** req) {
  return guarded<void*>(nullptr, [&] {
    auto* o = as_object(obj);
    void* under = H5VLattr_create(o->under, loc_params, o->under_vol_id, name, type_id, space_id,
                                  acpl_id, aapl_id, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return wrap(under, o->under_vol_id);
  });
}

void* attr_open(void* obj, const H5VL_loc_params_t* loc_params, const char* name, hid_t aapl_id,
                hid_t dxpl_id, void** req) {
  return guarded<void*>(nullptr, [&] {
    auto* o = as_object(obj);
    void* under = H5VLattr_open(o->under, loc_params, o->under_vol_id, name, aapl_id, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return wrap(under, o->under_vol_id);
  });
}

herr_t attr_read(void* attr, hid_t mem_type_id, void* buf, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(attr);
    herr_t status = H5VLattr_read(o->under, o->under_vol_id, mem_type_id, buf, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t attr_write(void* attr, hid_t mem_type_id, const void* buf, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(attr);
    herr_t status = H5VLattr_write(o->under, o->under_vol_id, mem_type_id, buf, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t attr_get(void* obj, H5VL_attr_get_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLattr_get(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t attr_specific(void* obj, const H5VL_loc_params_t* loc_params,
                     H5VL_attr_specific_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLattr_specific(o->under, loc_params, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t attr_optional(void* obj, H5VL_optional_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLattr_optional(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t attr_close(void* attr, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(attr);
    herr_t status = H5VLattr_close(o->under, o->under_vol_id, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    if (status >= 0) release(o);
    return status;
  });
}

}  // namespace

const H5VL_attr_class_t attr_class = {
    .create = attr_create,
    .open = attr_open,
    .read = attr_read,
    .write = attr_write,
    .get = attr_get,
    .specific = attr_specific,
    .optional = attr_optional,
    .close = attr_close,
};

}  // namespace h5archive::vol
