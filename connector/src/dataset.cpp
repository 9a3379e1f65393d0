// Dataset callbacks: forwarded to the connector below, results wrapped.
// Read and write take arrays of datasets (H5Dread_multi); all must sit on the
// same connector below, as the library requires of the top level.
#include <vector>

#include "h5archive/staging_driver.hpp"
#include "vol_internal.hpp"

namespace h5archive::vol {
namespace {

/// The objects below `count` wrapped datasets, without a heap allocation for
/// the common single-dataset call.
class UnderDatasets {
 public:
  UnderDatasets(size_t count, void* dset[]) {
    if (count > 1) many_.resize(count);
    void** out = count > 1 ? many_.data() : &one_;
    vol_id_ = as_object(dset[0])->under_vol_id;
    for (size_t i = 0; i < count; ++i) {
      auto* o = as_object(dset[i]);
      if (o->under_vol_id != vol_id_)
        throw VolError(ErrorKind::failure,
                       "multi-dataset I/O over datasets of different connectors below");
      out[i] = o->under;
    }
    data_ = out;
  }
  void** data() { return data_; }
  hid_t vol_id() const { return vol_id_; }

 private:
  void* one_ = nullptr;
  std::vector<void*> many_;
  void** data_ = nullptr;
  hid_t vol_id_ = H5I_INVALID_HID;
};

// Closes the just-opened dataset below and rethrows if it may not be used.
void refuse_or_close(void* under, hid_t under_vol_id, const char* name, hid_t dxpl_id) {
  try {
    refuse_unsafe_storage(under, under_vol_id, name, dxpl_id);
  } catch (...) {
    preserving_errors([&] { H5VLdataset_close(under, under_vol_id, dxpl_id, nullptr); });
    throw;
  }
}

void* dataset_create(void* obj, const H5VL_loc_params_t* loc_params, const char* name,
                     hid_t lcpl_id, hid_t type_id, hid_t space_id, hid_t dcpl_id, hid_t dapl_id,
                     hid_t dxpl_id, void** req) {
  return guarded<void*>(nullptr, [&] {
    auto* o = as_object(obj);
    void* under = H5VLdataset_create(o->under, loc_params, o->under_vol_id, name, lcpl_id, type_id,
                                     space_id, dcpl_id, dapl_id, dxpl_id, req);
    // Checked on the created dataset, whose file is known: writing it would
    // create its external files wherever they are named.
    if (under) refuse_or_close(under, o->under_vol_id, name, dxpl_id);
    wrap_request(req, o->under_vol_id);
    return wrap(under, o->under_vol_id);
  });
}

void* dataset_open(void* obj, const H5VL_loc_params_t* loc_params, const char* name, hid_t dapl_id,
                   hid_t dxpl_id, void** req) {
  return guarded<void*>(nullptr, [&] {
    auto* o = as_object(obj);
    h5archive::take_staging_refusal();
    void* under =
        H5VLdataset_open(o->under, loc_params, o->under_vol_id, name, dapl_id, dxpl_id, req);
    if (!under) report_refused_target("open", name);
    if (under) refuse_or_close(under, o->under_vol_id, name, dxpl_id);
    wrap_request(req, o->under_vol_id);
    return wrap(under, o->under_vol_id);
  });
}

herr_t dataset_read(size_t count, void* dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                    hid_t file_space_id[], hid_t dxpl_id, void* buf[], void** req) {
  return guarded<herr_t>(-1, [&] {
    if (count == 0) return herr_t{0};
    UnderDatasets under(count, dset);
    herr_t status = H5VLdataset_read(count, under.data(), under.vol_id(), mem_type_id, mem_space_id,
                                     file_space_id, dxpl_id, buf, req);
    wrap_request(req, under.vol_id());
    return status;
  });
}

herr_t dataset_write(size_t count, void* dset[], hid_t mem_type_id[], hid_t mem_space_id[],
                     hid_t file_space_id[], hid_t dxpl_id, const void* buf[], void** req) {
  return guarded<herr_t>(-1, [&] {
    if (count == 0) return herr_t{0};
    UnderDatasets under(count, dset);
    herr_t status = H5VLdataset_write(count, under.data(), under.vol_id(), mem_type_id,
                                      mem_space_id, file_space_id, dxpl_id, buf, req);
    wrap_request(req, under.vol_id());
    return status;
  });
}

herr_t dataset_get(void* dset, H5VL_dataset_get_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(dset);
    herr_t status = H5VLdataset_get(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t dataset_specific(void* obj, H5VL_dataset_specific_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    // A refresh closes and reopens the object: `o` may be gone afterwards.
    const hid_t under_vol_id = o->under_vol_id;
    herr_t status = H5VLdataset_specific(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, under_vol_id);
    return status;
  });
}

herr_t dataset_optional(void* obj, H5VL_optional_args_t* args, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(obj);
    herr_t status = H5VLdataset_optional(o->under, o->under_vol_id, args, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    return status;
  });
}

herr_t dataset_close(void* dset, hid_t dxpl_id, void** req) {
  return guarded<herr_t>(-1, [&] {
    auto* o = as_object(dset);
    herr_t status = H5VLdataset_close(o->under, o->under_vol_id, dxpl_id, req);
    wrap_request(req, o->under_vol_id);
    if (status >= 0) release(o);
    return status;
  });
}

}  // namespace

void refuse_unsafe_storage(void* under, hid_t under_vol_id, const char* name, hid_t dxpl_id) {
  H5VL_dataset_get_args_t get{};
  get.op_type = H5VL_DATASET_GET_DCPL;
  if (H5VLdataset_get(under, under_vol_id, &get, dxpl_id, nullptr) < 0)
    throw VolError(ErrorKind::failure, "cannot read a dataset's creation property list");
  const hid_t dcpl = get.args.get_dcpl.dcpl_id;
  struct Closer {
    hid_t id;
    ~Closer() {
      preserving_errors([this] { H5Pclose(id); });
    }
  } closer{dcpl};
  if (H5Pget_external_count(dcpl) <= 0 && H5Pget_layout(dcpl) != H5D_VIRTUAL) return;
  // Only now is the file's name worth asking for.
  size_t length = 0;
  H5VL_file_get_args_t query{};
  query.op_type = H5VL_FILE_GET_NAME;
  query.args.get_name = {H5I_DATASET, 0, nullptr, &length};
  if (H5VLfile_get(under, under_vol_id, &query, dxpl_id, nullptr) < 0)
    throw VolError(ErrorKind::failure,
                   "cannot tell which file a dataset with external storage is in");
  std::string path(length, '\0');
  query.args.get_name = {H5I_DATASET, length + 1, path.data(), &length};
  if (H5VLfile_get(under, under_vol_id, &query, dxpl_id, nullptr) < 0)
    throw VolError(ErrorKind::failure,
                   "cannot tell which file a dataset with external storage is in");
  h5archive::refuse_unsafe_storage(dcpl, path, name ? name : "(unnamed)");
}

const H5VL_dataset_class_t dataset_class = {
    .create = dataset_create,
    .open = dataset_open,
    .read = dataset_read,
    .write = dataset_write,
    .get = dataset_get,
    .specific = dataset_specific,
    .optional = dataset_optional,
    .close = dataset_close,
};

}  // namespace h5archive::vol
