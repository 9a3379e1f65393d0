// The connector's info and its string form
//   root=DIR;prefix_size=N;upload=ID;under_vol=V;under_info={...}
// The staging keys and the syntax (braces, escapes) are the library's
// StagingConfig; this file adds the connector below. Parsing has no side
// effect other than registering the connector below (which the library needs
// to parse its info).
#include <charconv>
#include <memory>
#include <string>

#include "h5archive/errors.hpp"
#include "h5archive/staging_config.hpp"
#include "hdf5_compat.hpp"
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

[[noreturn]] void fail(std::string message) {
  throw VolError(ErrorKind::bad_info, "h5archive info string: " + std::move(message));
}

// The keys of the connector below; the staging keys are the library's.
constexpr std::string_view kUnderKeys[] = {"under_vol", "under_info"};
constexpr std::string_view kAllKeys[] = {"root", "prefix_size", "upload", "under_vol",
                                         "under_info"};

// The pairs of an info string, the library's errors worded as ours.
h5archive::InfoPairs split(std::string_view text) {
  try {
    return h5archive::split_info_string(text, kAllKeys);
  } catch (const h5archive::Error& e) {
    fail(e.what());
  }
}

const std::string* find(const h5archive::InfoPairs& pairs, std::string_view key) {
  for (const auto& [k, v] : pairs)
    if (k == key) return &v;
  return nullptr;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

hid_t load_under_connector(const std::string& s) {
  if (s.empty()) fail("key 'under_vol': empty value");
  unsigned value = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, value);
  hid_t id = H5I_INVALID_HID;
  H5E_BEGIN_TRY {
    if (ec == std::errc() && ptr == end) {
      id = H5VLregister_connector_by_value(static_cast<H5VL_class_value_t>(value), H5P_DEFAULT);
    } else {
      id = H5VLregister_connector_by_name(s.c_str(), H5P_DEFAULT);
    }
  }
  H5E_END_TRY
  // HDF5 1.14's built-in pass-through is only registered when asked for by
  // its own function (HDF5_VOL_CONNECTOR special-cases it the same way).
  if (id < 0 && (s == "pass_through" || (ec == std::errc() && ptr == end && value == 1)))
    id = hdf5_compat::pass_through_id();
  if (id < 0) fail("key 'under_vol': cannot load VOL connector '" + s + "'");
  return id;
}

void* under_connector_info(hid_t under_id, const std::string& text, int depth);

// HDF5 1.14.5's parser of pass_through info strings does not check its
// input: text without braces makes it memcpy a negative size, and it writes
// one byte past its buffer (both found by fuzz/fuzz_info_string; the inputs
// are in fuzz/corpus/fuzz_info_string/crash-*). Its info is a plain struct,
// so it is built here from our own, checked parse.
void* pass_through_info(hid_t pass_through_id, const std::string& text, int depth) {
  if (depth > 8) fail("key 'under_info': more than 8 nested pass_through layers");
  const auto pairs = split(text);
  for (const auto& [key, value] : pairs)
    if (key != "under_vol" && key != "under_info")
      fail(
          "key 'under_info': the pass_through connector takes only under_vol and "
          "under_info, got '" +
          key + "'");
  struct Local {
    H5VL_pass_through_info_t info{H5I_INVALID_HID, nullptr};
    ~Local() {
      if (info.under_vol_info) H5VLfree_connector_info(info.under_vol_id, info.under_vol_info);
      if (info.under_vol_id >= 0) H5Idec_ref(info.under_vol_id);
    }
  } local;
  const std::string* vol = find(pairs, "under_vol");
  local.info.under_vol_id =
      vol ? load_under_connector(*vol) : H5VLget_connector_id_by_value(H5_VOL_NATIVE);
  if (local.info.under_vol_id < 0) fail("cannot get the native VOL connector");
  if (const std::string* under = find(pairs, "under_info"); under && !blank(*under))
    local.info.under_vol_info = under_connector_info(local.info.under_vol_id, *under, depth + 1);
  void* out = nullptr;
  if (H5VLcopy_connector_info(pass_through_id, &out, &local.info) < 0)
    fail("key 'under_info': cannot build the pass_through connector's info");
  return out;
}

