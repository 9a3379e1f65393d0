// Checked arithmetic for element counts and byte sizes. Shapes come from
// files that strangers upload (.npy headers, HDF5 dataspaces), so a product
// of dimensions or a count times an item size may not fit 64 bits, and a size
// that fits may still be more than the process can hold. Every element count,
// byte size and buffer size of the library and the CLI is computed here: an
// overflow or an impossible allocation is a ValueError naming the culprit,
// thrown before anything is allocated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace h5archive {

/// a * b, or nullopt if the product does not fit 64 bits.
constexpr std::optional<std::uint64_t> checked_mul(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

/// a + b, or nullopt if the sum does not fit 64 bits.
constexpr std::optional<std::uint64_t> checked_add(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

/// The number of elements of `shape` (1 for 0-d). Throws ValueError, as numpy
/// does, if the product of the dimensions other than 0 overflows:
/// "<what> has shape (…): its element count does not fit in 64 bits".
std::uint64_t checked_element_count(std::span<const std::uint64_t> shape, std::string_view what);

/// Bytes of `shape` elements of `item_size` bytes each. Throws ValueError
/// naming `what`, the shape and the item size if the element count or the
/// byte size does not fit in 64 bits (numpy's rule again: counted over the
/// dimensions other than 0).
std::uint64_t checked_byte_size(std::span<const std::uint64_t> shape, std::uint64_t item_size,
                                std::string_view what);

/// The largest single buffer this process may allocate, and which limit
/// decides it: the smallest of PTRDIFF_MAX (the largest C++ object),
/// physical memory plus swap, the cgroup v2 memory limit (memory.max of the
/// process's cgroup and its parents), and the address-space and data-segment
/// limits (ulimit -v / -d) less what the process already maps. A buffer
/// above it could only fail (std::bad_alloc) or be killed by the kernel's OOM
/// killer once touched. Several buffers below the limit together may still
/// exceed it: this bounds each allocation, not the process.
struct AllocationLimit {
  std::uint64_t bytes = 0;
  std::string reason;  ///< e.g. "physical memory and swap", "ulimit -v"
};
AllocationLimit allocation_limit();

/// `bytes` as a buffer size, after checking it against allocation_limit().
/// Throws ValueError "<what> needs 8.0 TiB (8796093022208 bytes) in memory at
/// once, more than this process may allocate (at most 22.9 GiB: physical
/// memory and swap)".
std::size_t allocatable(std::uint64_t bytes, std::string_view what);

/// allocatable() of checked_byte_size(): a buffer for `shape` elements of
/// `item_size` bytes.
std::size_t allocatable(std::span<const std::uint64_t> shape, std::uint64_t item_size,
                        std::string_view what);

/// "512 B", "1.5 KiB", "8.0 TiB": a byte count for people.
std::string human_bytes(std::uint64_t bytes);

}  // namespace h5archive
