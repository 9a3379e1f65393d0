// The JSON (dict) form of an entry archive: EntryArchive::to_json / from_json.
#include <complex>
#include <cstdint>

#include <fmt/format.h>

#include "h5archive/entry_archive.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/reference.hpp"
#include "h5archive/resolve_read.hpp"
#include "hdf5_quantity.hpp"
#include "printable.hpp"

namespace h5archive {
namespace {

using json = nlohmann::json;

// Calls f(T{}) with the C++ element type of a numeric dtype.
template <class F>
void visit_numeric(DType dtype, F&& f) {
  switch (dtype) {
    case DType::int8:
      return f(std::int8_t{});
    case DType::int16:
      return f(std::int16_t{});
    case DType::int32:
      return f(std::int32_t{});
    case DType::int64:
      return f(std::int64_t{});
    case DType::uint8:
      return f(std::uint8_t{});
    case DType::uint16:
      return f(std::uint16_t{});
    case DType::uint32:
      return f(std::uint32_t{});
    case DType::uint64:
      return f(std::uint64_t{});
    case DType::float32:
      return f(float{});
    case DType::float64:
      return f(double{});
    default:
      throw ValueError(fmt::format("{} values have no JSON form", dtype_name(dtype)));
  }
}

json element_to_json(const Array& a, std::uint64_t i) {
  DType dt = a.dtype();
  if (dt == DType::boolean) return a.bools()[i] != 0;
  if (is_string(dt)) return a.strings()[i];
  json out;
  visit_numeric(dt, [&](auto tag) { out = a.values<decltype(tag)>()[i]; });
  return out;
}

json nested_to_json(const Array& a, std::size_t dim, std::uint64_t& next) {
  if (dim == a.rank()) return element_to_json(a, next++);
  json list = json::array();
  for (std::uint64_t k = 0; k < a.shape()[dim]; ++k)
    list.push_back(nested_to_json(a, dim + 1, next));
  return list;
}

json array_to_json(const Array& a, const std::string& where) {
  if (a.dtype() == DType::complex64 || a.dtype() == DType::complex128) {
    throw ValueError(fmt::format("{}: complex values have no JSON form", where));
  }
  std::uint64_t next = 0;
  return nested_to_json(a, 0, next);
}

// Flattens a rectangular nested list, recording its shape.
void flatten(const json& j, std::size_t dim, Shape& shape, std::vector<const json*>& out,
             const std::string& where) {
  if (!j.is_array()) {
    if (dim != shape.size()) throw ValueError(fmt::format("{}: ragged nested list", where));
    out.push_back(&j);
    return;
  }
  if (dim == shape.size()) {
    if (!out.empty()) throw ValueError(fmt::format("{}: ragged nested list", where));
    shape.push_back(j.size());
  } else if (dim > shape.size() || shape[dim] != j.size()) {
    throw ValueError(fmt::format("{}: ragged nested list", where));
  }
  for (const auto& item : j) flatten(item, dim + 1, shape, out, where);
}

Array array_from_json(const json& j, DType dtype, const std::string& where) {
  Shape shape;
  std::vector<const json*> items;
  flatten(j, 0, shape, items, where);
  if (dtype == DType::boolean) {
    std::vector<bool> values;
    for (const json* e : items) {
      if (!e->is_boolean())
        throw ValueError(fmt::format("{}: expected true/false, got {}", where, e->dump()));
      values.push_back(e->get<bool>());
    }
    return Array::of_bools(values, shape);
  }
  if (is_string(dtype)) {
    std::vector<std::string> values;
    for (const json* e : items) {
      if (!e->is_string())
        throw ValueError(fmt::format("{}: expected a string, got {}", where, e->dump()));
      values.push_back(e->get<std::string>());
    }
    return Array::of_strings(std::move(values), shape);
  }
  Array out = Array::zeros(dtype, shape);
  visit_numeric(dtype, [&](auto tag) {
    using T = decltype(tag);
    auto dst = out.values<T>();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const json& e = *items[i];
      bool ok = std::is_floating_point_v<T> ? e.is_number() : e.is_number_integer();
      if (!ok) {
        throw ValueError(
            fmt::format("{}: expected a {} number, got {}", where, dtype_name(dtype), e.dump()));
      }
      dst[i] = e.get<T>();
    }
  });
  return out;
}

json section_to_json(Section& s, bool with_m_def) {
  json obj = json::object();
  if (with_m_def) obj["m_def"] = s.def().name();
  for (const QuantityDef& q : s.def().quantities()) {
    const QuantityValue* v = s.find(q.name());
    if (v == nullptr) continue;
    if (const auto* text = std::get_if<std::string>(v)) {
      obj[q.name()] = *text;
    } else if (q.serialized_to_hdf5()) {
      // The serialization annotation: written now, emitted as its reference.
      QuantityMetadata md;
      obj[q.name()] = detail::write_quantity(s, q, std::get<Array>(*v), q.unit(), &md);
      s.set_metadata(q.name(), std::move(md));
    } else {
      obj[q.name()] = array_to_json(std::get<Array>(*v), s.quantity_path(q.name()));
      continue;
    }
    // Metadata of large quantities sits beside them (docs/library.md).
    if (const QuantityMetadata* md = s.metadata(q.name())) obj["m_hdf5"][q.name()] = md->to_json();
  }
  for (const SubSectionDef& sd : s.def().sub_sections()) {
    std::size_t n = s.count(sd.name);
    if (n == 0) continue;
    if (sd.repeats) {
      json list = json::array();
      for (std::size_t i = 0; i < n; ++i) list.push_back(section_to_json(s.at(sd.name, i), false));
      obj[sd.name] = std::move(list);
    } else {
      obj[sd.name] = section_to_json(s.at(sd.name, 0), false);
    }
  }
  return obj;
}

void quantity_from_json(Section& s, const QuantityDef& q, const json& j) {
  if (j.is_null()) return;
  std::string where = s.quantity_path(q.name());
  if (q.kind() == QuantityKind::hdf5_reference) {
    if (!j.is_string()) {
      throw ValueError(
          fmt::format("{}: an HDF5 reference must be a string, got {}", where, j.dump()));
    }
    // Validated, stored unchanged; the links were written when it was assigned.
    Reference::parse(j.get<std::string>());
    s.store(q.name(), j.get<std::string>());
    return;
  }
  if (q.serialized_to_hdf5() && j.is_string()) {
    const ArchiveState& st = detail::require_hdf5_context(s);
    Array a = resolve_and_read(*st.context, j.get<std::string>(), *st.metadata.upload_id,
                               [](const Resolved& r) { return read_dataset(r.file, r.dataset); });
    if (a.dtype() != q.dtype() && !can_cast_safely(a.dtype(), q.dtype())) {
      throw TypeMismatchError(
          fmt::format("{}: the dataset {} is {}, which does not cast safely to {}", where,
                      j.get<std::string>(), a.dtype_name(), dtype_name(q.dtype())));
    }
    s.set(q.name(), std::move(a));
    return;
  }
  if (q.kind() == QuantityKind::string && j.is_string()) {
    s.set(q.name(), j.get<std::string>());
    return;
  }
  s.set(q.name(), array_from_json(j, q.dtype(), where));
}

void section_from_json(Section& s, const json& j) {
  if (!j.is_object()) {
    throw ValueError(fmt::format("Section {} must be a JSON object, got {}", s.path(), j.dump()));
  }
  for (const auto& [key, value] : j.items()) {
    if (key == "m_hdf5") {
      continue;  // after the quantities (below)
    } else if (key == "m_def") {
      if (!value.is_string() || value.get<std::string>() != s.def().name()) {
        throw ValueError(fmt::format("Section {} is a {}, but the JSON says m_def {}", s.path(),
                                     s.def().name(), value.dump()));
      }
    } else if (const QuantityDef* q = s.def().find_quantity(key)) {
      quantity_from_json(s, *q, value);
    } else if (const SubSectionDef* sd = s.def().find_sub_section(key)) {
      if (value.is_null()) continue;
      if (!sd->repeats) {
        section_from_json(s.sub_section(key), value);
      } else {
        if (!value.is_array()) {
          throw ValueError(
              fmt::format("Repeating sub-section {} of {} must be a JSON list", key, s.path()));
        }
        for (const auto& item : value) section_from_json(s.add(key), item);
      }
    } else {
      throw ValueError(fmt::format("Unknown key {} in section {} ({})", detail::quote(key),
                                   s.path(), s.def().name()));
    }
  }
  if (auto it = j.find("m_hdf5"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) {
      throw ValueError(fmt::format("m_hdf5 of section {} must be an object", s.path()));
    }
    for (const auto& [name, md] : it->items()) {
      const QuantityDef* q = s.def().find_quantity(name);
      if (q == nullptr || !q->is_hdf5()) {
        throw ValueError(
            fmt::format("m_hdf5 of section {} names {}, which is not an HDF5 "
                        "quantity of {}",
                        s.path(), detail::quote(name), s.def().name()));
      }
      s.set_metadata(name, QuantityMetadata::from_json(md));
    }
  }
}

std::optional<std::string> optional_string(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    throw ValueError(fmt::format("metadata.{} must be a string, got {}", key, it->dump()));
  }
  return it->get<std::string>();
}

}  // namespace

