// Object wrappers and the wrap_cls callbacks the library uses to wrap objects
// it gets from the terminal connector (iteration, external links, references).
#include <new>

#include "vol_internal.hpp"

namespace h5archive::vol {

Object* wrap(void* under, hid_t under_vol_id) {
  if (!under) return nullptr;
  auto* object = new Object{under, under_vol_id};
  H5Iinc_ref(under_vol_id);
  return object;
}

void release(Object* object) {
  if (!object) return;
  // Dropping the reference is an API call, which would clear errors the
  // connector below just reported.
  preserving_errors([object] { H5Idec_ref(object->under_vol_id); });
  delete object;
}

namespace {

/// What get_wrap_ctx hands out: the connector below and its own context.
struct WrapContext {
  hid_t under_vol_id;
  void* under_wrap_ctx;
};

void* get_object(const void* obj) {
  return guarded<void*>(nullptr, [&] {
    const auto* o = static_cast<const Object*>(obj);
    return H5VLget_object(o->under, o->under_vol_id);
  });
}

herr_t get_wrap_ctx(const void* obj, void** wrap_ctx) {
  return guarded<herr_t>(-1, [&]() -> herr_t {
    const auto* o = static_cast<const Object*>(obj);
    auto* ctx = new WrapContext{o->under_vol_id, nullptr};
    if (H5VLget_wrap_ctx(o->under, o->under_vol_id, &ctx->under_wrap_ctx) < 0) {
      delete ctx;
      return -1;
    }
    H5Iinc_ref(ctx->under_vol_id);
    *wrap_ctx = ctx;
    return 0;
  });
}

void* wrap_object(void* obj, H5I_type_t obj_type, void* wrap_ctx) {
  return guarded<void*>(nullptr, [&]() -> void* {
    auto* ctx = static_cast<WrapContext*>(wrap_ctx);
    void* under = H5VLwrap_object(obj, obj_type, ctx->under_vol_id, ctx->under_wrap_ctx);
    return wrap(under, ctx->under_vol_id);
  });
}

void* unwrap_object(void* obj) {
  return guarded<void*>(nullptr, [&] {
    auto* o = as_object(obj);
    void* under = H5VLunwrap_object(o->under, o->under_vol_id);
    if (under) release(o);
    return under;
  });
}

herr_t free_wrap_ctx(void* wrap_ctx) {
  return guarded<herr_t>(-1, [&] {
    auto* ctx = static_cast<WrapContext*>(wrap_ctx);
    herr_t status = 0;
    preserving_errors([&] {
      status = H5VLfree_wrap_ctx(ctx->under_wrap_ctx, ctx->under_vol_id);
      H5Idec_ref(ctx->under_vol_id);
    });
    delete ctx;
    return status;
  });
}

}  // namespace

const H5VL_wrap_class_t wrap_class = {
    .get_object = get_object,
    .get_wrap_ctx = get_wrap_ctx,
    .wrap_object = wrap_object,
    .unwrap_object = unwrap_object,
    .free_wrap_ctx = free_wrap_ctx,
};

}  // namespace h5archive::vol
