// Section instances: quantity values and sub-sections of an entry archive,
// with NOMAD's assignment semantics for HDF5 quantities.
#pragma once

#include <concepts>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "h5archive/array.hpp"
#include "h5archive/dataset_io.hpp"
#include "h5archive/quantity_metadata.hpp"
#include "h5archive/quantity_writer.hpp"
#include "h5archive/schema.hpp"
#include "h5archive/units.hpp"

namespace h5archive {

struct ArchiveState;  // metadata + context of an entry archive (entry_archive.hpp)

/// A stored quantity value: a string (string quantities, and HDF5Reference
/// quantities, whose value is always a reference string) or an Array
/// (numeric, bool; 0-d for scalars).
using QuantityValue = std::variant<std::string, Array>;

/// An instance of a SectionDef. Sections live in a tree owned by an
/// EntryArchive (EntryArchive::data()); a section constructed on its own is
/// "detached" and has no context until it is attached with add()/set_sub_section().
/// Sections are movable, not copyable; child sections keep stable addresses.
class Section {
 public:
  explicit Section(std::shared_ptr<const SectionDef> def);
  Section(Section&& other) noexcept;
  Section& operator=(Section&& other) noexcept;
  Section(const Section&) = delete;
  Section& operator=(const Section&) = delete;
  ~Section();

  const SectionDef& def() const { return *def_; }
  const std::shared_ptr<const SectionDef>& def_ptr() const { return def_; }

  /// NOMAD's m_path: "/" for the root, "/data", "/data/single", "/data/subs/1".
  std::string path() const;
  /// Where quantity `name` lives: "<path>/<name>" ("//name" on the root).
  std::string quantity_path(std::string_view name) const;
  Section* parent() { return parent_; }
  const Section* parent() const { return parent_; }

  // ---- quantities ---------------------------------------------------------
  //
  // Assignment by quantity kind:
  // - numeric: an Array (or arithmetic scalar / std::vector) of a dtype that casts
  //   safely into the definition's dtype; its shape must fit the definition's.
  //   A UnitArray is converted to the definition's unit.
  // - string / boolean: text / bool.
  // - hdf5_reference: a string is validated with the reference grammar
  //   (ReferenceError "Invalid HDF5 reference: <s>.") and stored unchanged;
  //   with a context, an external link to the referenced dataset is written at
  //   the quantity's path in the entry's archive HDF5 file. An Array / UnitArray
  //   is written to that file at once (require-dataset rules, `units` and
  //   `long_name` attributes, NXdata attributes for h5web-annotated sections)
  //   and the value becomes "/uploads/<u>/archive/<e>#<path>". Needs a context
  //   (ValueError "Cannot normalize HDF5 value without context.") and the
  //   entry and upload ids. A plain C++ number is refused like NOMAD refuses a
  //   Python float: ValueError "Invalid HDF5 dataset value: 5.0.".
  // On any error the stored value, and the files, are unchanged.

  void set(std::string_view name, Array value);
  /// An array in someone else's buffer (a numpy array's). An HDF5 quantity
  /// is written straight from it, with no copy of the elements (the buffer
  /// must not change until set() returns); other quantities keep a copy, as
  /// set(Array) would. Same rules and messages as set(Array).
  void set(std::string_view name, ArrayView value);
  void set(std::string_view name, UnitArray value);
  void set(std::string_view name, std::string value);
  void set(std::string_view name, const char* value) { set(name, std::string(value)); }
  /// Arithmetic scalars (and bool) become 0-d arrays.
  template <class T>
  requires std::is_arithmetic_v<T>
  void set(std::string_view name, T value) {
    if constexpr (std::is_same_v<T, bool>) {
      set_native(name, Array::of_bools({value}, {}), value ? "True" : "False");
    } else {
      set_native(name, Array::scalar(value),
                 python_repr(static_cast<double>(value), std::is_floating_point_v<T>));
    }
  }
  /// A list of numbers becomes a 1-D array; refused by scalar quantities
  /// (ValueError "Shape mismatch for [1, 2, 3].", as NOMAD words it).
  template <class T>
  requires std::is_arithmetic_v<T> &&
      (!std::is_same_v<T, bool>)void set(std::string_view name, std::vector<T> values) {
    std::string repr = "[";
    for (std::size_t i = 0; i < values.size(); ++i) {
      repr += (i ? ", " : "") +
              python_repr(static_cast<double>(values[i]), std::is_floating_point_v<T>);
    }
    set_list(name, Array::of(std::move(values)), repr + "]");
  }
  /// Removes the value (files are not touched).
  void unset(std::string_view name);

