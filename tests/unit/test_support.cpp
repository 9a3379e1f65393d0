#include "test_support.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <random>
#include <string>

namespace h5archive::testing {

TempDir::TempDir() {
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  for (;;) {
    path_ = base / ("h5archive-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(path_)) break;
  }
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

SilenceHDF5::SilenceHDF5() {
  H5E_auto2_t func = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &func, &data_);
  func_ = reinterpret_cast<void*>(func);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

SilenceHDF5::~SilenceHDF5() {
  H5Eset_auto2(H5E_DEFAULT, reinterpret_cast<H5E_auto2_t>(func_), data_);
}

}  // namespace h5archive::testing
