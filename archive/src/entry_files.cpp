// Schema-less editing of an entry's archive JSON and HDF5 files.
#include "h5archive/entry_files.hpp"

#include <algorithm>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include "h5archive/atomic_file.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/hdf5.hpp"
#include "h5archive/reference.hpp"
#include "hdf5_quantity.hpp"
#include "printable.hpp"
#include "staged_open.hpp"

namespace h5archive::entry_files {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

bool is_index(const std::string& part) {
  return !part.empty() &&
         std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// An archive path names a quantity by the same parts as its HDF5 dataset.
using Path = hdf5::InFilePath;

// The JSON object that holds the quantity at `path` (created on the way),
// checked before any file is written. `archive` is a copy the caller saves.
json& parent_object(json& archive, const Path& path, std::string_view archive_path) {
  const std::vector<std::string>& parts = path.parts();
  auto bad = [&](const std::string& why) {
    return ValueError(fmt::format("Invalid archive path {}: {}", detail::quote(archive_path), why));
  };
  if (parts.empty()) throw bad("it names no quantity");
  if (parts.front() == "metadata") throw bad("the metadata section holds no HDF5 quantities");
  const std::string& name = parts.back();
  if (is_index(name) || name == "m_def" || name == "m_hdf5")
    throw bad("\"" + name + "\" cannot be a quantity name");
  json* node = &archive;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool next_is_index = i + 2 < parts.size() && is_index(parts[i + 1]);
    if (is_index(part)) {
      if (!node->is_array()) throw bad(path.prefix(i).str() + " is not a list");
      const std::size_t index = std::stoull(part);
      if (index > node->size())
        throw bad(fmt::format("{} has {} element(s); index {} is beyond its end",
                              path.prefix(i).str(), node->size(), index));
      if (index == node->size()) node->push_back(next_is_index ? json::array() : json::object());
      node = &(*node)[index];
    } else {
      if (!node->is_object()) throw bad(path.prefix(i).str() + " is not an object");
      if (!node->contains(part) || (*node)[part].is_null())
        (*node)[part] = next_is_index ? json::array() : json::object();
      node = &(*node)[part];
    }
    if (!node->is_object() && !node->is_array())
      throw bad(path.prefix(i + 1).str() + " holds a value, not a section");
  }
  if (!node->is_object()) throw bad(path.parent().str() + " is not an object");
  return *node;
}

void collect(const json& node, const std::string& path, std::vector<FoundReference>& out) {
  if (node.is_string()) {
    const auto& s = node.get_ref<const std::string&>();
    if (Reference::match(s)) out.push_back({path.empty() ? "/" : path, s});
  } else if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "metadata" || key == "m_hdf5" || key == "m_def") continue;
      collect(value, path + "/" + key, out);
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      collect(node[i], path + "/" + std::to_string(i), out);
  }
}

void require_upload(const StagingArea& area, std::string_view upload) {
  if (!area.has_upload(upload))
    throw NotFoundError(
        fmt::format("Upload {} does not exist in {}", upload, area.root().string()));
}

}  // namespace

json load_entry(const StagingArea& area, std::string_view upload, std::string_view entry) {
  require_upload(area, upload);
  const fs::path path = area.archive_json_path(upload, entry);
  const std::optional<std::string> text = detail::read_whole_file(path);
  if (!text) {
    return json{
        {"metadata", {{"upload_id", std::string(upload)}, {"entry_id", std::string(entry)}}},
        {"data", json::object()}};
  }
  json j;
  try {
    j = json::parse(*text);
  } catch (const json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 2, ...": the
    // bracketed id means nothing to a user.
    std::string_view reason = e.what();
    if (reason.starts_with("[json.exception.")) reason.remove_prefix(reason.find("] ") + 2);
    throw ValueError(fmt::format("{} is not valid JSON: {}", path.string(), reason));
  }
  if (!j.is_object())
    throw ValueError(fmt::format("{} does not hold a JSON object", path.string()));
  return j;
}

