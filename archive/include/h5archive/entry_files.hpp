// Schema-less editing of an entry's archive files (archive/<entry>.json and
// archive/<entry>.h5), for tools such as the command line that have no schema.
// Every change writes HDF5 first and the JSON last, atomically: on any error
// the JSON is untouched (and a dataset this call created is removed).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "h5archive/quantity_metadata.hpp"
#include "h5archive/quantity_writer.hpp"
#include "h5archive/staging_area.hpp"

namespace h5archive::entry_files {

/// archive/<entry>.json of the upload, or a new archive
/// {"metadata": {"upload_id": .., "entry_id": ..}, "data": {}} if the file
/// does not exist. NotFoundError if the upload does not exist; ValueError
/// naming the file if it is not a JSON object.
nlohmann::json load_entry(const StagingArea& area, std::string_view upload, std::string_view entry);

/// Writes archive/<entry>.json atomically (write_file_atomically).
void save_entry(const StagingArea& area, std::string_view upload, std::string_view entry,
                const nlohmann::json& archive);

/// The entries of an upload: the names of archive/*.json, sorted.
std::vector<std::string> list_entries(const StagingArea& area, std::string_view upload);

/// Fills a QuantityWriter (append/write blocks); called once by put_quantity.
using BlockSource = std::function<void(QuantityWriter&)>;

/// Streams a quantity into archive/<entry>.h5 at `archive_path` ("/data/value",
/// "/data/subs/0/y": numeric parts index lists; the parent objects and lists
/// are created; an index may be the list's length to append), then sets the
/// JSON at that path to "/uploads/<u>/archive/<e>#<archive_path>" and the
/// metadata under "m_hdf5" of the parent object. ValueError names a bad path
/// (empty, under "metadata", a part that is not an object/list, a list index
/// beyond the end). Dataset errors are the writer's (reassignment rules).
QuantityMetadata put_quantity(const StagingArea& area, std::string_view upload,
                              std::string_view entry, std::string_view archive_path, DType dtype,
                              const Extent& extent, const WriterOptions& options,
                              const BlockSource& source);

/// Sets the quantity at `archive_path` to `reference`: the reference must
/// parse (ReferenceError) and resolve, with this upload as the current one,
/// to an existing dataset (ResolveError / SecurityError / NotFoundError naming
/// it). Writes the relative external link in archive/<entry>.h5 (never over
/// stored data: TypeMismatchError "Incompatible object (Dataset) ...") and
/// sets the JSON string; stale m_hdf5 metadata of that quantity is dropped.
void link_quantity(const StagingArea& area, std::string_view upload, std::string_view entry,
                   std::string_view archive_path, std::string_view reference);

/// A reference string found in an entry's JSON.
struct FoundReference {
  std::string archive_path;  ///< "/data/value", "/data/subs/0/y"
  std::string reference;
};

/// Every string of the entry's JSON (outside "metadata" and "m_hdf5") that
/// parses as a reference, in document order.
std::vector<FoundReference> list_references(const nlohmann::json& archive);
std::vector<FoundReference> list_references(const StagingArea& area, std::string_view upload,
                                            std::string_view entry);

/// A reference that does not lead to a dataset, and why (the resolver's or
/// reader's message: unknown upload, missing file, missing dataset, escape).
struct BrokenReference {
  std::string entry;
  std::string archive_path;
  std::string reference;
  std::string reason;
};

/// Resolves every reference of the entry (or of every entry of the upload
/// when `entry` is empty) and returns the broken ones.
std::vector<BrokenReference> check_references(const StagingArea& area, std::string_view upload,
                                              std::string_view entry = {});

}  // namespace h5archive::entry_files
