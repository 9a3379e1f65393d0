// The streaming writer's own deflate (chunk_encoder.cpp): the chunks it
// writes are byte for byte those HDF5's filter pipeline writes, and it takes
// only the pipelines it reproduces.
#include "chunk_encoder.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <vector>

#include "h5archive/dataset_io.hpp"
#include "h5archive/quantity_writer.hpp"
#include "hdf5_handle.hpp"
#include "test_support.hpp"

namespace h5archive {
namespace {

using testing::TempDir;

constexpr std::uint64_t kRows = 37, kColumns = 10, kChunkRows = 4;

// Smooth with a little noise: compressible, not trivially.
std::vector<double> signal() {
  std::vector<double> v(kRows * kColumns);
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = std::sin(static_cast<double>(i) / 50.0) + static_cast<double>(i * 7919 % 101) * 1e-7;
  return v;
}

detail::Hid creation_list(bool shuffle, unsigned level) {
  detail::Hid dcpl(H5Pcreate(H5P_DATASET_CREATE));
  const hsize_t chunk[2] = {kChunkRows, kColumns};
  H5Pset_chunk(dcpl.get(), 2, chunk);
  if (shuffle) H5Pset_shuffle(dcpl.get());
  H5Pset_deflate(dcpl.get(), level);
  return dcpl;
}

// The same values written by HDF5 itself, with one H5Dwrite.
void write_by_hdf5(const std::filesystem::path& file, const std::vector<double>& v, bool shuffle,
                   unsigned level) {
  detail::Hid f(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  const hsize_t dims[2] = {kRows, kColumns}, maxdims[2] = {H5S_UNLIMITED, kColumns};
  detail::Hid space(H5Screate_simple(2, dims, maxdims));
  detail::Hid d(H5Dcreate2(f.get(), "/z", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                           creation_list(shuffle, level).get(), H5P_DEFAULT));
  ASSERT_GE(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), 0);
}

// Every stored chunk of /z, as it is on disk (filtered), with its filter mask.
std::vector<std::vector<unsigned char>> raw_chunks(const std::filesystem::path& file) {
  detail::Hid f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  detail::Hid d(H5Dopen2(f.get(), "/z", H5P_DEFAULT));
  std::vector<std::vector<unsigned char>> chunks;
  for (hsize_t row = 0; row < kRows; row += kChunkRows) {
    const hsize_t offset[2] = {row, 0};
    hsize_t size = 0;
    EXPECT_GE(H5Dget_chunk_storage_size(d.get(), offset, &size), 0);
    std::vector<unsigned char> bytes(size);
    std::uint32_t mask = 99;
    EXPECT_GE(H5Dread_chunk(d.get(), H5P_DEFAULT, offset, &mask, bytes.data()), 0);
    EXPECT_EQ(mask, 0u) << "row " << row;
    chunks.push_back(std::move(bytes));
  }
  return chunks;
}

void expect_as_hdf5_writes(bool shuffle, unsigned level) {
  TempDir dir;
  const std::vector<double> v = signal();
  WriterOptions o;
  o.chunks = Shape{kChunkRows, kColumns};
  o.compression = Compression::deflate(level, shuffle);
  QuantityWriter w(dir.path() / "ours.h5", "/z", DType::float64, Extent::unlimited({kColumns}), o);
  // Blocks of 9 rows: whole chunks (encoded here) and partial ones (HDF5's pipeline).
  for (std::uint64_t r = 0; r < kRows; r += 9) {
    const std::uint64_t n = std::min<std::uint64_t>(9, kRows - r);
    w.append(v.data() + r * kColumns, Shape{n, kColumns}, DType::float64);
  }
  w.finish();
  write_by_hdf5(dir.path() / "hdf5.h5", v, shuffle, level);
  EXPECT_EQ(raw_chunks(dir.path() / "ours.h5"), raw_chunks(dir.path() / "hdf5.h5"));
  EXPECT_EQ(read_dataset(dir.path() / "ours.h5", "/z"), Array::of(v, {kRows, kColumns}));
}

TEST(ChunkEncoder, ShuffleAndDeflateChunksAreHdf5s) { expect_as_hdf5_writes(true, 4); }

TEST(ChunkEncoder, DeflateOnlyChunksAreHdf5s) { expect_as_hdf5_writes(false, 9); }

TEST(ChunkEncoder, TakesOnlyPipelinesItReproduces) {
  const auto filters = detail::encodable_filters(creation_list(true, 6).get(), 8);
  ASSERT_TRUE(filters);
  EXPECT_TRUE(filters->shuffle);
  EXPECT_EQ(filters->level, 6);
  EXPECT_EQ(filters->element, 8u);
  EXPECT_FALSE(detail::encodable_filters(creation_list(false, 1).get(), 8)->shuffle);
  detail::Hid none(H5Pcreate(H5P_DATASET_CREATE));
  EXPECT_FALSE(detail::encodable_filters(none.get(), 8));
  detail::Hid checksum = creation_list(true, 6);
  H5Pset_fletcher32(checksum.get());
  EXPECT_FALSE(detail::encodable_filters(checksum.get(), 8));
  detail::Hid reversed(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_deflate(reversed.get(), 6);
  H5Pset_shuffle(reversed.get());
  EXPECT_FALSE(detail::encodable_filters(reversed.get(), 8));
}

}  // namespace
}  // namespace h5archive
