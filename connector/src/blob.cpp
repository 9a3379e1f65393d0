// Blobs (variable-length data, references): forwarded on the file below.
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

herr_t blob_put(void* obj, const void* buf, size_t size, void* blob_id, void* ctx) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    return H5VLblob_put(o->under, o->under_vol_id, buf, size, blob_id, ctx);
  });
}

herr_t blob_get(void* obj, const void* blob_id, void* buf, size_t size, void* ctx) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    return H5VLblob_get(o->under, o->under_vol_id, blob_id, buf, size, ctx);
  });
}

herr_t blob_specific(void* obj, void* blob_id, H5VL_blob_specific_args_t* args) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    return H5VLblob_specific(o->under, o->under_vol_id, blob_id, args);
  });
}

herr_t blob_optional(void* obj, void* blob_id, H5VL_optional_args_t* args) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    return H5VLblob_optional(o->under, o->under_vol_id, blob_id, args);
  });
}

}  // namespace

const H5VL_blob_class_t blob_class = {
    .put = blob_put,
    .get = blob_get,
    .specific = blob_specific,
    .optional = blob_optional,
};

}  // namespace h5archive::vol
