// Section and quantity definitions.
#include "h5archive/schema.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "h5archive/errors.hpp"
#include "printable.hpp"

namespace h5archive {

QuantityDef::QuantityDef(std::string name, QuantityKind kind, DType dtype)
    : name_(std::move(name)), kind_(kind), dtype_(dtype) {
  if (name_.empty() || name_.find('/') != std::string::npos || name_.starts_with("m_")) {
    // Names become HDF5 link names and JSON keys; `m_` keys are NOMAD's own (m_def).
    throw ValueError(fmt::format("Invalid quantity name {}", detail::quote(name_)));
  }
}

QuantityDef QuantityDef::number(std::string name, DType dtype) {
  if (is_string(dtype) || dtype == DType::boolean) {
    throw ValueError(
        fmt::format("Quantity {} is numeric but has dtype {}", name, dtype_name(dtype)));
  }
  return QuantityDef(std::move(name), QuantityKind::numeric, dtype);
}
QuantityDef QuantityDef::text(std::string name) {
  return QuantityDef(std::move(name), QuantityKind::string, DType::variable_string);
}
QuantityDef QuantityDef::boolean(std::string name) {
  return QuantityDef(std::move(name), QuantityKind::boolean, DType::boolean);
}
QuantityDef QuantityDef::hdf5_reference(std::string name) {
  return QuantityDef(std::move(name), QuantityKind::hdf5_reference, DType::float64);
}

QuantityDef& QuantityDef::unit(std::string_view unit) {
  unit_ = Unit::parse(unit);
  return *this;
}

QuantityDef& QuantityDef::shape(std::vector<std::int64_t> dims) {
  for (auto d : dims) {
    if (d <= 0 && d != any_size) {
      throw ValueError(fmt::format("Invalid dimension {} in the shape of quantity {}", d, name_));
    }
  }
  if (kind_ == QuantityKind::hdf5_reference && !dims.empty()) {
    // The HDF5 value may itself be an array of any shape; a list of references
    // is not supported (NOMAD writes all its elements to one dataset).
    throw ValueError(fmt::format("HDF5Reference quantity {} must be scalar (shape [])", name_));
  }
  shape_ = std::move(dims);
  return *this;
}

QuantityDef& QuantityDef::description(std::string text) {
  description_ = std::move(text);
  return *this;
}

QuantityDef& QuantityDef::h5web(H5WebAnnotation annotation) {
  h5web_ = std::move(annotation);
  return *this;
}

QuantityDef& QuantityDef::serialize_to_hdf5() {
  if (kind_ != QuantityKind::numeric) {
    throw ValueError(fmt::format(
        "The serialization annotation needs a numeric quantity; {} is not numeric", name_));
  }
  serialize_to_hdf5_ = true;
  return *this;
}

std::string QuantityDef::shape_str() const {
  std::string out = "[";
  for (std::size_t i = 0; i < shape_.size(); ++i) {
    if (i > 0) out += ", ";
    out += shape_[i] == any_size ? std::string("'*'") : std::to_string(shape_[i]);
  }
  return out + "]";
}

SectionDef::SectionDef(std::string name) : name_(std::move(name)) {
  if (name_.empty()) throw ValueError("A section definition needs a name");
}

void SectionDef::check_new_name(std::string_view name) const {
  if (find_quantity(name) != nullptr || find_sub_section(name) != nullptr) {
    throw ValueError(fmt::format("Section {} already defines {}", name_, detail::quote(name)));
  }
}

SectionDef& SectionDef::quantity(QuantityDef quantity) {
  check_new_name(quantity.name());
  quantities_.push_back(std::move(quantity));
  return *this;
}

SectionDef& SectionDef::sub_section(std::string name, std::shared_ptr<const SectionDef> section,
                                    bool repeats) {
  if (name.empty() || name.find('/') != std::string::npos || name.starts_with("m_")) {
    throw ValueError(fmt::format("Invalid sub-section name {}", detail::quote(name)));
  }
  if (!section) throw ValueError(fmt::format("Sub-section {} has no definition", name));
  check_new_name(name);
  sub_sections_.push_back(SubSectionDef{std::move(name), std::move(section), repeats});
  return *this;
}

SectionDef& SectionDef::h5web(H5WebAnnotation annotation) {
  h5web_ = std::move(annotation);
  return *this;
}

SectionDef& SectionDef::description(std::string text) {
  description_ = std::move(text);
  return *this;
}

std::shared_ptr<const SectionDef> SectionDef::shared() const {
  return std::make_shared<const SectionDef>(*this);
}

const QuantityDef* SectionDef::find_quantity(std::string_view name) const {
  auto it = std::find_if(quantities_.begin(), quantities_.end(),
                         [&](const QuantityDef& q) { return q.name() == name; });
  return it == quantities_.end() ? nullptr : &*it;
}

const SubSectionDef* SectionDef::find_sub_section(std::string_view name) const {
  auto it = std::find_if(sub_sections_.begin(), sub_sections_.end(),
                         [&](const SubSectionDef& s) { return s.name == name; });
  return it == sub_sections_.end() ? nullptr : &*it;
}

const QuantityDef& SectionDef::quantity_def(std::string_view name) const {
  if (const auto* q = find_quantity(name)) return *q;
  throw ValueError(fmt::format("Section {} has no quantity {}", name_, detail::quote(name)));
}

const SubSectionDef& SectionDef::sub_section_def(std::string_view name) const {
  if (const auto* s = find_sub_section(name)) return *s;
  throw ValueError(fmt::format("Section {} has no sub-section {}", name_, detail::quote(name)));
}

}  // namespace h5archive
