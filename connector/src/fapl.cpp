// The connector info carried by a file access property list, and the copy of
// that list handed to the connector below.
#include "h5archive/staging_driver.hpp"
#include "vol_internal.hpp"

namespace h5archive::vol {

FaplInfo::FaplInfo(hid_t fapl_id) {
  void* info = nullptr;
  // HDF5 returns a copy made with our info_cls.copy, or NULL when the fapl
  // carries none (the plugin probe of a failed open, or H5Pset_vol(..., NULL)).
  if (H5Pget_vol_info(fapl_id, &info) < 0)
    throw VolError(ErrorKind::failure, "cannot get the connector info from the file access list");
  given_ = info != nullptr;
  info_ = info ? static_cast<Info*>(info) : make_default_info();
}

FaplInfo::~FaplInfo() { free_info(info_); }

UnderFapl::UnderFapl(hid_t fapl_id, const Info& info, const MappedName& target) {
  id_ = H5Pcopy(fapl_id);
  if (id_ < 0) throw VolError(ErrorKind::failure, "cannot copy the file access list");
  try {
    if (H5Pset_vol(id_, info.under_vol_id, info.under_vol_info) < 0)
      throw VolError(ErrorKind::failure,
                     "cannot select the connector below on the file access list");
    if (target.mapped && !h5archive::use_staging_driver(id_, target.path))
      throw VolError(ErrorKind::failure, "'" + target.path + "' is not below a staging root");
  } catch (...) {
    preserving_errors([this] { H5Pclose(id_); });
    throw;
  }
}

UnderFapl::~UnderFapl() {
  preserving_errors([this] { H5Pclose(id_); });
}

}  // namespace h5archive::vol
