// Object tokens: the connector below defines them; we only forward.
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

herr_t token_cmp(void* obj, const H5O_token_t* token1, const H5O_token_t* token2, int* cmp_value) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    return H5VLtoken_cmp(o->under, o->under_vol_id, token1, token2, cmp_value);
  });
}

herr_t token_to_str(void* obj, H5I_type_t obj_type, const H5O_token_t* token, char** token_str) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    return H5VLtoken_to_str(o->under, obj_type, o->under_vol_id, token, token_str);
  });
}

herr_t token_from_str(void* obj, H5I_type_t obj_type, const char* token_str, H5O_token_t* token) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    return H5VLtoken_from_str(o->under, obj_type, o->under_vol_id, token_str, token);
  });
}

}  // namespace

const H5VL_token_class_t token_class = {
    .cmp = token_cmp,
    .to_str = token_to_str,
    .from_str = token_from_str,
};

}  // namespace h5archive::vol
