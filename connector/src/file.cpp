// File callbacks: the only place names enter. Create, open, is_accessible and
// delete map `/uploads/...` names to staging files (names.cpp) and hand the
// connector below the OS path with the library's staging driver on the
// file-access list: the file HDF5 opens is the one the kernel's walk below
// the upload found. Everything else is forwarded.
#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>

#include "h5archive/staging_driver.hpp"
#include "hdf5_compat.hpp"
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

namespace fs = std::filesystem;

// A mapped name whose open failed: the staging driver put the reason (with
// HDF5's errno convention, which h5py turns into FileNotFoundError or
// PermissionError) innermost on the stack; this frame names what the
// application asked for.
void report_failed_open(const char* name, const MappedName& target, const char* verb) {
  if (!target.mapped) return;
  const h5archive::StagingRefusal refusal = h5archive::take_staging_refusal();
  using Kind = h5archive::StagingRefusal::Kind;
  const ErrorKind kind = refusal.kind == Kind::missing  ? ErrorKind::missing_file
                         : refusal.kind == Kind::escape ? ErrorKind::escape
                                                        : ErrorKind::failure;
  if (refusal.kind == Kind::none) {
    push_error(kind, std::string("cannot ") + verb + " '" + name + "' (" + target.path + ")");
    return;
  }
  // The reason becomes the innermost entry, naming what the application
  // asked for; the driver's and HDF5's entries it replaces only repeated it
  // with the OS path.
  push_refusal(kind, std::string("cannot ") + verb + " '" + name + "': " + refusal.message);
}

void* file_create(const char* name, unsigned flags, hid_t fcpl_id, hid_t fapl_id, hid_t dxpl_id,
                  void** req) {
  return guarded<void*>(nullptr, [&] {
    FaplInfo info(fapl_id);
    const MappedName target = map_name(*info, name);
    // Truncating an entry's archive HDF5 file would drop quantities its
    // archive refers to; 'a' and 'r+' change it in place.
    if (target.archive && (flags & H5F_ACC_TRUNC)) {
      std::error_code ec;
      if (fs::exists(fs::symlink_status(target.path, ec))) {
        push_refusal(ErrorKind::escape,
                     "refusing to truncate '" + std::string(name) +
                         "': it is the archive HDF5 file of an entry, whose archive refers to "
                         "its quantities; open it with 'a' or 'r+' to change it");
        return static_cast<Object*>(nullptr);
      }
    }
    UnderFapl under(fapl_id, *info, target);
    h5archive::take_staging_refusal();
    void* file = H5VLfile_create(target.path.c_str(), flags, fcpl_id, under.id(), dxpl_id, req);
    wrap_request(req, info->under_vol_id);
    if (!file) report_failed_open(name, target, "create");
    if (file && target.mapped) remember_open_name(target.path, name);
    return wrap(file, info->under_vol_id);
  });
}

void* file_open(const char* name, unsigned flags, hid_t fapl_id, hid_t dxpl_id, void** req) {
  return guarded<void*>(nullptr, [&] {
    FaplInfo info(fapl_id);
    const MappedName target = map_name(*info, name);
    UnderFapl under(fapl_id, *info, target);
    h5archive::take_staging_refusal();
    void* file = H5VLfile_open(target.path.c_str(), flags, under.id(), dxpl_id, req);
    wrap_request(req, info->under_vol_id);
    if (!file) report_failed_open(name, target, "open");
    if (file && target.mapped) remember_open_name(target.path, name);
    return wrap(file, info->under_vol_id);
  });
}

// is_accessible below, through the staging driver for a mapped name. A
// missing file is an answer (false), not an error.
herr_t ask_accessible(const Info& info, const MappedName& target, H5VL_file_specific_args_t* args,
                      hid_t dxpl_id, void** req) {
  UnderFapl under(args->args.is_accessible.fapl_id, info, target);
  H5VL_file_specific_args_t local = *args;
  local.args.is_accessible.filename = target.path.c_str();
  local.args.is_accessible.fapl_id = under.id();
  h5archive::take_staging_refusal();
  herr_t status = H5VLfile_specific(nullptr, info.under_vol_id, &local, dxpl_id, req);
  if (status < 0 && target.mapped &&
      h5archive::take_staging_refusal().kind == h5archive::StagingRefusal::Kind::missing) {
    H5Eclear2(H5E_DEFAULT);
    *args->args.is_accessible.accessible = false;
    return 0;
  }
  wrap_request(req, info.under_vol_id);
  return status;
}

/// HDF5's plugin probe after a failed open with the default connector: the
/// fapl carries no info. Answer only for `/uploads/` names that resolve under
/// the default root, never print anything, never fail. The caller keeps the
/// error stack, so whatever the resolver or the connector below pushes here
/// stays off it.
herr_t probe_accessible(const Info& info, H5VL_file_specific_args_t* args, hid_t dxpl_id) {
  auto& a = args->args.is_accessible;
  *a.accessible = false;
  if (!hdf5_compat::plugin_probe_usable()) return 0;
  try {
    const MappedName target = map_name(info, a.filename);
    if (target.mapped && ask_accessible(info, target, args, dxpl_id, nullptr) < 0)
      *a.accessible = false;
  } catch (...) {
    *a.accessible = false;
  }
  return 0;
}

