// info_cls callbacks: copy, compare, free and (de)serialise the connector info.
#include <cstring>
#include <memory>

#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

void* info_copy(const void* info) {
  return guarded<void*>(nullptr, [&]() -> void* {
    if (!info) return make_default_info();
    return copy_info(*static_cast<const Info*>(info));
  });
}

herr_t info_cmp(int* cmp_value, const void* a, const void* b) {
  return guarded<herr_t>(-1, [&]() -> herr_t {
    const auto* x = static_cast<const Info*>(a);
    const auto* y = static_cast<const Info*>(b);
    *cmp_value = 0;
    if (!x || !y) {
      *cmp_value = (x != nullptr) - (y != nullptr);
      return 0;
    }
    if (H5VLcmp_connector_cls(cmp_value, x->under_vol_id, y->under_vol_id) < 0) return -1;
    if (*cmp_value != 0) return 0;
    if (H5VLcmp_connector_info(cmp_value, x->under_vol_id, x->under_vol_info, y->under_vol_info) <
        0)
      return -1;
    if (*cmp_value != 0) return 0;
    auto order = [](const auto& l, const auto& r) { return l < r ? -1 : (r < l ? 1 : 0); };
    const auto& xs = x->staging;
    const auto& ys = y->staging;
    if ((*cmp_value = order(xs.root, ys.root)) != 0) return 0;
    if ((*cmp_value = order(xs.prefix_size, ys.prefix_size)) != 0) return 0;
    *cmp_value = order(xs.upload, ys.upload);
    return 0;
  });
}

herr_t info_free(void* info) {
  return guarded<herr_t>(-1, [&] {
    free_info(static_cast<Info*>(info));
    return herr_t{0};
  });
}

herr_t info_to_str(const void* info, char** str) {
  return guarded<herr_t>(-1, [&]() -> herr_t {
    *str = nullptr;
    std::unique_ptr<Info, decltype(&free_info)> defaults(nullptr, &free_info);
    if (!info) defaults.reset(make_default_info());
    const std::string text = format_info(info ? *static_cast<const Info*>(info) : *defaults);
    // The library releases the string with H5free_memory.
    auto* out = static_cast<char*>(H5allocate_memory(text.size() + 1, false));
    if (!out) throw std::bad_alloc();
    std::memcpy(out, text.c_str(), text.size() + 1);
    *str = out;
    return 0;
  });
}

herr_t info_from_str(const char* str, void** info) {
  return guarded<herr_t>(-1, [&] {
    *info = parse_info(str ? str : "");
    return herr_t{0};
  });
}

}  // namespace

const H5VL_info_class_t info_class = {
    .size = sizeof(Info),
    .copy = info_copy,
    .cmp = info_cmp,
    .free = info_free,
    .to_str = info_to_str,
    .from_str = info_from_str,
};

}  // namespace h5archive::vol
