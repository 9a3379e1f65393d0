// Link callbacks: forwarded to the connector below. Source and destination
// objects may be NULL (H5L_SAME_LOC); a hard link's target is one of ours.
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

/// The connector below of whichever of two (possibly NULL) objects is given.
hid_t under_vol_of(void* a, void* b) {
  if (a) return as_object(a)->under_vol_id;
  if (b) return as_object(b)->under_vol_id;
  throw VolError(ErrorKind::failure, "link operation without any object");
}

herr_t link_create(H5VL_link_create_args_t* args, void* obj, const H5VL_loc_params_t* loc_params,
                   hid_t lcpl_id, hid_t lapl_id, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    H5VL_link_create_args_t local = *args;
    void* target = local.op_type == H5VL_LINK_CREATE_HARD ? local.args.hard.curr_obj : nullptr;
    const hid_t vol_id = under_vol_of(obj, target);
    if (target) local.args.hard.curr_obj = as_object(target)->under;
    herr_t status =
        H5VLlink_create(&local, under_of(obj), loc_params, vol_id, lcpl_id, lapl_id, dxpl_id, req);
    wrap_request(req, vol_id);
    return status;
  });
}

herr_t link_copy(void* src_obj, const H5VL_loc_params_t* loc_params1, void* dst_obj,
                 const H5VL_loc_params_t* loc_params2, hid_t lcpl_id, hid_t lapl_id, hid_t dxpl_id,
                 void** req) {
  return guarded<herr_t>(-1, [&] {
    const hid_t vol_id = under_vol_of(src_obj, dst_obj);
    herr_t status = H5VLlink_copy(under_of(src_obj), loc_params1, under_of(dst_obj), loc_params2,
                                  vol_id, lcpl_id, lapl_id, dxpl_id, req);
    wrap_request(req, vol_id);
    return status;
  });
}

herr_t link_move(void* src_obj, const H5VL_loc_params_t* loc_params1, void* dst_obj,
                 const H5VL_loc_params_t* loc_params2, hid_t lcpl_id, hid_t lapl_id, hid_t dxpl_id,
                 void** req) {
  return guarded<herr_t>(-1, [&] {
    const hid_t vol_id = under_vol_of(src_obj, dst_obj);
    herr_t status = H5VLlink_move(under_of(src_obj), loc_params1, under_of(dst_obj), loc_params2,
                                  vol_id, lcpl_id, lapl_id, dxpl_id, req);
    wrap_request(req, vol_id);
    return status;
  });
}

herr_t link_get(void* obj, const H5VL_loc_params_t* loc_params, H5VL_link_get_args_t* args,
                hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLlink_get(o->under, loc_params, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t link_specific(void* obj, const H5VL_loc_params_t* loc_params,
                     H5VL_link_specific_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLlink_specific(o->under, loc_params, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t link_optional(void* obj, const H5VL_loc_params_t* loc_params, H5VL_optional_args_t* args,
                     hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLlink_optional(o->under, loc_params, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

}  // namespace

const H5VL_link_class_t link_class = {
    .create = link_create,
    .copy = link_copy,
    .move = link_move,
    .get = link_get,
    .specific = link_specific,
    .optional = link_optional,
};

}  // namespace h5archive::vol