herr_t file_accessible(H5VL_file_specific_args_t* args, hid_t dxpl_id, void** req) {
  auto& a = args->args.is_accessible;
  // The probe runs after a failed native open: the stack that explains it
  // (sec2's "errno = 2", which h5py turns into FileNotFoundError) must come
  // out unchanged, and the first API call (H5Pget_vol_info) would clear it.
  // `kept` is restored after `info` is freed (H5Idec_ref clears it too).
  KeptErrors kept;
  FaplInfo info(a.fapl_id);
  if (!info.given()) return probe_accessible(*info, args, dxpl_id);
  kept.dismiss();  // H5Fis_accessible from the application: its own errors
  return ask_accessible(*info, map_name(*info, a.filename), args, dxpl_id, req);
}

herr_t file_delete(H5VL_file_specific_args_t* args, hid_t dxpl_id, void** req) {
  auto& a = args->args.del;
  FaplInfo info(a.fapl_id);
  const MappedName target = map_name(*info, a.filename);
  UnderFapl under(a.fapl_id, *info, target);
  H5VL_file_specific_args_t local = *args;
  local.args.del.filename = target.path.c_str();
  local.args.del.fapl_id = under.id();
  herr_t status = H5VLfile_specific(nullptr, info->under_vol_id, &local, dxpl_id, req);
  if (status < 0) report_failed_open(a.filename, target, "delete");
  wrap_request(req, info->under_vol_id);
  return status;
}

herr_t file_specific(void* file, H5VL_file_specific_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&]() -> herr_t {
    // With no object the operation names a file: the fapl carries our info.
    if (args->op_type == H5VL_FILE_IS_ACCESSIBLE) return file_accessible(args, dxpl_id, req);
    if (args->op_type == H5VL_FILE_DELETE) return file_delete(args, dxpl_id, req);
    auto* o = as_object(file);
    H5VL_file_specific_args_t local = *args;
    if (local.op_type == H5VL_FILE_IS_EQUAL)
      local.args.is_equal.obj2 = under_of(local.args.is_equal.obj2);
    herr_t status = H5VLfile_specific(o->under, o->under_vol_id, &local, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    if (status >= 0 && local.op_type == H5VL_FILE_REOPEN && *local.args.reopen.file)
      *local.args.reopen.file = wrap(*local.args.reopen.file, o->under_vol_id);
    return status;
  });
}

/// The OS path of the file `o` belongs to, as the connector below names it.
std::optional<std::string> under_file_name(Object* o, H5I_type_t type, hid_t dxpl_id) {
  size_t length = 0;
  H5VL_file_get_args_t query{};
  query.op_type = H5VL_FILE_GET_NAME;
  query.args.get_name = {type, 0, nullptr, &length};
  if (H5VLfile_get(o->under, o->under_vol_id, &query, dxpl_id, nullptr) < 0) return std::nullopt;
  std::string path(length, '\0');
  query.args.get_name = {type, length + 1, path.data(), &length};
  if (H5VLfile_get(o->under, o->under_vol_id, &query, dxpl_id, nullptr) < 0) return std::nullopt;
  return path;
}

/// H5Fget_name's contract: the full length out, a NUL-terminated (possibly
/// truncated) copy into the buffer when one is given.
void answer_name(const std::string& name, H5VL_file_get_name_args_t& a) {
  if (a.file_name_len) *a.file_name_len = name.size();
  if (a.buf && a.buf_size > 0) {
    const size_t n = std::min(name.size(), a.buf_size - 1);
    name.copy(a.buf, n);
    a.buf[n] = '\0';
  }
}

herr_t file_get(void* file, H5VL_file_get_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&]() -> herr_t {
    auto* o = as_object(file);
    if (args->op_type == H5VL_FILE_GET_NAME && any_open_names()) {
      auto& a = args->args.get_name;
      if (auto path = under_file_name(o, a.type, dxpl_id))
        if (auto name = open_name_of(*path)) {
          answer_name(*name, a);
          return 0;
        }
    }
    herr_t status = H5VLfile_get(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t file_optional(void* file, H5VL_optional_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(file);
    herr_t status = H5VLfile_optional(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t file_close(void* file, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(file);
    std::optional<std::string> path;
    if (any_open_names()) path = under_file_name(o, H5I_FILE, dxpl_id);
    herr_t status = H5VLfile_close(o->under, o->under_vol_id, dxpl_id, req);
    if (status >= 0 && path) forget_open_name(*path);
    wrap_request(req, o->under_vol_id);
    if (status >= 0) release(o);
    return status;
  });
}

}  // namespace

void push_refusal(ErrorKind kind, const std::string& reason) {
  H5Eclear2(H5E_DEFAULT);
  push_error(kind, reason);
}

void report_refused_target(const char* verb, const char* name) {
  const h5archive::StagingRefusal refusal = h5archive::take_staging_refusal();
  using Kind = h5archive::StagingRefusal::Kind;
  if (refusal.kind == Kind::none) return;
  push_refusal(refusal.kind == Kind::escape ? ErrorKind::escape : ErrorKind::missing_file,
               std::string("cannot ") + verb + " '" + name +
                   "': its external file was refused: " + refusal.message);
}

const H5VL_file_class_t file_class = {
    .create = file_create,
    .open = file_open,
    .get = file_get,
    .specific = file_specific,
    .optional = file_optional,
    .close = file_close,
};

}  // namespace h5archive::vol