// The info of connector `under_id` from its info string.
void* under_connector_info(hid_t under_id, const std::string& text, int depth) {
  H5VL_class_value_t value = H5_VOL_NATIVE;
  if (H5VLget_value(under_id, &value) >= 0 && value == H5VL_PASSTHRU_VALUE)
    return pass_through_info(under_id, text, depth);
  void* info = nullptr;
  herr_t status = -1;
  H5E_BEGIN_TRY { status = H5VLconnector_str_to_info(text.c_str(), under_id, &info); }
  H5E_END_TRY
  if (status < 0) fail("key 'under_info': the connector below rejected '" + text + "'");
  return info;
}

// The info string of connector `id`'s info. HDF5 1.14.5's pass_through
// leaks the string of the connector below its own (found by
// fuzz_info_string under LeakSanitizer), so its info is printed here, the
// way it prints it: "under_vol=<value>;under_info={<below>}".
std::string under_connector_str(hid_t id, const void* info) {
  H5VL_class_value_t value = H5_VOL_NATIVE;
  if (H5VLget_value(id, &value) < 0)
    throw VolError(ErrorKind::failure, "cannot get the value of the connector below");
  if (value == H5VL_PASSTHRU_VALUE && info) {
    const auto* pt = static_cast<const H5VL_pass_through_info_t*>(info);
    H5VL_class_value_t below = H5_VOL_NATIVE;
    if (H5VLget_value(pt->under_vol_id, &below) < 0)
      throw VolError(ErrorKind::failure, "cannot get the value of the connector below");
    return "under_vol=" + std::to_string(below) + ";under_info={" +
           under_connector_str(pt->under_vol_id, pt->under_vol_info) + "}";
  }
  char* str = nullptr;
  if (info && H5VLconnector_info_to_str(info, id, &str) < 0)
    throw VolError(ErrorKind::failure, "the connector below cannot serialise its info");
  std::string out = str ? str : "";
  if (str) H5free_memory(str);
  return out;
}

}  // namespace

Info* make_default_info() {
  auto info = std::make_unique<Info>();
  info->under_vol_id = H5VLget_connector_id_by_value(H5_VOL_NATIVE);
  if (info->under_vol_id < 0)
    throw VolError(ErrorKind::failure, "cannot get the native VOL connector");
  return info.release();
}

Info* parse_info(std::string_view text) {
  std::unique_ptr<Info, decltype(&free_info)> info(new Info, &free_info);
  try {
    info->staging = h5archive::StagingConfig::parse(text, kUnderKeys);
  } catch (const h5archive::Error& e) {
    fail(e.what());
  }
  const std::string* vol = find(info->staging.other, "under_vol");
  info->under_vol_id =
      vol ? load_under_connector(*vol) : H5VLget_connector_id_by_value(H5_VOL_NATIVE);
  if (info->under_vol_id < 0) fail("cannot get the native VOL connector");
  if (const std::string* under = find(info->staging.other, "under_info"); under && !blank(*under))
    info->under_vol_info = under_connector_info(info->under_vol_id, *under, 0);
  // The connector below is held as an id and an info from here on.
  info->staging.other.clear();
  return info.release();
}

std::string format_info(const Info& info) {
  h5archive::StagingConfig config = info.staging;
  H5VL_class_value_t value = H5_VOL_NATIVE;
  if (H5VLget_value(info.under_vol_id, &value) < 0)
    throw VolError(ErrorKind::failure, "cannot get the value of the connector below");
  config.other = {{"under_vol", std::to_string(value)},
                  {"under_info", under_connector_str(info.under_vol_id, info.under_vol_info)}};
  return config.str();
}

Info* copy_info(const Info& src) {
  std::unique_ptr<Info, decltype(&free_info)> info(new Info, &free_info);
  info->staging = src.staging;
  if (H5Iinc_ref(src.under_vol_id) < 0)
    throw VolError(ErrorKind::failure, "cannot reference the connector below");
  info->under_vol_id = src.under_vol_id;
  if (src.under_vol_info &&
      H5VLcopy_connector_info(src.under_vol_id, &info->under_vol_info, src.under_vol_info) < 0)
    throw VolError(ErrorKind::failure, "cannot copy the info of the connector below");
  return info.release();
}

void free_info(Info* info) {
  if (!info) return;
  preserving_errors([info] {
    if (info->under_vol_info) H5VLfree_connector_info(info->under_vol_id, info->under_vol_info);
    if (info->under_vol_id >= 0) H5Idec_ref(info->under_vol_id);
  });
  delete info;
}

}  // namespace h5archive::vol
