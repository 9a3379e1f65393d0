// The staging file driver (h5archive/staging_driver.hpp): sec2's POSIX I/O
// behind opens that go through open_staged(). C callbacks: nothing throws
// out of them; failures go on HDF5's error stack with the errno convention
// of HDF5's own drivers ("errno = 2, error message = '...'"), which h5py
// turns into FileNotFoundError, PermissionError, ...
#include "h5archive/staging_driver.hpp"

#include <H5FDdevelop.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>

#include <fmt/format.h>

#include "beneath.hpp"
#include "direct_write.hpp"
#include "h5archive/errors.hpp"
#include "hdf5_handle.hpp"
#include "printable.hpp"
#include "staged_open.hpp"

namespace h5archive {
namespace {

using detail::OpenFailure;

// What a file-access list carries for the driver. Copied with the list, so
// that the targets of external links and virtual-dataset sources (opened
// with a copy of the parent file's list) are held to the same root.
struct DriverInfo {
  std::string root;      // the staging root, as the file names spell it
  std::string primary;   // the file the name resolved to...
  std::string boundary;  // ...opens below this folder (its upload)
};

struct File {
  H5FD_t pub;  // first: HDF5 hands us back this address
  int fd;
  haddr_t eoa;
  haddr_t eof;
  dev_t device;
  ino_t inode;
  bool ignore_disabled_locks;
  DriverInfo* info;
  std::string* name;
  detail::DirectFd direct;  // large raw-data writes (direct_write.hpp)
};

constexpr haddr_t kMaxAddr = (static_cast<haddr_t>(1) << (8 * sizeof(off_t) - 1)) - 1;
constexpr H5FD_class_value_t kDriverValue = 1512;

void push(hid_t major, hid_t minor, const std::string& message) {
  H5Epush2(H5E_DEFAULT, __FILE__, "h5archive staging driver", __LINE__, H5E_ERR_CLS, major, minor,
           "%s", message.c_str());
}

// Whether `size` bytes at `addr` lie in what an off_t reaches; if not, says
// so on the error stack, naming the operation (`op`: read, write).
bool in_range(const char* op, haddr_t addr, size_t size) {
  if (addr != HADDR_UNDEF && addr <= kMaxAddr && size <= kMaxAddr - addr) return true;
  push(H5E_ARGS, H5E_OVERFLOW,
       fmt::format("staging driver: {} at {} of {} bytes overflows", op, addr, size));
  return false;
}

void push_errno(hid_t major, hid_t minor, const std::string& what, int err) {
  push(major, minor,
       fmt::format("{}, errno = {}, error message = '{}'", what, err, std::strerror(err)));
}

// The folder an open of `name` must stay below. The file the name resolved
// to stays in its upload; whatever HDF5 opens from it (external links,
// virtual-dataset sources) stays in the root. HDF5 passes on the name it was
// given, which may be relative to the working folder.
const std::string& boundary_of(const char* name, const DriverInfo& info) {
  if (name == info.primary) return info.boundary;
  if (name[0] == '/') return info.root;
  std::error_code ec;
  return std::filesystem::absolute(name, ec).string() == info.primary ? info.boundary : info.root;
}

// ---- file-access list info ---------------------------------------------------

void* info_copy(const void* info) {
  try {
    return new DriverInfo(*static_cast<const DriverInfo*>(info));
  } catch (...) {
    push(H5E_VFL, H5E_CANTCOPY, "cannot copy the staging driver's info");
    return nullptr;
  }
}

herr_t info_free(void* info) {
  delete static_cast<DriverInfo*>(info);
  return 0;
}

void* file_info_get(H5FD_t* file) { return info_copy(reinterpret_cast<File*>(file)->info); }

// ---- open, close, compare ------------------------------------------------------

bool ignore_disabled_locks(hid_t fapl) {
  // As sec2: the environment overrides the list.
  if (const char* env = std::getenv("HDF5_USE_FILE_LOCKING")) {
    if (std::strcmp(env, "BEST_EFFORT") == 0) return true;
    if (std::strcmp(env, "TRUE") == 0 || std::strcmp(env, "1") == 0) return false;
  }
  hbool_t use = true;
  hbool_t ignore = false;
  if (H5Pget_file_locking(fapl, &use, &ignore) < 0) return false;
  return ignore;
}

H5FD_t* open_file(const char* name, unsigned flags, hid_t fapl, haddr_t maxaddr) {
  try {
    const auto* info = static_cast<const DriverInfo*>(H5Pget_driver_info(fapl));
    if (!name || !*name || !info) {
      push(H5E_ARGS, H5E_BADVALUE, "staging driver: no file name or no driver info");
      return nullptr;
    }
    if (maxaddr == 0 || maxaddr == HADDR_UNDEF || maxaddr > kMaxAddr) {
      push(H5E_ARGS, H5E_BADRANGE, "staging driver: bogus maxaddr");
      return nullptr;
    }
    int o_flags = (flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY;
    if (flags & H5F_ACC_TRUNC) o_flags |= O_TRUNC;
    if (flags & H5F_ACC_CREAT) o_flags |= O_CREAT;
    if (flags & H5F_ACC_EXCL) o_flags |= O_EXCL;
    OpenFailure failure;
    const int fd =
        detail::open_staged(info->root, boundary_of(name, *info), name, o_flags, failure);
    if (fd < 0) {
      detail::record_driver_failure(failure);
      push_errno(H5E_FILE, H5E_CANTOPENFILE, "h5archive: " + failure.message, failure.err);
      return nullptr;
    }
    detail::Fd owned(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      push_errno(H5E_FILE, H5E_BADFILE, fmt::format("h5archive: cannot stat {}", name), errno);
      return nullptr;
    }
    auto* file = new File{};
    file->info = new DriverInfo(*info);
    file->name = new std::string(name);
    file->fd = owned.release();
    file->eof = static_cast<haddr_t>(st.st_size);
    file->device = st.st_dev;
    file->inode = st.st_ino;
    file->ignore_disabled_locks = ignore_disabled_locks(fapl);
    return &file->pub;
  } catch (...) {
    push(H5E_RESOURCE, H5E_NOSPACE, "staging driver: out of memory opening a file");
    return nullptr;
  }
}

herr_t close_file(H5FD_t* file_) {
  auto* file = reinterpret_cast<File*>(file_);
  detail::close_direct(file->direct);
  const int status = ::close(file->fd);
  const int err = errno;
  delete file->info;
  delete file->name;
  delete file;
  if (status != 0) {
    push_errno(H5E_IO, H5E_CANTCLOSEFILE, "h5archive: closing a staged file failed", err);
    return -1;
  }
  return 0;
}

int compare(const H5FD_t* a_, const H5FD_t* b_) {
  const auto* a = reinterpret_cast<const File*>(a_);
  const auto* b = reinterpret_cast<const File*>(b_);
  if (a->device != b->device) return a->device < b->device ? -1 : 1;
  if (a->inode != b->inode) return a->inode < b->inode ? -1 : 1;
  return 0;
}

herr_t query(const H5FD_t*, unsigned long* flags) {
  if (flags)
    *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA | H5FD_FEAT_DATA_SIEVE |
             H5FD_FEAT_AGGREGATE_SMALLDATA | H5FD_FEAT_POSIX_COMPAT_HANDLE |
             H5FD_FEAT_SUPPORTS_SWMR_IO | H5FD_FEAT_DEFAULT_VFD_COMPATIBLE;
  return 0;
}

// ---- addresses and I/O -------------------------------------------------------

haddr_t get_eoa(const H5FD_t* f, H5FD_mem_t) { return reinterpret_cast<const File*>(f)->eoa; }

herr_t set_eoa(H5FD_t* f, H5FD_mem_t, haddr_t addr) {
  reinterpret_cast<File*>(f)->eoa = addr;
  return 0;
}

haddr_t get_eof(const H5FD_t* f, H5FD_mem_t) { return reinterpret_cast<const File*>(f)->eof; }

herr_t get_handle(H5FD_t* f, hid_t, void** handle) {
  if (!handle) {
    push(H5E_ARGS, H5E_BADVALUE, "staging driver: no handle pointer");
    return -1;
  }
  *handle = &reinterpret_cast<File*>(f)->fd;
  return 0;
}

// pread/pwrite move at most this much at once (Linux's own limit).
constexpr size_t kMaxIo = 0x7ffff000;

herr_t read(H5FD_t* f_, H5FD_mem_t, hid_t, haddr_t addr, size_t size, void* buf) {
  auto* f = reinterpret_cast<File*>(f_);
  if (!in_range("read", addr, size)) return -1;
  auto* out = static_cast<char*>(buf);
  while (size > 0) {
    const ssize_t n = ::pread(f->fd, out, size < kMaxIo ? size : kMaxIo, static_cast<off_t>(addr));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      push_errno(H5E_IO, H5E_READERROR, fmt::format("h5archive: reading {} failed", *f->name),
                 errno);
      return -1;
    }
    if (n == 0) {  // past the end of the file, inside the address space
      std::memset(out, 0, size);
      break;
    }
    size -= static_cast<size_t>(n);
    addr += static_cast<haddr_t>(n);
    out += n;
  }
  return 0;
}

herr_t write(H5FD_t* f_, H5FD_mem_t type, hid_t, haddr_t addr, size_t size, const void* buf) {
  auto* f = reinterpret_cast<File*>(f_);
  if (!in_range("write", addr, size)) return -1;
  const auto* in = static_cast<const char*>(buf);
  const auto at = static_cast<off_t>(addr);
  // Raw data, the bulk of a large quantity, past the page cache.
  const int err = type == H5FD_MEM_DRAW ? detail::write_direct(f->fd, f->direct, in, size, at)
                                        : detail::write_all(f->fd, in, size, at);
  if (err != 0) {
    push_errno(H5E_IO, H5E_WRITEERROR, fmt::format("h5archive: writing {} failed", *f->name), err);
    return -1;
  }
  if (addr + size > f->eof) f->eof = addr + size;
  return 0;
}

herr_t truncate(H5FD_t* f_, hid_t, hbool_t) {
  auto* f = reinterpret_cast<File*>(f_);
  if (f->eoa == f->eof) return 0;
  if (::ftruncate(f->fd, static_cast<off_t>(f->eoa)) != 0) {
    push_errno(H5E_IO, H5E_SEEKERROR, fmt::format("h5archive: resizing {} failed", *f->name),
               errno);
    return -1;
  }
  f->eof = f->eoa;
  return 0;
}

// flock(2) as sec2 does it: where the file system has no locks (ENOSYS) and
// the list says to ignore that, not locking is no failure.
herr_t flock_file(H5FD_t* f_, int operation, hid_t minor, const char* verb) {
  auto* f = reinterpret_cast<File*>(f_);
  if (::flock(f->fd, operation) == 0) return 0;
  if (f->ignore_disabled_locks && errno == ENOSYS) return 0;
  push_errno(H5E_VFL, minor, fmt::format("h5archive: unable to {} {}", verb, *f->name), errno);
  return -1;
}

herr_t lock(H5FD_t* f, hbool_t rw) {
  return flock_file(f, (rw ? LOCK_EX : LOCK_SH) | LOCK_NB, H5E_CANTLOCKFILE, "lock");
}

herr_t unlock(H5FD_t* f) { return flock_file(f, LOCK_UN, H5E_CANTUNLOCKFILE, "unlock"); }

herr_t remove_file(const char* name, hid_t fapl) {
  try {
    const auto* info = static_cast<const DriverInfo*>(H5Pget_driver_info(fapl));
    if (!name || !info) {
      push(H5E_ARGS, H5E_BADVALUE, "staging driver: no file name or no driver info");
      return -1;
    }
    OpenFailure failure;
    if (detail::unlink_staged(info->root, boundary_of(name, *info), name, failure) != 0) {
      detail::record_driver_failure(failure);
      push_errno(H5E_VFL, H5E_CANTDELETEFILE, "h5archive: " + failure.message, failure.err);
      return -1;
    }
    return 0;
  } catch (...) {
    push(H5E_RESOURCE, H5E_NOSPACE, "staging driver: out of memory deleting a file");
    return -1;
  }
}

const H5FD_class_t driver_class = {
    .version = H5FD_CLASS_VERSION,
    .value = kDriverValue,
    .name = "h5archive_staging",
    .maxaddr = kMaxAddr,
    .fc_degree = H5F_CLOSE_WEAK,
    .terminate = nullptr,
    .sb_size = nullptr,
    .sb_encode = nullptr,
    .sb_decode = nullptr,
    .fapl_size = sizeof(DriverInfo),
    .fapl_get = file_info_get,
    .fapl_copy = info_copy,
    .fapl_free = info_free,
    .dxpl_size = 0,
    .dxpl_copy = nullptr,
    .dxpl_free = nullptr,
    .open = open_file,
    .close = close_file,
    .cmp = compare,
    .query = query,
    .get_type_map = nullptr,
    .alloc = nullptr,
    .free = nullptr,
    .get_eoa = get_eoa,
    .set_eoa = set_eoa,
    .get_eof = get_eof,
    .get_handle = get_handle,
    .read = read,
    .write = write,
    .read_vector = nullptr,
    .write_vector = nullptr,
    .read_selection = nullptr,
    .write_selection = nullptr,
    .flush = nullptr,
    .truncate = truncate,
    .lock = lock,
    .unlock = unlock,
    .del = remove_file,
    .ctl = nullptr,
    .fl_map = H5FD_FLMAP_DICHOTOMY,
};

}  // namespace

hid_t staging_driver() {
  static hid_t id = H5I_INVALID_HID;
  if (id >= 0 && H5Iis_valid(id) > 0) return id;
  id = detail::checked(H5FDregister(&driver_class), "Registering the h5archive staging driver")
           .release();
  return id;
}

StagingRefusal take_staging_refusal() {
  OpenFailure failure = detail::take_driver_failure();
  using Kind = StagingRefusal::Kind;
  const Kind kind = [&] {
    switch (failure.kind) {
      case OpenFailure::Kind::none:
        return Kind::none;
      case OpenFailure::Kind::no_upload:
      case OpenFailure::Kind::missing:
        return Kind::missing;
      case OpenFailure::Kind::escape:
        return Kind::escape;
      case OpenFailure::Kind::not_regular:
        return Kind::not_regular;
      case OpenFailure::Kind::other:
        break;
    }
    return Kind::other;
  }();
  return {kind, failure.err, std::move(failure.message)};
}

bool is_staged(const std::filesystem::path& file) { return detail::find_staged(file).has_value(); }

bool use_staging_driver(hid_t fapl, const std::filesystem::path& file) {
  const auto staged = detail::find_staged(file);
  if (!staged) return false;
  const DriverInfo info{staged->root, staged->file,
                        staged->upload_dir.empty() ? staged->root : staged->upload_dir};
  detail::check(H5Pset_driver(fapl, staging_driver(), &info),
                [&] { return "Selecting the staging driver for " + file.string(); });
  return true;
}

}  // namespace h5archive
