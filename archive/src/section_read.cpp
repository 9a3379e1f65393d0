// Section getters: the values held in memory, and reads through the
// references of HDF5Reference quantities (resolve_read.hpp).
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "h5archive/archive_state.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/resolve_read.hpp"
#include "h5archive/section.hpp"
#include "printable.hpp"

namespace h5archive {

// ---- getters --------------------------------------------------------------------

bool Section::has(std::string_view name) const { return find(name) != nullptr; }

const QuantityValue* Section::find(std::string_view name) const {
  def_->quantity_def(name);
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

const Array& Section::array(std::string_view name) const {
  const QuantityValue* v = find(name);
  if (v == nullptr) throw NotFoundError(fmt::format("{} is not set", quantity_path(name)));
  if (const auto* a = std::get_if<Array>(v)) return *a;
  throw TypeMismatchError(fmt::format("{} holds the string {}, not an array", quantity_path(name),
                                      detail::quote(std::get<std::string>(*v))));
}

const std::string& Section::string(std::string_view name) const {
  const QuantityValue* v = find(name);
  if (v == nullptr) throw NotFoundError(fmt::format("{} is not set", quantity_path(name)));
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  throw TypeMismatchError(fmt::format("{} holds a {} array, not a string", quantity_path(name),
                                      std::get<Array>(*v).dtype_name()));
}

void Section::check_scalar(std::string_view name, const Array& value) const {
  if (value.size() != 1) {
    throw ValueError(fmt::format("{} is not a scalar (shape {})", quantity_path(name),
                                 shape_str(value.shape())));
  }
}

namespace {

// Resolves and reads the reference `name` of `s` holds, in its archive's
// context with the entry's upload as the current one.
template <class Read>
Array read_through_reference(const Section& s, std::string_view name, Read&& read) {
  const ArchiveState* st = s.state();
  if (st == nullptr || !st->context) {
    throw ValueError(fmt::format("Cannot read {} without context.", s.quantity_path(name)));
  }
  std::optional<std::string_view> upload;
  if (st->metadata.upload_id) upload = *st->metadata.upload_id;
  return resolve_and_read(*st->context, s.string(name), upload, std::forward<Read>(read));
}

}  // namespace

Array Section::read(std::string_view name, const std::optional<Hyperslab>& slab) const {
  const QuantityDef& q = def_->quantity_def(name);
  if (q.kind() != QuantityKind::hdf5_reference) {
    if (slab) {
      throw ValueError(
          fmt::format("{} is held in memory; hyperslab reads need an HDF5Reference quantity",
                      quantity_path(name)));
    }
    return array(name);
  }
  return read_through_reference(
      *this, name, [&](const Resolved& r) { return read_dataset(r.file, r.dataset, slab); });
}

Array Section::read_as(std::string_view name, DType expected,
                       const std::optional<Hyperslab>& slab) const {
  const QuantityDef& q = def_->quantity_def(name);
  if (q.kind() == QuantityKind::hdf5_reference) {
    return read_through_reference(*this, name, [&](const Resolved& r) {
      return read_dataset_as(r.file, r.dataset, expected, slab);
    });
  }
  Array a = read(name, slab);
  if (a.dtype() != expected) {
    throw TypeMismatchError(
        fmt::format("{} is {}, not {}", quantity_path(name), a.dtype_name(), dtype_name(expected)));
  }
  return a;
}

}  // namespace h5archive
