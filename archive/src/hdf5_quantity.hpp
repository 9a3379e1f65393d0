// Internal: how a section's HDF5 quantities reach the entry's archive HDF5
// file (arrays written, references linked) and the attributes written there.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "h5archive/array.hpp"
#include "h5archive/dataset_io.hpp"
#include "h5archive/quantity_metadata.hpp"
#include "h5archive/schema.hpp"
#include "h5archive/staging_area.hpp"
#include "h5archive/units.hpp"

namespace h5archive {

class Section;
struct ArchiveState;

namespace detail {

/// The state of `section`'s archive, checked as NOMAD checks before writing
/// HDF5: ValueError "Cannot normalize HDF5 value without context." (detached
/// section or no context), then "Only archives with entry_id can be
/// referenced", then "Only archives with upload_id can be referenced".
const ArchiveState& require_hdf5_context(const Section& section);

/// The HDF5 path of a section path or quantity path, canonical as
/// hdf5::InFilePath writes it: "//name/" -> "/name", "" -> "/".
std::string hdf5_path(std::string_view archive_path);

/// `units` (when `unit` is set; "" for dimensionless) and `long_name`
/// ("<name> (<units>)", "<name>", or the quantity's h5web long_name).
Attributes dataset_attributes(const QuantityDef& quantity, const std::optional<Unit>& unit);

/// NX_class=NXdata and each set field of the annotation (paths [] as an
/// empty float64 array).
Attributes nxdata_attributes(const H5WebAnnotation& annotation);

/// Writes `value` (already in unit `unit`) as quantity `quantity` of
/// `section` into the entry's archive HDF5 file, with attributes, and returns
/// the reference "/uploads/<u>/archive/<e>#<path>".
/// Statistics of `value` are written as h5archive_* attributes; with
/// `metadata`, the quantity's metadata as read_quantity_metadata() would
/// read it back (taken from the dataset the write has open).
std::string write_quantity(const Section& section, const QuantityDef& quantity, const Array& value,
                           const std::optional<Unit>& unit, QuantityMetadata* metadata = nullptr);
/// write_quantity() of numbers or bools from a view's buffer, uncopied.
std::string write_quantity(const Section& section, const QuantityDef& quantity, ArrayView value,
                           const std::optional<Unit>& unit, QuantityMetadata* metadata = nullptr);

/// Writes an external link at the quantity's path in the entry's archive
/// HDF5 file to the dataset `reference` points to, with a file name relative
/// to the entry file's folder. Does nothing when the reference names the
/// quantity's own dataset.
void link_reference(const Section& section, const QuantityDef& quantity,
                    const std::string& reference);

/// Writes the external link at `link_path` (an HDF5 path) of entry file
/// `file` to the resolved dataset `target`, with a relative file name; does
/// nothing when `target` is that very dataset. Shared by link_reference and
/// the schema-less entry editing of entry_files.
void link_resolved(const std::filesystem::path& file, const std::string& link_path,
                   const Resolved& target);

/// True if a committed (saved) archive JSON of `upload` holds a reference
/// that resolves to the object at `object_path` of HDF5 file `file`, or to
/// something under it. Also true when an archive of the upload cannot be
/// read: then nobody can tell, and nothing may be removed.
bool committed_reference_to(const StagingArea& area, std::string_view upload,
                            const std::filesystem::path& file, const std::string& object_path);

/// Runs `write`, a writer at a quantity's path in `entry`'s archive HDF5
/// file. If it meets an object left half-created by a writer that was killed
/// (AbandonedObjectError) in that file, and no committed archive of the
/// upload refers to it (committed_reference_to), the object is removed
/// (remove_abandoned_object), a note saying so goes to standard error, and
/// `write` runs again. A committed object is never removed: its error is
/// thrown. Quantities are committed by saving the archive JSON, which
/// happens only after their HDF5 writes have been closed (flushed), so an
/// object a committed reference names was complete when it was saved.
void write_over_abandoned(const StagingArea& area, std::string_view upload, std::string_view entry,
                          const std::function<void()>& write);

/// `target` relative to folder `from` (both made absolute and normalised as
/// names, no symbolic link followed), in generic form: "../raw/external.h5".
std::string relative_file_name(const std::filesystem::path& target,
                               const std::filesystem::path& from);

}  // namespace detail
}  // namespace h5archive
