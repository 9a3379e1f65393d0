/* Reads /data/value of entry test_entry of upload test_upload through the
 * h5archive connector, linked directly: no HDF5_VOL_CONNECTOR, no
 * HDF5_PLUGIN_PATH. Usage: read_entry <staging-root>
 * Prints the dataset's values, one row per line. */
#include <stdio.h>
#include <stdlib.h>

#include <hdf5.h>

#include "h5archive_vol.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <staging-root>\n", argv[0]);
    return 2;
  }
  int status = 1;
  double *values = NULL;
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0 || H5Pset_fapl_h5archive(fapl, argv[1]) < 0) goto done;

  hid_t file = H5Fopen("/uploads/test_upload/archive/test_entry", H5F_ACC_RDONLY, fapl);
  if (file < 0) goto done;
  hid_t dset = H5Dopen2(file, "/data/value", H5P_DEFAULT);
  hid_t space = dset < 0 ? H5I_INVALID_HID : H5Dget_space(dset);
  hsize_t dims[2] = {0, 0};
  if (space >= 0 && H5Sget_simple_extent_ndims(space) == 2 &&
      H5Sget_simple_extent_dims(space, dims, NULL) == 2) {
    values = malloc(sizeof(double) * dims[0] * dims[1]);
    if (values && H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0) {
      for (hsize_t i = 0; i < dims[0]; ++i) {
        for (hsize_t j = 0; j < dims[1]; ++j) printf(j ? " %g" : "%g", values[i * dims[1] + j]);
        printf("\n");
      }
      status = 0;
    }
  }
  if (space >= 0) H5Sclose(space);
  if (dset >= 0) H5Dclose(dset);
  H5Fclose(file);
done:
  free(values);
  if (fapl >= 0) H5Pclose(fapl);
  return status;
}
