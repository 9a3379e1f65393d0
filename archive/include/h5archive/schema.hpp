// Section and quantity definitions: the schema an entry archive is built on
// (NOMAD's metainfo, reduced to what HDF5 quantities need).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "h5archive/dtype.hpp"
#include "h5archive/units.hpp"

namespace h5archive {

/// NOMAD's `H5WebAnnotation`. On a section definition every set field is
/// written as an attribute of the section's HDF5 group, with `NX_class=NXdata`;
/// on a quantity only `long_name` is used (it replaces the dataset's
/// "<name> (<unit>)" long_name).
struct H5WebAnnotation {
  std::optional<std::string> signal{};
  /// One axis name, or a list of them (NOMAD accepts both; both are written as given).
  std::optional<std::variant<std::string, std::vector<std::string>>> axes{};
  std::optional<std::vector<std::string>> auxiliary_signals{};
  std::optional<std::string> long_name{};
  /// Defaults to [] like NOMAD's, which is written as an empty float64 array.
  std::vector<std::string> paths{};
};

/// What a quantity holds.
enum class QuantityKind {
  numeric,         ///< numbers of QuantityDef::dtype()
  string,          ///< UTF-8 text
  boolean,         ///< true / false
  hdf5_reference,  ///< NOMAD's HDF5Reference / HDF5Dataset: a reference string, or an Array
                   ///< written to the entry's archive HDF5 file on assignment
};

/// One dimension of a quantity's shape: a fixed size, or any size ('*').
inline constexpr std::int64_t any_size = -1;

/// A quantity definition. Built with a factory and chained setters:
///   QuantityDef::number("energy").unit("eV").shape({any_size}).description("…")
class QuantityDef {
 public:
  static QuantityDef number(std::string name, DType dtype = DType::float64);
  static QuantityDef text(std::string name);
  static QuantityDef boolean(std::string name);
  static QuantityDef hdf5_reference(std::string name);

  /// Unit in pint's notation ("eV", "m / s"); ValueError for an unknown unit.
  QuantityDef& unit(std::string_view unit);
  /// Dimensions; empty = scalar (the default); any_size = '*'. Sizes must be
  /// > 0 or any_size, else ValueError.
  QuantityDef& shape(std::vector<std::int64_t> dims);
  QuantityDef& description(std::string text);
  /// Quantity-level h5web annotation (only long_name is used).
  QuantityDef& h5web(H5WebAnnotation annotation);
  /// NOMAD's documented `serialization` annotation: a numeric quantity whose
  /// value stays in memory and is written to the archive HDF5 file when the
  /// archive is serialized (its JSON then holds the reference string).
  /// ValueError unless the quantity is numeric.
  QuantityDef& serialize_to_hdf5();

  const std::string& name() const { return name_; }
  QuantityKind kind() const { return kind_; }
  /// Element type of numeric quantities (float64 for the others; unused there).
  DType dtype() const { return dtype_; }
  const std::optional<Unit>& unit() const { return unit_; }
  const std::vector<std::int64_t>& shape() const { return shape_; }
  bool is_scalar() const { return shape_.empty(); }
  const std::string& description() const { return description_; }
  const std::optional<H5WebAnnotation>& h5web() const { return h5web_; }
  bool serialized_to_hdf5() const { return serialize_to_hdf5_; }
  /// True if the quantity's data can live in the archive HDF5 file.
  bool is_hdf5() const { return kind_ == QuantityKind::hdf5_reference || serialize_to_hdf5_; }
  /// The shape in NOMAD's notation for messages: "[]", "['*']", "[3, '*']".
  std::string shape_str() const;

 private:
  QuantityDef(std::string name, QuantityKind kind, DType dtype);

  std::string name_;
  QuantityKind kind_;
  DType dtype_;
  std::optional<Unit> unit_;
  std::vector<std::int64_t> shape_;
  std::string description_;
  std::optional<H5WebAnnotation> h5web_;
  bool serialize_to_hdf5_ = false;
};

class SectionDef;

/// A sub-section of a section definition: a name, the child's definition,
/// and whether it repeats (a list of sections, numbered 0, 1, … in paths).
struct SubSectionDef {
  std::string name;
  std::shared_ptr<const SectionDef> section;
  bool repeats = false;
};

/// A section definition. Built with chained calls and then shared:
///   auto def = SectionDef("LargeData")
///                  .quantity(QuantityDef::hdf5_reference("value"))
///                  .sub_section("runs", run_def, true)
///                  .shared();
/// Quantity and sub-section names share one namespace; a duplicate throws ValueError.
class SectionDef {
 public:
  explicit SectionDef(std::string name);

  SectionDef& quantity(QuantityDef quantity);
  SectionDef& sub_section(std::string name, std::shared_ptr<const SectionDef> section,
                          bool repeats = false);
  /// Section-level h5web annotation: NXdata attributes on the section's group.
  SectionDef& h5web(H5WebAnnotation annotation);
  SectionDef& description(std::string text);
  /// A shared, immutable copy of this definition (what sections hold).
  std::shared_ptr<const SectionDef> shared() const;

  const std::string& name() const { return name_; }
  const std::vector<QuantityDef>& quantities() const { return quantities_; }
  const std::vector<SubSectionDef>& sub_sections() const { return sub_sections_; }
  const std::optional<H5WebAnnotation>& h5web() const { return h5web_; }
  const std::string& description() const { return description_; }

  /// nullptr if there is no such quantity / sub-section.
  const QuantityDef* find_quantity(std::string_view name) const;
  const SubSectionDef* find_sub_section(std::string_view name) const;
  /// Like find_*, but ValueError "Section LargeData has no quantity 'x'".
  const QuantityDef& quantity_def(std::string_view name) const;
  const SubSectionDef& sub_section_def(std::string_view name) const;

 private:
  void check_new_name(std::string_view name) const;

  std::string name_;
  std::vector<QuantityDef> quantities_;
  std::vector<SubSectionDef> sub_sections_;
  std::optional<H5WebAnnotation> h5web_;
  std::string description_;
};

}  // namespace h5archive
