#include "write_bench.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>

#include "child_process.hpp"
#include "h5archive/array.hpp"
#include "h5archive/dataset_io.hpp"

namespace h5archive::bench {

namespace {

constexpr double kNativeGoal = 0.97, kPosixGoal = 0.90, kH5pyGoal = 1.0;

// The reference: what a careful user of the C API writes by hand.
void write_native(const fs::path& file, const Array& a) {
  Handle f(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  require(f.valid(), "H5Fcreate('" + file.string() + "')");
  const hsize_t dims[2] = {a.shape()[0], a.shape()[1]};
  Handle space(H5Screate_simple(2, dims, nullptr));
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle d(H5Dcreate2(f.get(), "/data/value", H5T_IEEE_F64LE, space.get(), lcpl.get(), H5P_DEFAULT,
                      H5P_DEFAULT));
  require(d.valid() && H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                a.bytes().data()) >= 0,
          "raw HDF5 write of " + file.string());
}

// The same bytes with write(2) and nothing else: the file system's limit.
void write_posix(const fs::path& file, const Array& a) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("open " + file.string() + ": " + strerror(errno));
  write_fully(fd, a.bytes().data(), a.bytes().size(), file);
  if (::close(fd) != 0) throw std::runtime_error("close " + file.string() + ": " + strerror(errno));
}

struct Side {
  const char* label;
  std::function<double(const fs::path&)> write;  // seconds
  std::vector<double> rates;
};

}  // namespace

WriteResults run_write_bench(const WriteOptions& o, const fs::path& folder) {
  const std::uint64_t rows = o.size_mib * kRowsPerMiB;
  WriteResults r;
  r.mib = static_cast<double>(rows * kColumns * sizeof(double)) / kMiB;
  fmt::print(stderr, "[write] float64 ({}, {}) = {:.0f} MiB, {} rounds\n", rows, kColumns, r.mib,
             o.reps);

  Array a = Array::zeros(DType::float64, {rows, kColumns});
  auto values = a.values<double>();
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i) * 0.5;

  std::vector<Side> sides;
  sides.push_back(
      {"library",
       [&](const fs::path& f) { return seconds_of([&] { write_dataset(f, "/data/value", a); }); },
       {}});
  sides.push_back(
      {"C API", [&](const fs::path& f) { return seconds_of([&] { write_native(f, a); }); }, {}});
  sides.push_back(
      {"write()", [&](const fs::path& f) { return seconds_of([&] { write_posix(f, a); }); }, {}});
  std::unique_ptr<ChildProcess> python;
  if (o.python.empty()) {
    r.h5py_problem = "no python given";
  } else if (!fs::exists(o.python)) {
    r.h5py_problem = "no " + o.python;
  } else {
    try {
      python = std::make_unique<ChildProcess>(std::vector<std::string>{
          o.python, o.h5py_script, std::to_string(rows), std::to_string(kColumns)});
      const std::string ready = python->receive();  // "ready <h5py> <hdf5>"
      const std::size_t sp = ready.find(' ', 6);
      require(ready.rfind("ready ", 0) == 0 && sp != std::string::npos,
              "starting " + o.h5py_script + " (said '" + ready + "')");
      r.h5py_versions =
          fmt::format("h5py {}, HDF5 {}", ready.substr(6, sp - 6), ready.substr(sp + 1));
      sides.push_back({"h5py",
                       [&](const fs::path& f) {
                         python->send(f.string());
                         const std::string answer = python->receive();
                         char* end = nullptr;
                         const double s = std::strtod(answer.c_str(), &end);
                         require(end != answer.c_str() && s > 0,
                                 "h5py write of " + f.string() + " (said '" + answer + "')");
                         return s;
                       },
                       {}});
    } catch (const std::exception& e) {
      r.h5py_problem = e.what();
      python.reset();
    }
  }

  const auto run = [&](Side& s, bool counted) {
    const fs::path file = folder / "write.h5";
    settle(folder);
    const double seconds = s.write(file);
    fs::remove(file);
    if (counted) s.rates.push_back(r.mib / seconds);
    return seconds;
  };
  // The first gigabyte a process writes pays for the kernel handing it
  // page-cache pages, whichever side goes first: one untimed write each.
  for (Side& s : sides) fmt::print(stderr, "  warm-up {:<8} {:.3f} s\n", s.label, run(s, false));
  for (int round = 0; round < o.reps; ++round) {
    std::string line = fmt::format("  round {}:", round + 1);
    for (std::size_t k = 0; k < sides.size(); ++k) {
      Side& s = sides[(k + static_cast<std::size_t>(round)) % sides.size()];
      run(s, true);
      line += fmt::format(" {} {:.0f}", s.label, s.rates.back());
    }
    fmt::print(stderr, "{} MiB/s\n", line);
  }
  r.library = median(sides[0].rates);
  r.native = median(sides[1].rates);
  r.posix = median(sides[2].rates);
  if (sides.size() > 3) r.h5py = median(sides[3].rates);
  return r;
}

std::vector<Row> write_rows(const WriteResults& r) {
  const auto rate = [](double v) { return fmt::format("{:.0f} MiB/s", v); };
  const auto row = [&](const std::string& baseline, double base, double goal) {
    const double ratio = r.library / base;
    return Row{fmt::format("write {:.0f} MiB float64 vs {}", r.mib, baseline),
               rate(r.library),
               rate(base),
               fmt::format("{:.3f}", ratio),
               fmt::format(">= {:.2f}", goal),
               met(ratio >= goal)};
  };
  std::vector<Row> rows{row("raw HDF5 C API", r.native, kNativeGoal),
                        row("write() calls", r.posix, kPosixGoal)};
  if (r.h5py)
    rows.push_back(row("h5py (NOMAD settings)", *r.h5py, kH5pyGoal));
  else
    rows.push_back({fmt::format("write {:.0f} MiB float64 vs h5py", r.mib), rate(r.library), "-",
                    "-", fmt::format(">= {:.2f}", kH5pyGoal), "skipped: " + r.h5py_problem});
  return rows;
}

}  // namespace h5archive::bench
