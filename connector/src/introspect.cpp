// Introspection: our class at the current level, the terminal one below it;
// capability flags and optional-operation support are those of the connector
// below (ours adds none, it only renames files).
#include <memory>

#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

herr_t get_conn_cls(void* obj, H5VL_get_conn_lvl_t lvl, const H5VL_class_t** conn_cls) {
  return guarded<herr_t>(-1, [&]() -> herr_t {
    if (lvl == H5VL_GET_CONN_LVL_CURR) {
      *conn_cls = &connector_class;
      return 0;
    }
    auto* o = as_object(obj);
    return H5VLintrospect_get_conn_cls(o->under, o->under_vol_id, lvl, conn_cls);
  });
}

herr_t get_cap_flags(const void* info, uint64_t* cap_flags) {
  return guarded<herr_t>(-1, [&]() -> herr_t {
    // The info may be NULL (a fapl set without info): then native is below.
    std::unique_ptr<Info, decltype(&free_info)> defaults(nullptr, &free_info);
    const auto* i = static_cast<const Info*>(info);
    if (!i) {
      defaults.reset(make_default_info());
      i = defaults.get();
    }
    if (H5VLintrospect_get_cap_flags(i->under_vol_info, i->under_vol_id, cap_flags) < 0) return -1;
    *cap_flags |= connector_class.cap_flags;
    return 0;
  });
}

herr_t opt_query(void* obj, H5VL_subclass_t cls, int opt_type, uint64_t* flags) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    return H5VLintrospect_opt_query(o->under, o->under_vol_id, cls, opt_type, flags);
  });
}

}  // namespace

const H5VL_introspect_class_t introspect_class = {
    .get_conn_cls = get_conn_cls,
    .get_cap_flags = get_cap_flags,
    .opt_query = opt_query,
};

}  // namespace h5archive::vol
