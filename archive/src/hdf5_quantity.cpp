// Writing a section's HDF5 quantities into the entry's archive HDF5 file.
#include "hdf5_quantity.hpp"

#include <algorithm>
#include <functional>
#include <future>
#include <iostream>

#include <fmt/format.h>

#include "dataset_io_detail.hpp"
#include "h5archive/archive_state.hpp"
#include "h5archive/entry_files.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/hdf5.hpp"
#include "h5archive/reference.hpp"
#include "h5archive/section.hpp"
#include "quantity_metadata_detail.hpp"
#include "require_dataset.hpp"

namespace h5archive::detail {

const ArchiveState& require_hdf5_context(const Section& section) {
  const ArchiveState* st = section.state();
  if (st == nullptr || !st->context) {
    throw ValueError("Cannot normalize HDF5 value without context.");
  }
  // NOMAD checks the entry id first, although the upload id matters as much.
  if (!st->metadata.entry_id) throw ValueError("Only archives with entry_id can be referenced");
  if (!st->metadata.upload_id) throw ValueError("Only archives with upload_id can be referenced");
  return *st;
}

std::string hdf5_path(std::string_view archive_path) {
  return hdf5::InFilePath(archive_path).str();
}

Attributes dataset_attributes(const QuantityDef& quantity, const std::optional<Unit>& unit) {
  Attributes attrs;
  if (unit) attrs.emplace_back("units", AttributeValue::of(unit->str()));
  std::string long_name = quantity.name();
  if (quantity.h5web() && quantity.h5web()->long_name) {
    long_name = *quantity.h5web()->long_name;
  } else if (unit && !unit->str().empty()) {
    long_name += " (" + unit->str() + ")";
  }
  attrs.emplace_back("long_name", AttributeValue::of(long_name));
  return attrs;
}

Attributes nxdata_attributes(const H5WebAnnotation& a) {
  Attributes attrs;
  attrs.emplace_back("NX_class", AttributeValue::of(std::string("NXdata")));
  if (a.signal) attrs.emplace_back("signal", AttributeValue::of(*a.signal));
  if (a.axes) {
    if (const auto* one = std::get_if<std::string>(&*a.axes)) {
      attrs.emplace_back("axes", AttributeValue::of(*one));
    } else {
      attrs.emplace_back("axes", AttributeValue::of(std::get<std::vector<std::string>>(*a.axes)));
    }
  }
  if (a.auxiliary_signals) {
    attrs.emplace_back("auxiliary_signals", AttributeValue::of(*a.auxiliary_signals));
  }
  if (a.long_name) attrs.emplace_back("long_name", AttributeValue::of(*a.long_name));
  // h5py stores NOMAD's default `paths=[]` as an empty float64 array.
  if (a.paths.empty()) {
    attrs.emplace_back("paths", AttributeValue::of(Array::zeros(DType::float64, Shape{0})));
  } else {
    attrs.emplace_back("paths", AttributeValue::of(a.paths));
  }
  return attrs;
}

namespace {

void gather(Statistics& statistics, const Array& value) { statistics.update(value); }
void gather(Statistics& statistics, ArrayView value) {
  statistics.update(value.data(), value.size());
}

// write_quantity() of an Array (any dtype) or an ArrayView (numbers, bools).
template <class Value>
std::string write_value(const Section& section, const QuantityDef& quantity, const Value& value,
                        const std::optional<Unit>& unit, QuantityMetadata* metadata) {
  const ArchiveState& st = require_hdf5_context(section);
  const std::string& upload = *st.metadata.upload_id;
  const std::string& entry = *st.metadata.entry_id;
  auto file = st.context->archive_hdf5_path(upload, entry);
  std::string path = section.quantity_path(quantity.name());
  Attributes attributes = dataset_attributes(quantity, unit);
  // The statistics pass reads every element: from 1 MiB on it runs on a
  // second thread while HDF5 writes them, and its attributes join the
  // others once both are done (the future's destructor waits for it).
  Statistics statistics(value.dtype());
  const bool large =
      !is_string(value.dtype()) && value.size() * dtype_size(value.dtype()) >= (1u << 20);
  std::future<void> pass = std::async(large ? std::launch::async : std::launch::deferred,
                                      [&] { gather(statistics, value); });
  bool gathered = false;
  const auto all_attributes = [&] {
    if (!gathered) {
      pass.get();
      gathered = true;
      for (auto& a : statistics_attributes(statistics)) attributes.push_back(std::move(a));
    }
    return attributes;
  };
  // The metadata is read from the dataset the write has open: what
  // read_quantity_metadata() would find (a reused dataset keeps attributes
  // such as an old `units`), without opening the file three more times.
  const std::string dataset_path = hdf5_path(path);
  const auto record = [&](hid_t dataset) {
    // A reused dataset keeps its old attributes: statistics this value has
    // none of (min and max of an all-NaN array) would describe the old data.
    std::vector<std::string> stale;
    for (const std::string& name : stat_attributes) {
      if (std::none_of(attributes.begin(), attributes.end(),
                       [&](const auto& a) { return a.first == name; }))
        stale.push_back(name);
    }
    delete_attributes(dataset, stale, dataset_path);
    if (metadata != nullptr) *metadata = dataset_metadata(dataset, file, dataset_path);
  };
  write_over_abandoned(*st.context, upload, entry, [&] {
    write_dataset_deferred(file, dataset_path, value, all_attributes, record);
  });
  if (section.def().h5web()) {
    write_group_attributes(file, hdf5_path(section.path()),
                           nxdata_attributes(*section.def().h5web()));
  }
  return Reference::archive(upload, entry, path).str();
}

}  // namespace

std::string write_quantity(const Section& section, const QuantityDef& quantity, const Array& value,
                           const std::optional<Unit>& unit, QuantityMetadata* metadata) {
  return write_value(section, quantity, value, unit, metadata);
}

std::string write_quantity(const Section& section, const QuantityDef& quantity, ArrayView value,
                           const std::optional<Unit>& unit, QuantityMetadata* metadata) {
  return write_value(section, quantity, value, unit, metadata);
}

std::string relative_file_name(const std::filesystem::path& target,
                               const std::filesystem::path& from) {
  // Lexical, never through the file system: a raw file may be a symbolic
  // link out of the staging root, and the link written into the entry's
  // file must name the raw file as the reference does, not where that
  // symbolic link leads (readers without the connector would follow it).
  namespace fs = std::filesystem;
  const fs::path t = fs::absolute(target).lexically_normal();
  const fs::path f = fs::absolute(from).lexically_normal();
  return t.lexically_relative(f).generic_string();
}

void link_reference(const Section& section, const QuantityDef& quantity,
                    const std::string& reference) {
  const ArchiveState* st = section.state();
  // Without a full context the reference is only stored, as NOMAD does; the
  // link is what makes the entry file self-describing when one is known.
  if (st == nullptr || !st->context || !st->metadata.entry_id || !st->metadata.upload_id) return;
  const std::string& upload = *st->metadata.upload_id;
  auto file = st->context->archive_hdf5_path(upload, *st->metadata.entry_id);
  Resolved target = st->context->resolve(reference, upload);
  write_over_abandoned(*st->context, upload, *st->metadata.entry_id, [&] {
    link_resolved(file, hdf5_path(section.quantity_path(quantity.name())), target);
  });
}

void link_resolved(const std::filesystem::path& file, const std::string& link_path,
                   const Resolved& target) {
  const hdf5::InFilePath target_path(target.dataset);
  namespace fs = std::filesystem;
  // Compared as names: both come from the same staging area's layout.
  if (fs::absolute(target.file).lexically_normal() == fs::absolute(file).lexically_normal() &&
      target_path == hdf5::InFilePath(link_path)) {
    return;  // the quantity's own dataset (e.g. a reference read back from JSON)
  }
  write_external_link(file, link_path, relative_file_name(target.file, file.parent_path()),
                      target_path.str());
}

namespace {

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  namespace fs = std::filesystem;
  std::error_code ec1, ec2;
  const fs::path ca = fs::weakly_canonical(fs::absolute(a), ec1);
  const fs::path cb = fs::weakly_canonical(fs::absolute(b), ec2);
  return ec1 || ec2 ? a.lexically_normal() == b.lexically_normal() : ca == cb;
}

}  // namespace