nlohmann::json EntryArchive::to_json() {
  json out = json::object();
  json md = json::object();
  if (metadata().upload_id) md["upload_id"] = *metadata().upload_id;
  if (metadata().entry_id) md["entry_id"] = *metadata().entry_id;
  if (metadata().mainfile) md["mainfile"] = *metadata().mainfile;
  out["metadata"] = std::move(md);
  // The root section holds root quantities and `data` (which carries m_def).
  json root = section_to_json(*root_, false);
  for (auto& [key, value] : root.items()) {
    if (key == "data") {
      value["m_def"] = data().def().name();
    }
    out[key] = value;
  }
  if (!out.contains("data")) out["data"] = json{{"m_def", data().def().name()}};
  return out;
}

EntryArchive EntryArchive::from_json(const nlohmann::json& j,
                                     std::shared_ptr<const SectionDef> data_def,
                                     std::optional<StagingArea> context,
                                     std::vector<QuantityDef> root_quantities) {
  if (!j.is_object())
    throw ValueError(fmt::format("An archive must be a JSON object, got {}", j.dump()));
  // Metadata first, as NOMAD does: HDF5 values need the ids.
  EntryMetadata md;
  if (auto it = j.find("metadata"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) throw ValueError("metadata must be a JSON object");
    md.upload_id = optional_string(*it, "upload_id");
    md.entry_id = optional_string(*it, "entry_id");
    md.mainfile = optional_string(*it, "mainfile");
  }
  EntryArchive archive(std::move(data_def), std::move(md), std::move(context),
                       std::move(root_quantities));
  json rest = j;
  rest.erase("metadata");
  section_from_json(*archive.root_, rest);
  return archive;
}

}  // namespace h5archive