void save_entry(const StagingArea& area, std::string_view upload, std::string_view entry,
                const json& archive) {
  require_upload(area, upload);
  fs::create_directories(area.archive_dir(upload));
  write_file_atomically(area.archive_json_path(upload, entry), archive.dump(2) + "\n");
}

std::vector<std::string> list_entries(const StagingArea& area, std::string_view upload) {
  require_upload(area, upload);
  std::vector<std::string> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(area.archive_dir(upload), ec)) {
    if (e.path().extension() == ".json") entries.push_back(e.path().stem().string());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

QuantityMetadata put_quantity(const StagingArea& area, std::string_view upload,
                              std::string_view entry, std::string_view archive_path, DType dtype,
                              const Extent& extent, const WriterOptions& options,
                              const BlockSource& source) {
  json archive = load_entry(area, upload, entry);
  const Path parsed(archive_path);
  json& parent = parent_object(archive, parsed, archive_path);
  const std::string path = parsed.str();
  const std::string& name = parsed.name();
  // Checked before any data is written: the metadata goes there at the end.
  if (auto it = parent.find("m_hdf5"); it != parent.end() && !it->is_object())
    throw ValueError(fmt::format("{}: \"m_hdf5\" beside {} must be an object, got {}",
                                 area.archive_json_path(upload, entry).string(), archive_path,
                                 it->dump()));
  fs::create_directories(area.archive_dir(upload));
  std::optional<QuantityWriter> opened;
  detail::write_over_abandoned(area, upload, entry, [&] {
    opened.emplace(area.archive_hdf5_path(upload, entry), path, dtype, extent, options);
  });
  QuantityWriter& writer = *opened;
  QuantityMetadata md;
  try {
    source(writer);
    md = writer.finish();
  } catch (...) {
    writer.abort();
    throw;
  }
  parent[name] = Reference::archive(std::string(upload), std::string(entry), path).str();
  parent["m_hdf5"][name] = md.to_json();
  save_entry(area, upload, entry, archive);
  return md;
}

void link_quantity(const StagingArea& area, std::string_view upload, std::string_view entry,
                   std::string_view archive_path, std::string_view reference) {
  Reference::parse(reference);
  json archive = load_entry(area, upload, entry);
  const Path parsed(archive_path);
  json& parent = parent_object(archive, parsed, archive_path);
  const Resolved target = area.resolve(reference, upload);
  dataset_info(target.file, target.dataset);  // must exist: NotFoundError names it
  fs::create_directories(area.archive_dir(upload));
  detail::write_over_abandoned(area, upload, entry, [&] {
    detail::link_resolved(area.archive_hdf5_path(upload, entry), parsed.str(), target);
  });
  parent[parsed.name()] = std::string(reference);
  if (auto it = parent.find("m_hdf5"); it != parent.end() && it->is_object()) {
    it->erase(parsed.name());
    if (it->empty()) parent.erase("m_hdf5");
  }
  save_entry(area, upload, entry, archive);
}

std::vector<FoundReference> list_references(const json& archive) {
  std::vector<FoundReference> out;
  collect(archive, "", out);
  return out;
}

std::vector<FoundReference> list_references(const StagingArea& area, std::string_view upload,
                                            std::string_view entry) {
  const fs::path path = area.archive_json_path(upload, entry);
  if (!fs::exists(path))
    throw NotFoundError(fmt::format("Entry {} of upload {} has no archive: {} does not exist",
                                    entry, upload, path.string()));
  return list_references(load_entry(area, upload, entry));
}

std::vector<BrokenReference> check_references(const StagingArea& area, std::string_view upload,
                                              std::string_view entry) {
  std::vector<std::string> entries;
  if (entry.empty()) {
    entries = list_entries(area, upload);
  } else {
    entries.emplace_back(entry);
  }
  std::vector<BrokenReference> broken;
  for (const auto& e : entries) {
    for (auto& found : list_references(area, upload, e)) {
      try {
        const Resolved r = area.resolve(found.reference, upload);
        dataset_info(r.file, r.dataset);
      } catch (const Error& err) {
        broken.push_back(
            {e, std::move(found.archive_path), std::move(found.reference), err.what()});
      }
    }
  }
  return broken;
}

}  // namespace h5archive::entry_files
