// libFuzzer target: the selection parser and resolver. Properties:
// - parse_selection either succeeds or throws ValueError;
// - selection_str() of an accepted selection parses to the same text again;
// - resolve() against a few shapes either throws ValueError or gives a slab
//   that lies inside the shape, with as many elements as its result shape.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "h5archive/errors.hpp"
#include "h5archive/selection.hpp"

namespace {

std::uint64_t elements(const h5archive::Shape& shape) {
  std::uint64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

void check_resolve(const h5archive::Selection& selection, const h5archive::Shape& shape) {
  h5archive::StridedSlab slab;
  try {
    slab = h5archive::resolve(selection, shape);
  } catch (const h5archive::ValueError&) {
    return;
  }
  if (slab.start.size() != shape.size() || slab.count.size() != shape.size() ||
      slab.stride.size() != shape.size())
    __builtin_trap();  // not one entry per axis
  std::uint64_t n = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (slab.stride[i] < 1) __builtin_trap();
    if (slab.count[i] > 0 &&
        (slab.start[i] >= shape[i] ||
         (slab.count[i] - 1) > (shape[i] - 1 - slab.start[i]) / slab.stride[i]))
      __builtin_trap();  // the slab leaves the dataset
    n *= slab.count[i];
  }
  if (n != elements(slab.result_shape)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  h5archive::Selection selection;
  try {
    selection = h5archive::parse_selection(text);
  } catch (const h5archive::ValueError&) {
    return 0;
  }
  const std::string once = h5archive::selection_str(selection);
  try {
    if (h5archive::selection_str(h5archive::parse_selection(once)) != once) __builtin_trap();
  } catch (const h5archive::ValueError&) {
    __builtin_trap();  // the text form of a selection does not parse
  }
  for (const h5archive::Shape& shape :
       {h5archive::Shape{}, h5archive::Shape{5}, h5archive::Shape{4, 3}, h5archive::Shape{0, 7, 2},
        h5archive::Shape{1000000, 2, 1, 3}})
    check_resolve(selection, shape);
  return 0;
}
