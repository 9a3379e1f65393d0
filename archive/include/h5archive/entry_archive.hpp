// The entry archive: metadata, the `data` section tree, the staging-area
// context, and the JSON form stored as archive/<entry_id>.json.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "h5archive/archive_state.hpp"
#include "h5archive/atomic_file.hpp"
#include "h5archive/dataset_io.hpp"
#include "h5archive/schema.hpp"
#include "h5archive/section.hpp"
#include "h5archive/staging_area.hpp"

namespace h5archive {

/// An entry archive. Its root section (path "/") has the sub-section `data`
/// of the given definition, plus optional root quantities (path "//name").
class EntryArchive {
 public:
  explicit EntryArchive(std::shared_ptr<const SectionDef> data_def, EntryMetadata metadata = {},
                        std::optional<StagingArea> context = std::nullopt,
                        std::vector<QuantityDef> root_quantities = {});

  EntryMetadata& metadata() { return state_->metadata; }
  const EntryMetadata& metadata() const { return state_->metadata; }
  const std::optional<StagingArea>& context() const { return state_->context; }
  void set_context(std::optional<StagingArea> context) { state_->context = std::move(context); }

  /// The `data` section (created with the archive).
  Section& data() { return root_->sub_section("data"); }
  const Section& data() const { return *root_->find_sub_section("data"); }
  /// The root section (path "/"), holding `data` and root quantities.
  Section& root() { return *root_; }
  const Section& root() const { return *root_; }

  /// `archive/<entry_id>.h5` of this entry; ValueError without context or ids.
  std::filesystem::path hdf5_file() const;

  /// A QuantityWriter for the dataset at `dataset_path` of hdf5_file(), any
  /// path (e.g. "/streams/0", which a quantity then references). The same as
  /// constructing one on hdf5_file(), except that an object left
  /// half-created at the path by a writer that was killed is removed first,
  /// with a note on standard error, when no committed archive of the upload
  /// refers to it (see docs/reliability.md); a committed one never is
  /// (AbandonedObjectError).
  QuantityWriter stream_dataset(const std::string& dataset_path, DType dtype, Extent extent,
                                WriterOptions options = {}) const;

  /// The archive as JSON: {"metadata": {...}, "data": {"m_def": <name>, ...}}.
  /// HDF5 quantities appear as reference strings; quantities with the
  /// serialization annotation are written to the archive HDF5 file first
  /// (hence not const; needs a context, else ValueError).
  nlohmann::json to_json();
  /// Builds an archive from JSON. Reference strings are stored unchanged (no
  /// files are written); values of quantities with the serialization
  /// annotation are read back from HDF5 through `context`.
  /// ValueError names the offending key / section on malformed input.
  static EntryArchive from_json(const nlohmann::json& json,
                                std::shared_ptr<const SectionDef> data_def,
                                std::optional<StagingArea> context = std::nullopt,
                                std::vector<QuantityDef> root_quantities = {});

  /// Writes archive/<entry_id>.json atomically (temporary file in the same
  /// folder, then rename). NotFoundError if the upload does not exist.
  void save();
  /// Reads archive/<entry>.json of `upload_id` (NotFoundError naming the file
  /// if missing) with `area` as context.
  static EntryArchive load(const StagingArea& area, std::shared_ptr<const SectionDef> data_def,
                           std::string_view upload_id, std::string_view entry_id,
                           std::vector<QuantityDef> root_quantities = {});

  /// Reads the dataset a reference points to (resolved in the context, with
  /// this entry's upload as the current one), whole or a hyperslab.
  Array read_reference(std::string_view reference,
                       const std::optional<Hyperslab>& slab = std::nullopt) const;
  /// Reads the dataset at `archive_path` ("/data/value") of this entry's
  /// archive HDF5 file; external links (HDF5Reference strings) are followed.
  Array read_path(std::string_view archive_path,
                  const std::optional<Hyperslab>& slab = std::nullopt) const;

 private:
  std::shared_ptr<ArchiveState> state_;
  std::unique_ptr<Section> root_;
};

}  // namespace h5archive
