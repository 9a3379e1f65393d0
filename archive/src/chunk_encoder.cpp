// HDF5's shuffle and deflate filters, on several threads (chunk_encoder.hpp).
#include "chunk_encoder.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "h5archive/errors.hpp"

namespace h5archive::detail {
namespace {

// More threads than this buy nothing on the machines we measured, and each
// holds two chunk buffers.
constexpr unsigned kMaxThreads = 4;

struct Slot {
  std::vector<std::byte> shuffled, out;
  std::size_t size = 0;
  int status = Z_OK;
};

// H5Z__filter_shuffle: byte j of every element together, for each j; bytes
// past the last whole element stay at the end.
void shuffle(const std::byte* in, std::size_t bytes, std::size_t element, std::byte* out) {
  const std::size_t n = bytes / element;
  for (std::size_t j = 0; j < element; ++j) {
    std::byte* dst = out + j * n;
    for (std::size_t i = 0; i < n; ++i) dst[i] = in[i * element + j];
  }
  std::memcpy(out + n * element, in + n * element, bytes - n * element);
}

// Allocates nothing (the slot's buffers are sized before): it runs on a
// worker thread, where an exception could not be handled.
void encode(const ChunkFilters& f, const std::byte* in, std::size_t bytes, Slot& slot) noexcept {
  const std::byte* src = in;
  // HDF5 shuffles only more than one element of more than one byte.
  if (f.shuffle && f.element > 1 && bytes / f.element > 1) {
    shuffle(in, bytes, f.element, slot.shuffled.data());
    src = slot.shuffled.data();
  }
  uLongf size = static_cast<uLongf>(slot.out.size());
  slot.status = compress2(reinterpret_cast<Bytef*>(slot.out.data()), &size,
                          reinterpret_cast<const Bytef*>(src), static_cast<uLong>(bytes), f.level);
  slot.size = size;
}

}  // namespace

std::optional<ChunkFilters> encodable_filters(hid_t dcpl, std::size_t element) {
  const int n = H5Pget_nfilters(dcpl);
  if (n < 1 || n > 2) return std::nullopt;
  ChunkFilters f;
  f.element = element;
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0, config = 0, values[4] = {};
    std::size_t count = 4;
    const H5Z_filter_t id =
        H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &count, values, 0, nullptr, &config);
    if (i == 0 && n == 2 && id == H5Z_FILTER_SHUFFLE) {
      f.shuffle = true;
    } else if (i == n - 1 && id == H5Z_FILTER_DEFLATE && count >= 1 && values[0] <= 9) {
      f.level = static_cast<int>(values[0]);
    } else {
      return std::nullopt;
    }
  }
  return f;
}

void encode_chunks(const ChunkFilters& filters, const std::byte* data, std::size_t chunk_bytes,
                   std::size_t count, const std::string& what,
                   const std::function<void(std::size_t, const void*, std::size_t)>& write) {
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads);
  std::vector<Slot> slots(std::min<std::size_t>(threads, count));
  for (Slot& s : slots) {
    if (filters.shuffle) s.shuffled.resize(chunk_bytes);
    s.out.resize(compressBound(static_cast<uLong>(chunk_bytes)));
  }
  for (std::size_t first = 0; first < count; first += slots.size()) {
    const std::size_t k = std::min(slots.size(), count - first);
    std::size_t started = 1;  // slot 0 is this thread's
    {
      std::vector<std::jthread> workers;
      try {
        for (; started < k; ++started)
          workers.emplace_back([&, started] {
            encode(filters, data + (first + started) * chunk_bytes, chunk_bytes, slots[started]);
          });
      } catch (const std::system_error&) {
        // no more threads to be had: the rest are encoded here
      }
      for (std::size_t w = started; w < k; ++w)
        encode(filters, data + (first + w) * chunk_bytes, chunk_bytes, slots[w]);
      encode(filters, data + first * chunk_bytes, chunk_bytes, slots[0]);
    }  // joined
    for (std::size_t w = 0; w < k; ++w) {
      if (slots[w].status != Z_OK)
        throw Error(fmt::format("Compressing a chunk of {} failed (zlib status {})", what,
                                slots[w].status));
      write(first + w, slots[w].out.data(), slots[w].size);
    }
  }
}

}  // namespace h5archive::detail
