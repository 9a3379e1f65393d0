// Shared helpers of the unit tests.
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <filesystem>
#include <string>

#include "h5archive/errors.hpp"

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

/// Runs `fn` and returns the message of the `E` it throws; any other
/// exception is a test failure; no exception gives "<no exception>", which no
/// expected message matches.
template <class E = h5archive::Error, class Fn>
std::string message_of(Fn&& fn) {
  try {
    fn();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "unexpected exception type: " << e.what();
    return std::string("<other exception> ") + e.what();
  }
  return "<no exception>";
}

}  // namespace h5archive::testing
