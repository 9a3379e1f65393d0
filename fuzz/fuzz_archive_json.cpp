// libFuzzer target: the archive JSON loader. Arbitrary bytes are parsed as
// JSON (invalid JSON is skipped: nlohmann's parser is not under test) and
// loaded with EntryArchive::from_json against a small fixed schema that has
// every quantity kind, narrow dtypes, fixed and free shapes, and repeating and
// single sub-sections. Properties:
// - from_json either succeeds or throws h5archive::Error (no other exception,
//   no sanitizer report);
// - what it accepts serializes with to_json(), and that JSON loads again to
//   an archive with the same JSON.
#include <cstddef>
#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include "h5archive/entry_archive.hpp"
#include "h5archive/errors.hpp"
#include "h5archive/schema.hpp"

using h5archive::any_size;
using h5archive::DType;
using h5archive::QuantityDef;
using h5archive::SectionDef;

namespace {

std::shared_ptr<const SectionDef> schema() {
  static const auto def = [] {
    auto run = SectionDef("Run")
                   .quantity(QuantityDef::number("x", DType::int32).shape({3}))
                   .quantity(QuantityDef::text("label"))
                   .shared();
    return SectionDef("Sample")
        .quantity(QuantityDef::number("energy").unit("eV").shape({any_size}))
        .quantity(QuantityDef::number("image", DType::float32).shape({any_size, any_size}))
        .quantity(QuantityDef::number("count", DType::int8))
        .quantity(QuantityDef::number("big", DType::uint64).shape({2}))
        .quantity(QuantityDef::boolean("ok"))
        .quantity(QuantityDef::text("name"))
        .quantity(QuantityDef::hdf5_reference("value"))
        .sub_section("runs", run, true)
        .sub_section("single", run)
        .shared();
  }();
  return def;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json json = nlohmann::json::parse(data, data + size, nullptr, false);
  if (json.is_discarded()) return 0;
  nlohmann::json first;
  try {
    auto archive = h5archive::EntryArchive::from_json(json, schema());
    first = archive.to_json();
  } catch (const h5archive::Error&) {
    return 0;
  }
  try {
    auto again = h5archive::EntryArchive::from_json(first, schema());
    if (again.to_json() != first) __builtin_trap();  // the JSON form is not stable
  } catch (const h5archive::Error&) {
    __builtin_trap();  // an archive's own JSON does not load
  }
  return 0;
}
