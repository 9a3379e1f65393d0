/* Public C API of the h5archive VOL connector (libh5archive_vol.so).
 *
 * Applications can select the connector without environment variables:
 *
 *   hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
 *   H5Pset_fapl_h5archive(fapl, "/data/staging");
 *   hid_t f = H5Fopen("/uploads/<upload>/archive/<entry>", H5F_ACC_RDONLY, fapl);
 *
 * Every function pushes a message on the HDF5 error stack (error class
 * "h5archive") when it fails. See docs/connector.md. */
#ifndef H5ARCHIVE_VOL_H
#define H5ARCHIVE_VOL_H

#include <hdf5.h>

#if defined(__GNUC__)
#define H5ARCHIVE_VOL_API __attribute__((visibility("default")))
#else
#define H5ARCHIVE_VOL_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Connector name, as used in HDF5_VOL_CONNECTOR ("h5archive root=DIR"). */
#define H5ARCHIVE_VOL_NAME "h5archive"
/** Connector value (external range 512-65535; not in HDF5's registered list). */
#define H5ARCHIVE_VOL_VALUE 1512

/** Registers the connector (or takes a new reference if it is already
 *  registered, e.g. loaded as a plugin) and returns its id; release it with
 *  H5VLclose. Returns H5I_INVALID_HID on failure. */
H5ARCHIVE_VOL_API hid_t h5archive_vol_register(void);

/** Selects the connector on file access property list `fapl_id`, with the
 *  staging area at `root` (NULL or "": $H5ARCHIVE_ROOT, else
 *  .volumes/fs/staging), shard prefix size 2 and the native connector below.
 *  Returns a negative value on failure. */
H5ARCHIVE_VOL_API herr_t H5Pset_fapl_h5archive(hid_t fapl_id, const char *root);

/** Like H5Pset_fapl_h5archive, configured by an info string
 *  "root=DIR;prefix_size=N;upload=ID;under_vol=V;under_info={...}" (every key
 *  optional). A malformed string fails with a message naming the key. */
H5ARCHIVE_VOL_API herr_t H5Pset_fapl_h5archive_info(hid_t fapl_id, const char *info_string);

#ifdef __cplusplus
}
#endif

#endif /* H5ARCHIVE_VOL_H */
