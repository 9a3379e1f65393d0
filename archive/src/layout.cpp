// Extents and default chunks (layout.hpp).
#include "h5archive/layout.hpp"

#include <algorithm>
#include <cstdint>

#include "h5archive/checked_size.hpp"

namespace h5archive {
namespace {

constexpr std::uint64_t kChunkTarget = 1u << 20;  // bytes per default chunk

Shape trailing(const Shape& s) { return s.empty() ? Shape{} : Shape(s.begin() + 1, s.end()); }

}  // namespace

Extent Extent::unlimited(Shape trailing_dims) {
  Shape s{0};
  s.insert(s.end(), trailing_dims.begin(), trailing_dims.end());
  return {std::move(s), true};
}

std::string Extent::str() const {
  if (!unlimited_rows) return shape_str(shape);
  std::string s = "(None";
  for (std::size_t i = 1; i < shape.size(); ++i) s += ", " + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

Shape default_chunks(DType dtype, const Extent& extent) {
  if (extent.shape.empty()) return {};
  Shape chunk = extent.shape;
  const std::uint64_t element = std::max<std::size_t>(dtype_size(dtype), 1);
  for (std::size_t i = 1; i < chunk.size(); ++i) chunk[i] = std::max<std::uint64_t>(chunk[i], 1);
  const std::string what = "The default chunks of a quantity of shape " + extent.str();
  const std::uint64_t row_bytes = checked_byte_size(trailing(chunk), element, what);
  std::uint64_t rows = std::max<std::uint64_t>(kChunkTarget / row_bytes, 1);
  if (!extent.unlimited_rows) rows = std::min(rows, std::max<std::uint64_t>(extent.shape[0], 1));
  chunk[0] = rows;
  // A row larger than the target: halve trailing dimensions from the left.
  while (checked_byte_size(chunk, element, what) > kChunkTarget) {
    auto it = std::find_if(chunk.begin() + 1, chunk.end(), [](std::uint64_t d) { return d > 1; });
    if (it == chunk.end()) break;
    *it = (*it + 1) / 2;
  }
  return chunk;
}

}  // namespace h5archive
