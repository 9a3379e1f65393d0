// libFuzzer target: the VOL connector's info-string parser
// (connector/src/info_string.cpp, compiled in). Properties:
// - parse_info either succeeds or throws VolError (nothing else escapes);
// - what it accepts prints canonically, and the canonical form parses to the
//   same info and prints the same again (from_str -> to_str -> from_str).
#include <H5VLpassthru.h>
#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "vol_internal.hpp"

namespace vol = h5archive::vol;

namespace {

using InfoPtr = std::unique_ptr<vol::Info, decltype(&vol::free_info)>;

InfoPtr parse(std::string_view text) { return InfoPtr(vol::parse_info(text), &vol::free_info); }

/// Once per process: no error-stack printing, and no plugin folder to search,
/// so `under_vol=<name>` cannot load anything from the machine.
bool init() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  setenv("HDF5_PLUGIN_PATH", "/nonexistent-h5archive-fuzz", 1);
  return H5open() >= 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool ready = init();
  if (!ready) __builtin_trap();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // HDF5 hands the connector a C string: text after a NUL never reaches it.
  if (text.find('\0') != std::string_view::npos) return 0;

  InfoPtr first(nullptr, &vol::free_info);
  try {
    first = parse(text);
  } catch (const vol::VolError&) {
    return 0;
  }
  const std::string canonical = vol::format_info(*first);
  InfoPtr second(nullptr, &vol::free_info);
  try {
    second = parse(canonical);
  } catch (const vol::VolError&) {
    __builtin_trap();  // the canonical form of an accepted info is refused
  }
  if (second->staging != first->staging) __builtin_trap();       // the round trip changed a key
  if (vol::format_info(*second) != canonical) __builtin_trap();  // not canonical
  return 0;
}