bool committed_reference_to(const StagingArea& area, std::string_view upload,
                            const std::filesystem::path& file, const std::string& object_path) {
  const hdf5::InFilePath object(object_path);
  try {
    for (const std::string& entry : entry_files::list_entries(area, upload)) {
      for (const auto& found : entry_files::list_references(area, upload, entry)) {
        Resolved r;
        try {
          r = area.resolve(found.reference, upload);
        } catch (const Error&) {
          continue;  // a reference that leads nowhere refers to nothing here
        }
        if (object.contains(hdf5::InFilePath(r.dataset)) && same_file(r.file, file)) return true;
      }
    }
  } catch (const Error&) {
    return true;  // an archive that cannot be read: nobody can tell
  }
  return false;
}

void write_over_abandoned(const StagingArea& area, std::string_view upload, std::string_view entry,
                          const std::function<void()>& write) {
  const std::filesystem::path file = area.archive_hdf5_path(upload, entry);
  // Each pass removes one object; a bound keeps a file that keeps failing
  // the same way from looping.
  for (int removed = 0;; ++removed) {
    try {
      write();
      return;
    } catch (const AbandonedObjectError& e) {
      if (removed >= 16 || !same_file(e.file(), file) ||
          committed_reference_to(area, upload, file, e.object_path()))
        throw;
      remove_abandoned_object(file, e.object_path());
      std::cerr << "h5archive: note: removed " << e.object_path() << " from " << file.string()
                << ": a writer that stopped before finishing left it half-created (HDF5 cannot "
                   "read it), and no committed archive of upload "
                << upload << " refers to it\n";
    }
  }
}

}  // namespace h5archive::detail
