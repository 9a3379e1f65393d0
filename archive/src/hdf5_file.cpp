// Opening, creating, flushing and closing the HDF5 files the library reads
// and writes: below a staging root through the staging driver (the kernel's
// walk), with the driver's refusals turned into typed errors; SWMR marks of
// stopped writers cleared; disk space reserved ahead of HDF5's writes.
#include <fcntl.h>
#include <hdf5.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <system_error>

#include "dataset_io_detail.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/staging_driver.hpp"
#include "hdf5_handle.hpp"
#include "staged_open.hpp"

namespace h5archive::detail {
namespace {

namespace fs = std::filesystem;

// A file-access list for `file`, based on `base`: below a staging root the
// staging driver (the kernel's walk, for the file and whatever HDF5 opens
// from it), elsewhere `base` as it is.
Hid file_access(const fs::path& file, hid_t base = H5P_DEFAULT) {
  Hid fapl = checked(base == H5P_DEFAULT ? H5Pcreate(H5P_FILE_ACCESS) : H5Pcopy(base),
                     "Creating a file-access property list");
  use_staging_driver(fapl.get(), file);
  return fapl;
}

// After a failed H5Fopen/H5Fcreate: the staging driver's typed error (missing
// file, escape, not a regular file) if it refused, else HDF5's.
[[noreturn]] void open_failed(const std::string& what) {
  const OpenFailure failure = take_driver_failure();
  if (failure.kind == OpenFailure::Kind::none) throw hdf5_error(what);
  innermost_hdf5_error();  // consumed: the typed error says it all
  throw_open_failure(failure);
}

Hid open_file(const fs::path& file, unsigned flags, hid_t fapl, const std::string& what) {
  take_driver_failure();
  const hid_t id = H5Fopen(file.c_str(), flags, fapl);
  if (id < 0) open_failed(what);
  return Hid(id);
}

// True if `file` exists. Below a staging root the answer comes from the
// kernel's walk (a folder, FIFO or escape is an error, not "missing"); other
// files are asked of HDF5 (through whatever VOL connector the default fapl
// selects), the file system first so a missing file is cheap.
bool file_exists(const fs::path& file) {
  if (const auto staged = find_staged(file)) {
    OpenFailure failure;
    const int fd =
        open_staged(staged->root, staged->upload_dir.empty() ? staged->root : staged->upload_dir,
                    staged->file, O_PATH, failure);
    if (fd >= 0) {
      ::close(fd);
      return true;
    }
    if (failure.kind == OpenFailure::Kind::missing) return false;
    throw_open_failure(failure);
  }
  std::error_code ec;
  if (fs::exists(file, ec)) return true;
  QuietErrors quiet;
  return H5Fis_accessible(file.c_str(), H5P_DEFAULT) > 0;
}

// Opens `file` read-write, creating it if missing. The folder must exist:
// creating folders is the staging area's business, not this layer's.
// A writer in SWMR mode that stops without closing the file (killed, power
// cut) leaves its superblock marked "open for write", and HDF5 then refuses
// every later open. A live writer also holds the file lock, so a file that
// locks but carries the mark was left by a writer that is gone: the mark is
// cleared (what `h5clear -s` does, through the same file-access property) and
// the user is told on standard error.

Hid open_existing_for_writing(const fs::path& file, hid_t base_fapl) {
  const Hid fapl = file_access(file, base_fapl);
  hid_t id;
  std::string cause;
  {
    QuietErrors quiet;
    take_driver_failure();
    id = H5Fopen(file.c_str(), H5F_ACC_RDWR, fapl.get());
    if (id < 0) {
      const OpenFailure failure = take_driver_failure();
      if (failure.kind != OpenFailure::Kind::none) {
        innermost_hdf5_error();
        throw_open_failure(failure);
      }
      cause = innermost_hdf5_error();
    }
  }
  if (id >= 0) return Hid(id);
  if (cause.find("already open for write") == std::string::npos)
    throw HDF5Error("Opening " + file.string() + " for writing" +
                    (cause.empty() ? "" : ": " + cause));
  {
    // h5clear -s -i: clear the mark, and move the end-of-allocation past
    // whatever the stopped writer had already put in the file.
    Hid clearing = file_access(file);
    hbool_t on = true;
    for (const char* property : {"clear_status_flags", "skip_eof_check", "null_fsm_addr"})
      check(H5Pset(clearing.get(), property, &on),
            [&] { return "Preparing to clear the open-for-write mark of " + file.string(); });
    Hid f = open_file(file, H5F_ACC_RDWR, clearing.get(),
                      "Clearing the open-for-write mark of " + file.string());
    check(H5Fincrement_filesize(f.get(), 0),
          [&] { return "Repairing the file size of " + file.string(); });
    close_written_file(f, file);
  }
  std::cerr << "h5archive: note: " << file.string()
            << " was marked open for write by a writer that stopped without closing it; the mark "
               "was cleared (as h5clear -s -i does)\n";
  return open_file(file, H5F_ACC_RDWR, fapl.get(), "Opening " + file.string() + " for writing");
}

}  // namespace

Hid open_file_for_writing(const fs::path& file, hid_t base_fapl) {
  if (file_exists(file)) return open_existing_for_writing(file, base_fapl);
  fs::path folder = file.parent_path();
  std::error_code ec;
  if (!find_staged(file) && !folder.empty() && !fs::is_directory(folder, ec))
    throw NotFoundError("Cannot create " + file.string() + ": folder " + folder.string() +
                        " does not exist");
  const Hid fapl = file_access(file, base_fapl);
  take_driver_failure();
  const hid_t id = H5Fcreate(file.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, fapl.get());
  if (id < 0) open_failed("Creating " + file.string());
  return Hid(id);
}

Hid open_file_for_reading(const fs::path& file, const std::string& object_path) {
  if (!file_exists(file))
    throw NotFoundError("File " + file.string() + " not found (looking for " + object_path + ")");
  return open_file(file, H5F_ACC_RDONLY, file_access(file).get(),
                   "Opening " + file.string() + " for reading");
}

// Closes a file we wrote, reporting a failed final flush.
void close_written_file(Hid& f, const fs::path& file) {
  if (f.close() < 0) throw hdf5_error("Closing " + file.string() + " after writing");
}

SpaceReservation::SpaceReservation(hid_t f) noexcept {
  void* handle = nullptr;
  QuietErrors quiet;
  // The descriptor of drivers that have one (sec2 and the like); a duplicate,
  // so that it outlives HDF5's close and needs no second open by name.
  if (H5Fget_vfd_handle(f, H5P_DEFAULT, &handle) >= 0 && handle != nullptr)
    fd_ = ::fcntl(*static_cast<int*>(handle), F_DUPFD_CLOEXEC, 0);
}

void SpaceReservation::reserve(std::uint64_t bytes, const fs::path& file, const std::string& what) {
  if (fd_ < 0) return;
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) return;
  const auto end = static_cast<std::uint64_t>(st.st_size);
  // The file-size limit (ulimit -f) bounds the file's size, which a
  // reservation does not change: checked by hand.
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      end + bytes > limit.rlim_cur)
    throw IOError("Not enough space to write " + what + ": the file would grow past the " +
                  "process's file-size limit (ulimit -f) of " + std::to_string(limit.rlim_cur) +
                  " bytes");
  if (end + bytes <= reserved_end_) return;
  int status;
  do {
    status =
        ::fallocate(fd_, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(end), static_cast<off_t>(bytes));
  } while (status != 0 && errno == EINTR);
  if (status == 0) {
    reserved_end_ = end + bytes;
    return;
  }
  if (errno != ENOSPC && errno != EDQUOT && errno != EFBIG) return;  // cannot reserve here
  throw IOError("Not enough space to write " + what + ": reserving " + std::to_string(bytes) +
                " bytes past the end of " + file.string() + " failed: " + std::strerror(errno));
}

void SpaceReservation::release() noexcept {
  if (fd_ < 0) return;
  struct stat st {};
  if (reserved_end_ > 0 && ::fstat(fd_, &st) == 0 &&
      reserved_end_ > static_cast<std::uint64_t>(st.st_size))
    ::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, st.st_size,
                static_cast<off_t>(reserved_end_ - static_cast<std::uint64_t>(st.st_size)));
  ::close(fd_);
  fd_ = -1;
  reserved_end_ = 0;
}

std::uint64_t bytes_to_reserve(std::uint64_t block_bytes, std::uint64_t handed_before,
                               std::uint64_t chunk_bytes, std::uint64_t cache_bytes) {
  std::uint64_t pending = block_bytes + std::min(handed_before, cache_bytes);
  if (chunk_bytes > 0) pending = (pending + chunk_bytes - 1) / chunk_bytes * chunk_bytes;
  return pending + chunk_bytes + (256u << 10);
}

void flush_file(hid_t f, const fs::path& file) {
  check(H5Fflush(f, H5F_SCOPE_LOCAL), [&] { return "Flushing " + file.string(); });
}

}  // namespace h5archive::detail
