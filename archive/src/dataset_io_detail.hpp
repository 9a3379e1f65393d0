// Internal: the pieces of dataset_io.cpp's require-dataset logic that other
// writers (the streaming QuantityWriter) share, so the rules exist once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "h5archive/dataset_io.hpp"
#include "hdf5_handle.hpp"
#include "hdf5_types.hpp"

namespace h5archive::detail {

/// "[1, 2, 3]": an offset or count in messages.
std::string list_str(const std::vector<std::uint64_t>& v);

/// "/a/b" for "a//b/" etc.; ValueError if the path names the root.
std::string normalized_dataset_path(const std::string& path);

/// Opens `file` read-only (NotFoundError naming `object_path` if missing);
/// below a staging root through the staging driver.
Hid open_file_for_reading(const std::filesystem::path& file, const std::string& object_path);

/// Opens dataset `path` of the open file `f` (named `file`) with access list
/// `dapl`; in a staged file, refuses one with external storage or outside virtual sources
/// (refuse_unsafe_storage). `what` names it in messages.
Hid open_dataset(hid_t f, const std::string& path, hid_t dapl, const std::filesystem::path& file,
                 const std::string& what);

/// Opens `file` read-write, creating it if missing (NotFoundError if its
/// folder does not exist), with file-access list `fapl`.
Hid open_file_for_writing(const std::filesystem::path& file, hid_t fapl = H5P_DEFAULT);

/// Closes a file that was written, throwing HDF5Error if the final flush fails.
void close_written_file(Hid& file, const std::filesystem::path& name);

/// The dataset at normalised `path` of open file `f`, opened for rewriting, or
/// an invalid Hid if nothing is there. A group, link or other object in the
/// way (or as a parent) gives h5py's "Incompatible object (...)" error.
Hid open_existing_dataset_for_writing(hid_t f, const std::string& path,
                                      const std::filesystem::path& file);

/// h5py's require-dataset shape rule: TypeMismatchError "Shapes do not match
/// (existing <e> vs new <n>) for <what>" unless `same`. The shapes are passed
/// as text so that an unlimited axis can be shown ("(None, 3)").
void check_reassigned_shape(bool same, const std::string& existing, const std::string& requested,
                            const std::string& what);

/// h5py's require-dataset dtype rule: returns the stored type, which is kept;
/// TypeMismatchError "Datatypes cannot be safely cast (existing <e> vs new
/// <n>) for <what>" unless `dtype` casts safely into it.
StoredType check_reassigned_dtype(hid_t dataset, DType dtype, std::size_t string_size,
                                  const std::string& what);

/// The shape of a dataspace (empty for scalars).
Shape dataspace_shape(hid_t space, const std::string& what);

/// Disk space reserved ahead of HDF5's writes to an open file. HDF5 keeps
/// written chunks and metadata in its caches and writes them later, at an
/// eviction, a flush or a close; when such a write fails (a full disk, the
/// process's file-size limit) HDF5 cannot drop the cached data, every later
/// close fails again, and a failed dataset close leaves HDF5 holding a freed
/// object that it closes again at exit (a crash). So writers reserve, before
/// each write, the blocks that everything HDF5 may still have to write can
/// take (fallocate with FALLOC_FL_KEEP_SIZE past the end of the file: its
/// size does not change): a full disk then fails the reservation, before
/// HDF5 holds anything it cannot write, and what HDF5 writes afterwards lands
/// in reserved blocks. release() gives back the blocks left past the end of
/// the file once it is closed. On a file system that cannot reserve
/// (EOPNOTSUPP), or a file driver without a descriptor, nothing is reserved.
class SpaceReservation {
 public:
  /// Keeps a duplicate of the descriptor of open file `f` (sec2-like drivers).
  explicit SpaceReservation(hid_t f) noexcept;
  SpaceReservation(const SpaceReservation&) = delete;
  SpaceReservation& operator=(const SpaceReservation&) = delete;
  ~SpaceReservation() { release(); }
  /// Reserves `bytes` past the current end of the file. Error "Not enough
  /// space to write <what>: reserving <n> bytes past the end of <file>
  /// failed: <reason>" on ENOSPC or EDQUOT, and "...: the file would grow past
  /// the process's file-size limit (ulimit -f) of <n> bytes" when the file
  /// would pass RLIMIT_FSIZE (a reservation does not change the file's size,
  /// so the kernel would only refuse HDF5's later writes).
  void reserve(std::uint64_t bytes, const std::filesystem::path& file, const std::string& what);
  /// Releases the reserved blocks past the end of the file; call after the
  /// file is closed (HDF5's last writes go into them). Never throws.
  void release() noexcept;

