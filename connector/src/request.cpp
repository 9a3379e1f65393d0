// Async requests: forwarded to the connector below. The library always ends a
// request with `free`, which is where our wrapper goes away.
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

herr_t request_wait(void* req, uint64_t timeout, H5VL_request_status_t* status) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(req);
    return H5VLrequest_wait(o->under, o->under_vol_id, timeout, status);
  });
}

herr_t request_notify(void* req, H5VL_request_notify_t cb, void* ctx) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(req);
    return H5VLrequest_notify(o->under, o->under_vol_id, cb, ctx);
  });
}

herr_t request_cancel(void* req, H5VL_request_status_t* status) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(req);
    return H5VLrequest_cancel(o->under, o->under_vol_id, status);
  });
}

herr_t request_specific(void* req, H5VL_request_specific_args_t* args) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(req);
    return H5VLrequest_specific(o->under, o->under_vol_id, args);
  });
}

herr_t request_optional(void* req, H5VL_optional_args_t* args) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(req);
    return H5VLrequest_optional(o->under, o->under_vol_id, args);
  });
}

herr_t request_free(void* req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(req);
    herr_t status = H5VLrequest_free(o->under, o->under_vol_id);
    if (status >= 0) release(o);
    return status;
  });
}

}  // namespace

const H5VL_request_class_t request_class = {
    .wait = request_wait,
    .notify = request_notify,
    .cancel = request_cancel,
    .specific = request_specific,
    .optional = request_optional,
    .free = request_free,
};

}  // namespace h5archive::vol
