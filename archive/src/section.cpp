// Section instances: typed quantity values, sub-section trees, NOMAD paths.
#include "h5archive/section.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "h5archive/archive_state.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/hdf5.hpp"
#include "h5archive/reference.hpp"
#include "hdf5_quantity.hpp"
#include "printable.hpp"

namespace h5archive {
namespace {

// A value fits a definition shape if the ranks agree and every fixed size matches.
bool shape_fits(const QuantityDef& q, const Shape& shape) {
  const auto& dims = q.shape();
  if (dims.size() != shape.size()) return false;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] != any_size && static_cast<std::uint64_t>(dims[i]) != shape[i]) return false;
  }
  return true;
}

void check_shape(const Section& s, const QuantityDef& q, const Array& value) {
  if (!shape_fits(q, value.shape())) {
    throw ValueError(
        fmt::format("Shape mismatch for {}: the definition's shape is {}, the value's {}",
                    s.quantity_path(q.name()), q.shape_str(), shape_str(value.shape())));
  }
}

const char* kind_name(QuantityKind kind) {
  switch (kind) {
    case QuantityKind::numeric:
      return "numeric";
    case QuantityKind::string:
      return "a string quantity";
    case QuantityKind::boolean:
      return "a bool quantity";
    case QuantityKind::hdf5_reference:
      return "an HDF5Reference";
  }
  return "?";
}

}  // namespace

Section::Section(std::shared_ptr<const SectionDef> def) : def_(std::move(def)) {
  if (!def_) throw ValueError("A section needs a definition");
}

Section::Section(Section&& other) noexcept
    : def_(std::move(other.def_)),
      parent_(other.parent_),
      name_in_parent_(std::move(other.name_in_parent_)),
      state_(std::move(other.state_)),
      values_(std::move(other.values_)),
      metadata_(std::move(other.metadata_)),
      children_(std::move(other.children_)) {
  adopt_children();
}

Section& Section::operator=(Section&& other) noexcept {
  def_ = std::move(other.def_);
  parent_ = other.parent_;
  name_in_parent_ = std::move(other.name_in_parent_);
  state_ = std::move(other.state_);
  values_ = std::move(other.values_);
  metadata_ = std::move(other.metadata_);
  children_ = std::move(other.children_);
  adopt_children();
  return *this;
}

Section::~Section() = default;

void Section::adopt_children() {
  for (auto& [name, list] : children_) {
    for (auto& child : list) child->parent_ = this;
  }
}

std::string Section::path() const {
  if (parent_ == nullptr) return "/";
  hdf5::InFilePath p = hdf5::InFilePath(parent_->path()) / name_in_parent_;
  if (parent_->def().sub_section_def(name_in_parent_).repeats) {
    const auto& list = parent_->children_.find(name_in_parent_)->second;
    auto it =
        std::find_if(list.begin(), list.end(), [&](const auto& c) { return c.get() == this; });
    p /= std::to_string(it - list.begin());
  }
  return p.str();
}

// Not joined as an InFilePath: NOMAD writes a root quantity's path as
// "//name", and references carry it so (hdf5_path() canonicalises it).
std::string Section::quantity_path(std::string_view name) const {
  return path() + "/" + std::string(name);
}

ArchiveState* Section::state() const {
  const Section* s = this;
  while (s->parent_ != nullptr) s = s->parent_;
  return s->state_.get();
}

// ---- assignment ---------------------------------------------------------------

