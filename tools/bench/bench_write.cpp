// Write benchmark: h5archive::write_dataset against the raw HDF5 C API for the
// same 2-D float64 array, same layout (contiguous /data/value), same file
// system. Each measurement runs from file creation to H5Fclose returning (no
// fsync: both sides leave the same dirty pages to the kernel). The order
// alternates between repetitions so neither side always gets the warmer cache,
// after one untimed warm-up write of each.
//
//   bench_write [--size-mib M] [--reps N]     (defaults: 1024 MiB, 5 reps)
#include <fmt/core.h>
#include <hdf5.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "h5archive/array.hpp"
#include "h5archive/dataset_io.hpp"

namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kColumns = 8192;  // 64 KiB rows: 1 MiB = 16 rows
constexpr double kTarget = 0.95;

struct Options {
  std::uint64_t size_mib = 1024;
  int reps = 5;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--size-mib" || arg == "--reps") && i + 1 < argc) {
      const long v = std::strtol(argv[++i], nullptr, 10);
      if (v <= 0) return false;
      if (arg == "--size-mib")
        o.size_mib = static_cast<std::uint64_t>(v);
      else
        o.reps = static_cast<int>(v);
    } else {
      return false;
    }
  }
  return true;
}

// The reference: what a careful user of the C API writes by hand.
void write_native(const fs::path& file, const h5archive::Array& a) {
  const hid_t f = H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hsize_t dims[2] = {a.shape()[0], a.shape()[1]};
  const hid_t space = H5Screate_simple(2, dims, nullptr);
  const hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  const hid_t d =
      H5Dcreate2(f, "/data/value", H5T_IEEE_F64LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  const herr_t status =
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.bytes().data());
  H5Dclose(d);
  H5Pclose(lcpl);
  H5Sclose(space);
  if (f < 0 || d < 0 || status < 0 || H5Fclose(f) < 0)
    throw std::runtime_error("raw HDF5 write of " + file.string() + " failed");
}

double seconds(const std::function<void()>& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

fs::path make_temp_folder() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      (fs::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") / "h5archive-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a temporary folder from " + pattern);
  return pattern;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    fmt::print(stderr, "usage: bench_write [--size-mib M] [--reps N]\n");
    return 2;
  }
  const std::uint64_t rows = o.size_mib * 16;
  const double mib = static_cast<double>(rows * kColumns * sizeof(double)) / (1024.0 * 1024.0);
  fmt::print("bench_write: float64 array ({}, {}) = {:.0f} MiB, {} repetitions, HDF5 {}.{}.{}\n",
             rows, kColumns, mib, o.reps, H5_VERS_MAJOR, H5_VERS_MINOR, H5_VERS_RELEASE);

  h5archive::Array a = h5archive::Array::zeros(h5archive::DType::float64, {rows, kColumns});
  auto values = a.values<double>();
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i) * 0.5;

  // Initialise HDF5 up front so its one-time set-up is timed in neither side.
  if (H5open() < 0) return 1;
  const fs::path folder = make_temp_folder();
  fmt::print("files in {}\n", folder.string());
  std::vector<double> lib_times, native_times;
  int status = 0;
  try {
    // One untimed write each first: the first gigabyte a process writes pays
    // for the kernel handing it page-cache pages, whichever side goes first.
    {
      const double warm_lib =
          seconds([&] { h5archive::write_dataset(folder / "warm.h5", "/data/value", a); });
      fs::remove(folder / "warm.h5");
      const double warm_native = seconds([&] { write_native(folder / "warm.h5", a); });
      fs::remove(folder / "warm.h5");
      fmt::print("warm-up (not counted): library {:.3f} s, native {:.3f} s\n", warm_lib,
                 warm_native);
    }
    for (int rep = 0; rep < o.reps; ++rep) {
      const fs::path lib_file = folder / "library.h5";
      const fs::path native_file = folder / "native.h5";
      auto run_lib = [&] {
        lib_times.push_back(seconds([&] { h5archive::write_dataset(lib_file, "/data/value", a); }));
        fs::remove(lib_file);
      };
      auto run_native = [&] {
        native_times.push_back(seconds([&] { write_native(native_file, a); }));
        fs::remove(native_file);
      };
      const bool library_first = rep % 2 == 0;
      if (library_first) {
        run_lib();
        run_native();
      } else {
        run_native();
        run_lib();
      }
      fmt::print(
          "run {} ({} first): library {:.3f} s ({:.0f} MiB/s), native {:.3f} s ({:.0f} MiB/s)\n",
          rep + 1, library_first ? "library" : "native", lib_times.back(), mib / lib_times.back(),
          native_times.back(), mib / native_times.back());
    }
    const double lib_rate = mib / median(lib_times);
    const double native_rate = mib / median(native_times);
    const double ratio = lib_rate / native_rate;
    fmt::print("median library: {:.0f} MiB/s\n", lib_rate);
    fmt::print("median native:  {:.0f} MiB/s\n", native_rate);
    fmt::print("ratio library/native: {:.3f} (target >= {:.2f}): {}\n", ratio, kTarget,
               ratio >= kTarget ? "OK" : "BELOW TARGET");
  } catch (const std::exception& e) {
    fmt::print(stderr, "bench_write: {}\n", e.what());
    status = 1;
  }
  std::error_code ec;
  fs::remove_all(folder, ec);
  return status;
}
