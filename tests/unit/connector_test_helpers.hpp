// Helpers shared by the connector's unit tests: a staging area with the demo
// layout written with the raw HDF5 API, and a reader of the error stack.
#pragma once

#include <hdf5.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "h5archive/staging_area.hpp"

namespace h5archive::testing {

/// Writes a 2-D float64 dataset (intermediate groups created).
inline void write_matrix(hid_t file, const char* path, const std::vector<double>& values,
                         hsize_t rows, hsize_t cols) {
  hsize_t dims[2] = {rows, cols};
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t space = H5Screate_simple(2, dims, nullptr);
  hid_t dset = H5Dcreate2(file, path, H5T_IEEE_F64LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(dset);
  H5Sclose(space);
  H5Pclose(lcpl);
}

inline std::vector<double> identity(int n) {
  std::vector<double> v(n * n, 0.0);
  for (int i = 0; i < n; ++i) v[i * n + i] = 1.0;
  return v;
}

/// Reads a whole float64 dataset.
inline std::vector<double> read_all(hid_t loc, const char* path) {
  hid_t dset = H5Dopen2(loc, path, H5P_DEFAULT);
  if (dset < 0) return {};
  hid_t space = H5Dget_space(dset);
  std::vector<double> out(H5Sget_simple_extent_npoints(space));
  H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data());
  H5Sclose(space);
  H5Dclose(dset);
  return out;
}

/// The demo layout: upload test_upload with raw/external.h5 (/path/to/data,
/// 3x2 values 0..5) and entry test_entry (/data/value = eye(5), and
/// /data/value_external, an external link to ../raw/external.h5).
inline void write_demo(const StagingArea& area) {
  area.create_upload("test_upload");
  const auto raw = area.raw_file_path("test_upload", "external.h5");
  hid_t f = H5Fcreate(raw.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  write_matrix(f, "/path/to/data", {0, 1, 2, 3, 4, 5}, 3, 2);
  H5Fclose(f);
  const auto entry = area.archive_hdf5_path("test_upload", "test_entry");
  f = H5Fcreate(entry.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  write_matrix(f, "/data/value", identity(5), 5, 5);
  H5Lcreate_external("../raw/external.h5", "/path/to/data", f, "/data/value_external", H5P_DEFAULT,
                     H5P_DEFAULT);
  H5Fclose(f);
}

/// One entry of the default error stack.
struct StackEntry {
  std::string cls;
  std::string desc;
};

/// The default error stack, innermost first. Class names are looked up after
/// the walk, since that lookup (an API call) clears the stack.
inline std::vector<StackEntry> error_stack() {
  std::vector<std::pair<hid_t, std::string>> raw;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        static_cast<std::vector<std::pair<hid_t, std::string>>*>(data)->emplace_back(
            e->cls_id, e->desc ? e->desc : "");
        return 0;
      },
      &raw);
  std::vector<StackEntry> out;
  for (auto& [id, desc] : raw) {
    char cls[64] = "";
    H5Eget_class_name(id, cls, sizeof cls);
    out.push_back({cls, desc});
  }
  return out;
}

/// The description of the first h5archive entry on the stack, or "".
inline std::string h5archive_error() {
  for (const auto& e : error_stack())
    if (e.cls == "h5archive") return e.desc;
  return {};
}

}  // namespace h5archive::testing