std::string Section::python_repr(double value, bool floating) {
  if (!floating) return fmt::format("{}", static_cast<long long>(value));
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{}", value);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

void Section::set_native(std::string_view name, Array value, const std::string& repr) {
  const QuantityDef& q = def_->quantity_def(name);
  if (q.kind() == QuantityKind::hdf5_reference) {
    // NOMAD accepts arrays but not Python numbers for HDF5 quantities.
    throw ValueError(fmt::format("Invalid HDF5 dataset value: {}.", repr));
  }
  set(name, std::move(value));
}

void Section::set_list(std::string_view name, Array value, const std::string& repr) {
  const QuantityDef& q = def_->quantity_def(name);
  if (q.is_scalar()) throw ValueError(fmt::format("Shape mismatch for {}.", repr));
  set(name, std::move(value));
}

void Section::set(std::string_view name, Array value) {
  const QuantityDef& q = def_->quantity_def(name);
  switch (q.kind()) {
    case QuantityKind::hdf5_reference:
      set_array(q, std::move(value), std::nullopt);
      return;
    case QuantityKind::numeric:
      if (is_string(value.dtype()) || !can_cast_safely(value.dtype(), q.dtype())) {
        throw TypeMismatchError(fmt::format("Cannot assign a {} value to {}, which is {}",
                                            value.dtype_name(), quantity_path(name),
                                            dtype_name(q.dtype())));
      }
      check_shape(*this, q, value);
      if (value.dtype() != q.dtype()) value = value.cast_to(q.dtype());
      break;
    case QuantityKind::boolean:
      if (value.dtype() != DType::boolean) {
        throw TypeMismatchError(fmt::format("Cannot assign a {} value to {}, which is bool",
                                            value.dtype_name(), quantity_path(name)));
      }
      check_shape(*this, q, value);
      break;
    case QuantityKind::string:
      if (!is_string(value.dtype())) {
        throw TypeMismatchError(fmt::format("Cannot assign a {} value to {}, which is a string",
                                            value.dtype_name(), quantity_path(name)));
      }
      check_shape(*this, q, value);
      break;
  }
  values_.insert_or_assign(std::string(name), std::move(value));
}

void Section::set(std::string_view name, ArrayView value) {
  const QuantityDef& q = def_->quantity_def(name);
  if (q.kind() != QuantityKind::hdf5_reference) return set(name, value.to_array());
  detail::require_hdf5_context(*this);
  write_hdf5(q, value, q.unit());
}

void Section::set(std::string_view name, UnitArray value) {
  const QuantityDef& q = def_->quantity_def(name);
  if (q.kind() == QuantityKind::hdf5_reference) {
    set_array(q, std::move(value.value), std::move(value.unit));
    return;
  }
  if (q.kind() != QuantityKind::numeric) {
    throw ValueError(fmt::format("{} is {}; it cannot take a value in {}", quantity_path(name),
                                 kind_name(q.kind()), value.unit.display()));
  }
  if (!q.unit()) {
    // Only HDF5 quantities can keep a donated unit (in the `units` attribute).
    throw ValueError(fmt::format("{} has no unit; it cannot take a value in {}",
                                 quantity_path(name), value.unit.display()));
  }
  set(name, convert_units(value.value, value.unit, *q.unit()));
}

void Section::set(std::string_view name, std::string value) {
  const QuantityDef& q = def_->quantity_def(name);
  if (q.kind() == QuantityKind::hdf5_reference) {
    Reference::parse(value);
    detail::link_reference(*this, q, value);
    metadata_.erase(q.name());  // describes the data an earlier value pointed to
  } else if (q.kind() != QuantityKind::string) {
    throw TypeMismatchError(fmt::format("{} is {}; it cannot take the string {}",
                                        quantity_path(name), kind_name(q.kind()),
                                        detail::quote(value)));
  } else if (!q.is_scalar()) {
    throw ValueError(fmt::format("Shape mismatch for {}: {} has shape {}", detail::quote(value),
                                 quantity_path(name), q.shape_str()));
  }
  values_.insert_or_assign(std::string(name), std::move(value));
}

void Section::set_array(const QuantityDef& q, Array value, std::optional<Unit> unit) {
  // NOMAD's order: the context and ids first, then units, then the write.
  detail::require_hdf5_context(*this);
  std::optional<Unit> effective = q.unit();
  if (unit && q.unit()) {
    value = convert_units(value, *unit, *q.unit());
  } else if (unit) {
    effective = std::move(unit);
  }
  write_hdf5(q, value, effective);
}

template <class Value>
void Section::write_hdf5(const QuantityDef& q, const Value& value,
                         const std::optional<Unit>& unit) {
  QuantityMetadata metadata;
  std::string reference = detail::write_quantity(*this, q, value, unit, &metadata);
  values_.insert_or_assign(q.name(), std::move(reference));
  metadata_.insert_or_assign(q.name(), std::move(metadata));
}

void Section::unset(std::string_view name) {
  def_->quantity_def(name);
  if (auto it = values_.find(name); it != values_.end()) values_.erase(it);
  if (auto it = metadata_.find(name); it != metadata_.end()) metadata_.erase(it);
}

const QuantityMetadata* Section::metadata(std::string_view name) const {
  def_->quantity_def(name);
  auto it = metadata_.find(name);
  return it == metadata_.end() ? nullptr : &it->second;
}

void Section::set_metadata(std::string_view name, std::optional<QuantityMetadata> metadata) {
  def_->quantity_def(name);
  if (metadata) {
    metadata_.insert_or_assign(std::string(name), std::move(*metadata));
  } else if (auto it = metadata_.find(name); it != metadata_.end()) {
    metadata_.erase(it);
  }
}

QuantityWriter Section::stream(std::string_view name, DType dtype, Extent extent,
                               WriterOptions options) {
  const QuantityDef& q = def_->quantity_def(name);
  if (q.kind() != QuantityKind::hdf5_reference) {
    throw ValueError(fmt::format("{} is {}; only HDF5Reference quantities can be streamed",
                                 quantity_path(name), kind_name(q.kind())));
  }
  const ArchiveState& st = detail::require_hdf5_context(*this);
  std::optional<Unit> unit = q.unit();
  if (options.unit) {
    Unit given = Unit::parse(*options.unit);
    if (unit && !(given == *unit)) {
      throw ValueError(
          fmt::format("{} is in {}; cannot stream values in {} (no conversion while "
                      "streaming)",
                      quantity_path(name), unit->display(), given.display()));
    }
    unit = given;
  }
  Attributes attributes = detail::dataset_attributes(q, unit);
  for (auto& a : options.attributes) attributes.push_back(std::move(a));
  options.attributes = std::move(attributes);
  options.unit.reset();  // `units` is among the attributes
  const std::string& upload = *st.metadata.upload_id;
  const std::string& entry = *st.metadata.entry_id;
  auto file = st.context->archive_hdf5_path(upload, entry);
  const std::string path = quantity_path(name);
  std::optional<QuantityWriter> opened;
  detail::write_over_abandoned(*st.context, upload, entry, [&] {
    opened.emplace(file, detail::hdf5_path(path), dtype, extent, options);
  });
  QuantityWriter writer = std::move(*opened);
  std::string reference = Reference::archive(upload, entry, path).str();
  writer.on_finish([this, file, quantity = q.name(), reference](const QuantityMetadata& md) {
    if (def_->h5web()) {
      write_group_attributes(file, detail::hdf5_path(this->path()),
                             detail::nxdata_attributes(*def_->h5web()));
    }
    values_.insert_or_assign(quantity, reference);
    metadata_.insert_or_assign(quantity, md);
  });
  return writer;
}

void Section::store(std::string_view name, QuantityValue value) {
  def_->quantity_def(name);
  values_.insert_or_assign(std::string(name), std::move(value));
}

// ---- sub-sections ---------------------------------------------------------------

std::vector<std::unique_ptr<Section>>& Section::children(std::string_view name) {
  def_->sub_section_def(name);
  auto it = children_.find(name);
  if (it == children_.end())
    it = children_.emplace(std::string(name), decltype(it->second){}).first;
  return it->second;
}

Section& Section::sub_section(std::string_view name) {
  const SubSectionDef& sd = def_->sub_section_def(name);
  if (sd.repeats) {
    throw ValueError(fmt::format("Sub-section {} of {} repeats; use add()", name, path()));
  }
  auto& list = children(name);
  if (list.empty()) {
    list.push_back(std::make_unique<Section>(sd.section));
    list.back()->parent_ = this;
    list.back()->name_in_parent_ = std::string(name);
  }
  return *list.front();
}

Section& Section::add(std::string_view name) {
  const SubSectionDef& sd = def_->sub_section_def(name);
  if (!sd.repeats) {
    throw ValueError(
        fmt::format("Sub-section {} of {} does not repeat; use sub_section()", name, path()));
  }
  return add(name, Section(sd.section));
}

Section& Section::add(std::string_view name, Section section) {
  const SubSectionDef& sd = def_->sub_section_def(name);
  if (section.def().name() != sd.section->name()) {
    throw ValueError(fmt::format("Cannot add a {} section as sub-section {} of {} (expects {})",
                                 section.def().name(), name, path(), sd.section->name()));
  }
  if (section.state_) {
    throw ValueError(
        fmt::format("Cannot add the root of an archive as sub-section {} of {}", name, path()));
  }
  auto& list = children(name);
  auto child = std::make_unique<Section>(std::move(section));
  child->parent_ = this;
  child->name_in_parent_ = std::string(name);
  if (!sd.repeats) list.clear();
  list.push_back(std::move(child));
  return *list.back();
}

Section* Section::find_sub_section(std::string_view name) {
  return const_cast<Section*>(std::as_const(*this).find_sub_section(name));
}

const Section* Section::find_sub_section(std::string_view name) const {
  def_->sub_section_def(name);
  auto it = children_.find(name);
  if (it == children_.end() || it->second.empty()) return nullptr;
  return it->second.front().get();
}

std::size_t Section::count(std::string_view name) const {
  def_->sub_section_def(name);
  auto it = children_.find(name);
  return it == children_.end() ? 0 : it->second.size();
}

Section& Section::at(std::string_view name, std::size_t index) {
  return const_cast<Section&>(std::as_const(*this).at(name, index));
}

const Section& Section::at(std::string_view name, std::size_t index) const {
  std::size_t n = count(name);
  if (index >= n) {
    throw NotFoundError(fmt::format("{} has no {}/{} ({} element(s))", path(), name, index, n));
  }
  return *children_.find(name)->second[index];
}

}  // namespace h5archive