 private:
  int fd_ = -1;
  std::uint64_t reserved_end_ = 0;
};

/// The bytes to reserve past the end of the file before handing HDF5
/// `block_bytes` more for a dataset that has been handed `handed_before`
/// bytes already, whose chunks take `chunk_bytes` (0: not chunked) and whose
/// chunk cache holds up to `cache_bytes`: what may still be in the cache plus
/// the block, rounded up to whole chunks (chunks take their full size on
/// disk), one more chunk for a selection that straddles chunks, and 256 KiB
/// for metadata (object headers, chunk index, attributes, superblock).
std::uint64_t bytes_to_reserve(std::uint64_t block_bytes, std::uint64_t handed_before,
                               std::uint64_t chunk_bytes, std::uint64_t cache_bytes);

/// A new value for the dataset at `path` is written into an anonymous dataset
/// (linked nowhere): until commit_staged_dataset, the old dataset at `path`,
/// its value and its statistics are not touched, and a writer that fails (a
/// full disk) or is killed leaves no half-written object anywhere a reader
/// or a later writer looks. Created with `dcpl` and `dapl`; HDF5Error naming
/// `what` on failure.
Hid create_staged_dataset(hid_t f, hid_t type, hid_t space, hid_t dcpl, hid_t dapl,
                          const std::string& what);

/// Makes a staged dataset the one at `path`: flushes the file first (every
/// chunk and object header of the new value reaches the file; a full disk
/// fails here, while the old value is intact), then deletes the old link at
/// `path` if `replacing` and links the new dataset there (parents created),
/// and flushes again. Those last steps only rewrite metadata that is already
/// in the file (the link's place in its group, the objects' link counts), so
/// they need no new file space. HDF5Error naming the file and `what`.
void commit_staged_dataset(hid_t f, hid_t dataset, const std::string& path, bool replacing,
                           const std::filesystem::path& file, const std::string& what);

/// Drops a staged dataset that will not be committed: a chunked one is first
/// shrunk to nothing, so that HDF5 drops its cached chunks instead of writing
/// them (which fails again on a full disk); closing it then deletes it,
/// since nothing links to it. Never throws.
void discard_staged_dataset(Hid& dataset) noexcept;

/// Copies the attributes of `from` onto `to`, except those named in `skip`
/// (a reassigned dataset keeps its other attributes, as when written in
/// place). HDF5Error naming `what` on failure.
void copy_attributes(hid_t from, hid_t to, const std::vector<std::string>& skip,
                     const std::string& what);

/// Flushes an open file, throwing HDF5Error naming it (and HDF5's reason,
/// e.g. "No space left on device") on failure.
void flush_file(hid_t f, const std::filesystem::path& file);

/// Removes the unreadable object at `object_path` of `file` that an
/// AbandonedObjectError named (the caller has checked that nothing committed
/// refers to it). HDF5 cannot delete a hard link to an object it cannot read
/// (deleting reads the object to lower its link count), so the parent group
/// is rebuilt: a new group with the parent's creation properties and
/// attributes takes over every readable link (moved, so the objects are the
/// same ones) and the parent's place; the old parent, left holding only
/// unreadable links, stays in the file unreachable (a few hundred bytes).
/// ValueError for an object right under the root group, which cannot be
/// replaced; HDF5Error naming the file otherwise.
void remove_abandoned_object(const std::filesystem::path& file, const std::string& object_path);

/// write_dataset() whose attributes are asked for once the data is written
/// (before anything is committed), so that a caller can compute them
/// meanwhile (hdf5_quantity.cpp's statistics). `attributes` may be called
/// once per attempt. `written`, if set, is called with the open dataset once
/// its data and attributes are written, before it is committed (a writer
/// reads the metadata there rather than reopening the file); if it throws,
/// the write is undone like any other failure.
void write_dataset_deferred(const std::filesystem::path& file, const std::string& dataset_path,
                            const Array& value, const std::function<Attributes()>& attributes,
                            const std::function<void(hid_t)>& written = {});
void write_dataset_deferred(const std::filesystem::path& file, const std::string& dataset_path,
                            ArrayView value, const std::function<Attributes()>& attributes,
                            const std::function<void(hid_t)>& written = {});

/// Writes (replacing same-named) attributes on an open object.
void write_object_attributes(hid_t obj, const Attributes& attributes, const std::string& where);

}  // namespace h5archive::detail
