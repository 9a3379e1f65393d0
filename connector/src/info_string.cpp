// The connector's info and its string form
//   root=DIR;prefix_size=N;upload=ID;under_vol=V;under_info={...}
// parsed with bounds checks and brace matching. Every key is optional; a value
// may be wrapped in braces to hold `;`. Parsing has no side effect other than
// registering the connector below (which the library needs to parse its info).
#include <charconv>
#include <map>
#include <memory>
#include <string>

#include "h5archive/errors.hpp"
#include "h5archive/staging_area.hpp"
#include "hdf5_compat.hpp"
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

[[noreturn]] void fail(std::string message) {
  throw VolError(ErrorKind::bad_info, "h5archive info string: " + std::move(message));
}

constexpr std::string_view kSpace = " \t\r\n";

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

constexpr std::string_view kKeys[] = {"root", "prefix_size", "upload", "under_vol", "under_info"};

bool known_key(std::string_view key) {
  for (auto k : kKeys)
    if (k == key) return true;
  return false;
}

/// Splits `text` into key/value pairs; a braced value keeps its content verbatim.
std::map<std::string, std::string, std::less<>> split(std::string_view text) {
  std::map<std::string, std::string, std::less<>> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const auto eq_or_semi = text.find_first_of("=;", pos);
    if (eq_or_semi == std::string_view::npos || text[eq_or_semi] == ';') {
      const auto stray = trim(text.substr(
          pos, eq_or_semi == std::string_view::npos ? std::string_view::npos : eq_or_semi - pos));
      if (!stray.empty()) fail("expected key=value, got '" + std::string(stray) + "'");
      pos = eq_or_semi == std::string_view::npos ? text.size() : eq_or_semi + 1;
      continue;
    }
    const std::string key(trim(text.substr(pos, eq_or_semi - pos)));
    if (!known_key(key))
      fail("unknown key '" + key + "' (known: root, prefix_size, upload, under_vol, under_info)");
    if (out.contains(key)) fail("key '" + key + "' given twice");
    size_t v = eq_or_semi + 1;
    while (v < text.size() && kSpace.find(text[v]) != std::string_view::npos) ++v;
    std::string value;
    if (v < text.size() && text[v] == '{') {
      int depth = 0;
      size_t end = v;
      for (; end < text.size(); ++end) {
        if (text[end] == '{') ++depth;
        if (text[end] == '}' && --depth == 0) break;
      }
      if (end >= text.size()) fail("key '" + key + "': unbalanced braces");
      value = std::string(text.substr(v + 1, end - v - 1));
      pos = end + 1;
      while (pos < text.size() && kSpace.find(text[pos]) != std::string_view::npos) ++pos;
      if (pos < text.size() && text[pos] != ';')
        fail("key '" + key + "': unexpected text after '}'");
      ++pos;
    } else {
      const auto semi = text.find(';', v);
      const auto raw =
          trim(text.substr(v, semi == std::string_view::npos ? std::string_view::npos : semi - v));
      if (raw.find_first_of("{}") != std::string_view::npos)
        fail("key '" + key + "': unbalanced braces in '" + std::string(raw) + "'");
      value = std::string(raw);
      pos = semi == std::string_view::npos ? text.size() : semi + 1;
    }
    out.emplace(key, std::move(value));
  }
  return out;
}

int parse_prefix_size(const std::string& s) {
  int n = -1;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, n);
  if (s.empty() || ec != std::errc() || ptr != end || n < 0 || n > 255)
    fail("key 'prefix_size': expected an integer from 0 to 255, got '" + s + "'");
  return n;
}

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
  const auto vol = pairs.find("under_vol");
  local.info.under_vol_id = vol != pairs.end() ? load_under_connector(vol->second)
                                               : H5VLget_connector_id_by_value(H5_VOL_NATIVE);
  if (local.info.under_vol_id < 0) fail("cannot get the native VOL connector");
  if (auto it = pairs.find("under_info"); it != pairs.end() && !trim(it->second).empty())
    local.info.under_vol_info =
        under_connector_info(local.info.under_vol_id, it->second, depth + 1);
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

bool needs_braces(std::string_view v) {
  return v.empty() || v.find_first_of(";{}") != std::string_view::npos || trim(v) != v;
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
  const auto pairs = split(text);
  std::unique_ptr<Info, decltype(&free_info)> info(new Info, &free_info);
  if (auto it = pairs.find("root"); it != pairs.end()) {
    if (it->second.empty()) fail("key 'root': empty value");
    info->root = it->second;
  }
  if (auto it = pairs.find("prefix_size"); it != pairs.end())
    info->prefix_size = parse_prefix_size(it->second);
  if (auto it = pairs.find("upload"); it != pairs.end()) {
    try {
      h5archive::validate_id(it->second, "upload id");
    } catch (const h5archive::Error& e) {
      fail("key 'upload': " + std::string(e.what()));
    }
    info->upload = it->second;
  }
  const auto vol = pairs.find("under_vol");
  info->under_vol_id = vol != pairs.end() ? load_under_connector(vol->second)
                                          : H5VLget_connector_id_by_value(H5_VOL_NATIVE);
  if (info->under_vol_id < 0) fail("cannot get the native VOL connector");
  if (auto it = pairs.find("under_info"); it != pairs.end() && !trim(it->second).empty())
    info->under_vol_info = under_connector_info(info->under_vol_id, it->second, 0);
  return info.release();
}

std::string format_info(const Info& info) {
  std::string out;
  auto add = [&out](std::string_view key, std::string_view value, bool braced) {
    out.append(key).append("=");
    if (braced)
      out.append("{").append(value).append("}");
    else
      out.append(value);
    out.append(";");
  };
  if (info.root) add("root", *info.root, needs_braces(*info.root));
  if (info.prefix_size) add("prefix_size", std::to_string(*info.prefix_size), false);
  if (info.upload) add("upload", *info.upload, false);
  H5VL_class_value_t value = H5_VOL_NATIVE;
  if (H5VLget_value(info.under_vol_id, &value) < 0)
    throw VolError(ErrorKind::failure, "cannot get the value of the connector below");
  add("under_vol", std::to_string(value), false);
  add("under_info", under_connector_str(info.under_vol_id, info.under_vol_info), true);
  out.pop_back();  // the last ';'
  return out;
}

Info* copy_info(const Info& src) {
  std::unique_ptr<Info, decltype(&free_info)> info(new Info, &free_info);
  info->root = src.root;
  info->prefix_size = src.prefix_size;
  info->upload = src.upload;
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
