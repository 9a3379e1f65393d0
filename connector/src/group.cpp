// Group callbacks: forwarded to the connector below, results wrapped.
#include "h5archive/staging_driver.hpp"
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

void* group_create(void* obj, const H5VL_loc_params_t* loc_params, const char* name, hid_t lcpl_id,
                   hid_t gcpl_id, hid_t gapl_id, hid_t dxpl_id, void** req) {
  return guarded<void*>(nullptr, [&] {
    auto* o = as_object(obj);
    void* under = H5VLgroup_create(o->under, loc_params, o->under_vol_id, name, lcpl_id, gcpl_id,
                                   gapl_id, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return wrap(under, o->under_vol_id);
  });
}

void* group_open(void* obj, const H5VL_loc_params_t* loc_params, const char* name, hid_t gapl_id,
                 hid_t dxpl_id, void** req) {
  return guarded<void*>(nullptr, [&] {
    auto* o = as_object(obj);
    h5archive::take_staging_refusal();
    void* under =
        H5VLgroup_open(o->under, loc_params, o->under_vol_id, name, gapl_id, dxpl_id, req);
    if (!under) report_refused_target("open", name);
    wrap_request(req, o->under_vol_id);
    return wrap(under, o->under_vol_id);
  });
}

herr_t group_get(void* obj, H5VL_group_get_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLgroup_get(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t group_specific(void* obj, H5VL_group_specific_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    // A file to mount is one of our objects; the connector below needs its own.
    H5VL_group_specific_args_t local = *args;
    if (local.op_type == H5VL_GROUP_MOUNT)
      local.args.mount.child_file = under_of(local.args.mount.child_file);
    // A refresh closes and reopens the object: `o` may be gone afterwards.
    const hid_t under_vol_id = o->under_vol_id;
    herr_t status = H5VLgroup_specific(o->under, o->under_vol_id, &local, dxpl_id, req);
    wrap_request(req, under_vol_id);
    return status;
  });
}

herr_t group_optional(void* obj, H5VL_optional_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLgroup_optional(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t group_close(void* grp, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(grp);
    herr_t status = H5VLgroup_close(o->under, o->under_vol_id, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    if (status >= 0) release(o);
    return status;
  });
}

}  // namespace

const H5VL_group_class_t group_class = {
    .create = group_create,
    .open = group_open,
    .get = group_get,
    .specific = group_specific,
    .optional = group_optional,
    .close = group_close,
};

}  // namespace h5archive::vol
