// Shared helpers of the unit tests.
#pragma once

#include <filesystem>
#include <string>

namespace h5archive::testing {

/// A fresh temporary folder, removed with its content when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Silences HDF5's automatic error printing for the lifetime of the object,
/// so expected failures leave no noise; restores the previous handler.
class SilenceHDF5 {
 public:
  SilenceHDF5();
  ~SilenceHDF5();
  SilenceHDF5(const SilenceHDF5&) = delete;
  SilenceHDF5& operator=(const SilenceHDF5&) = delete;

 private:
  void* func_ = nullptr;
  void* data_ = nullptr;
};

}  // namespace h5archive::testing