  bool has(std::string_view name) const;
  /// nullptr if unset; ValueError if the definition has no such quantity.
  const QuantityValue* find(std::string_view name) const;
  /// The Array value: NotFoundError "Quantity value of section /data is not set",
  /// TypeMismatchError if the value is a string.
  const Array& array(std::string_view name) const;
  /// The string value (string quantities, HDF5 references); errors like array().
  const std::string& string(std::string_view name) const;
  /// A scalar value as T (TypeMismatchError naming both dtypes on mismatch).
  template <class T>
  T get(std::string_view name) const {
    const Array& a = array(name);
    check_scalar(name, a);
    if constexpr (std::is_same_v<T, bool>) {
      return a.bools()[0] != 0;
    } else {
      return a.values<T>()[0];
    }
  }

  /// Reads an HDF5 quantity's data: the dataset its reference points to
  /// (resolved in the staging area), whole or a hyperslab. For a quantity with
  /// the serialization annotation, the in-memory value (or its hyperslab).
  Array read(std::string_view name, const std::optional<Hyperslab>& slab = std::nullopt) const;
  /// Like read(), requiring the stored dtype (TypeMismatchError otherwise).
  Array read_as(std::string_view name, DType expected,
                const std::optional<Hyperslab>& slab = std::nullopt) const;

  // ---- large quantities ---------------------------------------------------

  /// Metadata recorded for HDF5 quantity `name` (when an array was assigned,
  /// streamed or serialized in this session, or loaded from the JSON's
  /// "m_hdf5"); nullptr if none. Cleared when a reference string is assigned.
  const QuantityMetadata* metadata(std::string_view name) const;
  /// Records (or with nullopt drops) metadata; used by serialization.
  void set_metadata(std::string_view name, std::optional<QuantityMetadata> metadata);

  /// Streams HDF5Reference quantity `name` into the entry's archive HDF5 file
  /// at its path: a QuantityWriter whose finish() sets the value to the same
  /// reference string an assigned array gets and records the metadata. Same
  /// preconditions and messages as assigning an array (context, ids); `units`
  /// and `long_name` as for an assigned array (options.unit must equal the
  /// definition's unit if both are set: no conversion while streaming).
  /// ValueError for a quantity that is not an HDF5Reference.
  QuantityWriter stream(std::string_view name, DType dtype, Extent extent,
                        WriterOptions options = {});

  // ---- sub-sections -------------------------------------------------------

  /// The single (non-repeating) sub-section `name`, created if missing.
  Section& sub_section(std::string_view name);
  /// Appends a new element to repeating sub-section `name`.
  Section& add(std::string_view name);
  /// Attaches a detached section: appended to a repeating sub-section, or set
  /// as (replacing) a single one. Its definition must be the sub-section's.
  Section& add(std::string_view name, Section section);
  /// nullptr if the single sub-section is not there.
  Section* find_sub_section(std::string_view name);
  const Section* find_sub_section(std::string_view name) const;
  /// Number of elements of a sub-section (0 or 1 for single ones).
  std::size_t count(std::string_view name) const;
  /// Element `index` of a sub-section (NotFoundError naming path and index).
  Section& at(std::string_view name, std::size_t index);
  const Section& at(std::string_view name, std::size_t index) const;

  /// The archive state of the tree (nullptr for a detached section).
  ArchiveState* state() const;

  /// Used by EntryArchive: makes this section the root of an archive.
  void attach_state(std::shared_ptr<ArchiveState> state) { state_ = std::move(state); }
  /// Used by serialization: stores a value without any side effect (the
  /// value was validated by the caller).
  void store(std::string_view name, QuantityValue value);

 private:
  static std::string python_repr(double value, bool floating);
  void check_scalar(std::string_view name, const Array& value) const;
  void set_native(std::string_view name, Array value, const std::string& repr);
  void set_list(std::string_view name, Array value, const std::string& repr);
  void set_array(const QuantityDef& q, Array value, std::optional<Unit> unit);
  // Writes an Array or ArrayView as HDF5 quantity q and stores its reference.
  template <class Value>
  void write_hdf5(const QuantityDef& q, const Value& value, const std::optional<Unit>& unit);
  void adopt_children();
  std::vector<std::unique_ptr<Section>>& children(std::string_view name);

  std::shared_ptr<const SectionDef> def_;
  Section* parent_ = nullptr;
  std::string name_in_parent_;
  std::shared_ptr<ArchiveState> state_;  // set on the root only
  std::map<std::string, QuantityValue, std::less<>> values_;
  std::map<std::string, QuantityMetadata, std::less<>> metadata_;
  std::map<std::string, std::vector<std::unique_ptr<Section>>, std::less<>> children_;
};

}  // namespace h5archive
