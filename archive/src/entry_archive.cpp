// The entry archive: construction, the archive HDF5 file, save / load, reads.
#include "h5archive/entry_archive.hpp"

#include <fstream>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "h5archive/errors.hpp"
#include "h5archive/resolve_read.hpp"
#include "hdf5_quantity.hpp"
#include "staged_open.hpp"

namespace h5archive {
namespace {

std::shared_ptr<const SectionDef> root_def(std::shared_ptr<const SectionDef> data_def,
                                           std::vector<QuantityDef> root_quantities) {
  if (!data_def) throw ValueError("An entry archive needs a data section definition");
  SectionDef def("EntryArchive");
  for (auto& q : root_quantities) {
    if (q.name() == "metadata") {
      throw ValueError("'metadata' is reserved; it cannot be a root quantity");
    }
    def.quantity(std::move(q));
  }
  def.sub_section("data", std::move(data_def));
  return def.shared();
}

}  // namespace

EntryArchive::EntryArchive(std::shared_ptr<const SectionDef> data_def, EntryMetadata metadata,
                           std::optional<StagingArea> context,
                           std::vector<QuantityDef> root_quantities)
    : state_(std::make_shared<ArchiveState>(ArchiveState{std::move(metadata), std::move(context)})),
      root_(std::make_unique<Section>(root_def(std::move(data_def), std::move(root_quantities)))) {
  root_->attach_state(state_);
  root_->sub_section("data");
}

std::filesystem::path EntryArchive::hdf5_file() const {
  const ArchiveState& st = detail::require_hdf5_context(*root_);
  return st.context->archive_hdf5_path(*st.metadata.upload_id, *st.metadata.entry_id);
}

QuantityWriter EntryArchive::stream_dataset(const std::string& dataset_path, DType dtype,
                                            Extent extent, WriterOptions options) const {
  const ArchiveState& st = detail::require_hdf5_context(*root_);
  const std::filesystem::path file = hdf5_file();
  std::optional<QuantityWriter> opened;
  detail::write_over_abandoned(*st.context, *st.metadata.upload_id, *st.metadata.entry_id,
                               [&] { opened.emplace(file, dataset_path, dtype, extent, options); });
  return std::move(*opened);
}

void EntryArchive::save() {
  const ArchiveState& st = detail::require_hdf5_context(*root_);
  const std::string& upload = *st.metadata.upload_id;
  if (!st.context->has_upload(upload)) {
    throw NotFoundError(
        fmt::format("Upload {} does not exist in {}", upload, st.context->root().string()));
  }
  // Serialize first: it may write HDF5 and may fail, before any file is touched.
  std::string text = to_json().dump(2) + "\n";
  write_file_atomically(st.context->archive_json_path(upload, *st.metadata.entry_id), text);
}

EntryArchive EntryArchive::load(const StagingArea& area, std::shared_ptr<const SectionDef> data_def,
                                std::string_view upload_id, std::string_view entry_id,
                                std::vector<QuantityDef> root_quantities) {
  auto path = area.archive_json_path(upload_id, entry_id);
  const std::optional<std::string> text = detail::read_whole_file(path);
  if (!text) {
    throw NotFoundError(fmt::format("Entry {} of upload {} has no archive: {} does not exist",
                                    entry_id, upload_id, path.string()));
  }
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(fmt::format("{} is not valid JSON: {}", path.string(), e.what()));
  }
  EntryArchive archive = from_json(json, std::move(data_def), area, std::move(root_quantities));
  // The file's place names the entry, should its metadata lack the ids.
  if (!archive.metadata().upload_id) archive.metadata().upload_id = std::string(upload_id);
  if (!archive.metadata().entry_id) archive.metadata().entry_id = std::string(entry_id);
  return archive;
}

Array EntryArchive::read_reference(std::string_view reference,
                                   const std::optional<Hyperslab>& slab) const {
  if (!state_->context) throw ValueError(fmt::format("Cannot read {} without context.", reference));
  std::optional<std::string_view> upload;
  if (state_->metadata.upload_id) upload = *state_->metadata.upload_id;
  return resolve_and_read(*state_->context, reference, upload,
                          [&](const Resolved& r) { return read_dataset(r.file, r.dataset, slab); });
}

Array EntryArchive::read_path(std::string_view archive_path,
                              const std::optional<Hyperslab>& slab) const {
  return read_dataset(hdf5_file(), detail::hdf5_path(archive_path), slab);
}

}  // namespace h5archive
