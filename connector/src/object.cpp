// Object (H5O) callbacks: forwarded to the connector below, results wrapped.
#include "h5archive/staging_driver.hpp"
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

void* object_open(void* obj, const H5VL_loc_params_t* loc_params, H5I_type_t* opened_type,
                  hid_t dxpl_id, void** req) {
  return guarded<void*>(nullptr, [&] {
    auto* o = as_object(obj);
    h5archive::take_staging_refusal();
    void* under = H5VLobject_open(o->under, loc_params, o->under_vol_id, opened_type, dxpl_id, req);
    const char* name = loc_params && loc_params->type == H5VL_OBJECT_BY_NAME
                           ? loc_params->loc_data.loc_by_name.name
                           : nullptr;
    if (!under) report_refused_target("open", name ? name : "(object)");
    if (under && opened_type && *opened_type == H5I_DATASET) {
      try {
        refuse_unsafe_storage(under, o->under_vol_id, name, dxpl_id);
      } catch (...) {
        preserving_errors([&] { H5VLdataset_close(under, o->under_vol_id, dxpl_id, nullptr); });
        throw;
      }
    }
    wrap_request(req, o->under_vol_id);
    return wrap(under, o->under_vol_id);
  });
}

herr_t object_copy(void* src_obj, const H5VL_loc_params_t* loc_params1, const char* src_name,
                   void* dst_obj, const H5VL_loc_params_t* loc_params2, const char* dst_name,
                   hid_t ocpypl_id, hid_t lcpl_id, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* src = as_object(src_obj);
    herr_t status =
        H5VLobject_copy(src->under, loc_params1, src_name, under_of(dst_obj), loc_params2, dst_name,
                        src->under_vol_id, ocpypl_id, lcpl_id, dxpl_id, req);
    wrap_request(req, src->under_vol_id);
    return status;
  });
}

herr_t object_get(void* obj, const H5VL_loc_params_t* loc_params, H5VL_object_get_args_t* args,
                  hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLobject_get(o->under, loc_params, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t object_specific(void* obj, const H5VL_loc_params_t* loc_params,
                       H5VL_object_specific_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    // A refresh closes and reopens the object: `o` may be gone afterwards.
    const hid_t under_vol_id = o->under_vol_id;
    herr_t status = H5VLobject_specific(o->under, loc_params, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, under_vol_id);
    return status;
  });
}

herr_t object_optional(void* obj, const H5VL_loc_params_t* loc_params, H5VL_optional_args_t* args,
                       hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLobject_optional(o->under, loc_params, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

}  // namespace

const H5VL_object_class_t object_class = {
    .open = object_open,
    .copy = object_copy,
    .get = object_get,
    .specific = object_specific,
    .optional = object_optional,
};

}  // namespace h5archive::vol
