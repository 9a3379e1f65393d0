// What differs between the HDF5 versions the connector builds against: 1.14
// (the bootstrap's, from source) and 2.x (the library inside h5py's wheels,
// compiled against Debian's 2.2 headers). Everything else the connector and
// the library use is the same in both (docs/python.md, "Versions").
#pragma once

#include <H5VLpassthru.h>
#include <hdf5.h>

// The class layout the connector fills in: H5VL_VERSION is 3 in 1.14 and in
// 2.0-2.2, and H5VL_class_t did not change between them.
static_assert(H5VL_VERSION == 3,
              "the h5archive connector targets VOL API version 3 (HDF5 1.14, 2.x)");
static_assert(H5_VERS_MAJOR == 2 || (H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 14),
              "h5archive builds against HDF5 1.14 or 2.x");

namespace h5archive::hdf5_compat {

/// A new reference to HDF5's built-in pass_through connector (release it
/// with H5VLclose), or H5I_INVALID_HID.
inline hid_t pass_through_id() {
#if H5_VERS_MAJOR >= 2
  // 2.x registers it when the library starts. Its global id is not used: the
  // 2.0.0 library (h5py 3.16's) exports it as H5VL_pass_through_g, the 2.2
  // headers declare H5VL_PASSTHRU_g, so a plugin naming either symbol fails
  // to load under the other. The name reaches it in both.
  return H5VLregister_connector_by_name(H5VL_PASSTHRU_NAME, H5P_DEFAULT);
#else
  // 1.14 registers it only when asked for by its own function.
  return H5VL_pass_through_register();
#endif
}

/// Whether the running library (not the headers: a plugin built against 2.2
/// runs in h5py's 2.0.0) can use a file its plugin probe opened. HDF5 2.0.0
/// registers such a file with the connector that failed (native) instead of
/// the one that opened it, and crashes in H5F__post_open on our object; the
/// probe then must find nothing, which leaves the native error in place.
/// Later 2.x libraries cannot run here (they need a newer glibc than
/// Debian 12's), so the probe is declined for every 2.x until one is shown
/// to work.
inline bool plugin_probe_usable() {
  unsigned major = 0, minor = 0, release = 0;
  if (H5get_libversion(&major, &minor, &release) < 0) return false;
  return major < 2;
}

}  // namespace h5archive::hdf5_compat
