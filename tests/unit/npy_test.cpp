// .npy reading and writing: round trips for every dtype, header details,
// streaming in and out, and refusals of corrupt or unsupported files.
#include "h5archive/npy.hpp"

#include <gtest/gtest.h>

#include <complex>
#include <fstream>
#include <numeric>
#include <sstream>

#include "test_support.hpp"

namespace h5archive {
namespace {

using testing::message_of;
using testing::TempDir;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}

// A version 1.0 file with a given header dict and raw data.
std::string npy_bytes(const std::string& dict, const std::string& data, char major = 1) {
  std::string header = dict;
  const std::size_t prefix = major == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = std::string("\x93NUMPY", 6) + major + '\0';
  const std::size_t n = header.size();
  out += static_cast<char>(n & 0xFF);
  out += static_cast<char>((n >> 8) & 0xFF);
  if (major != 1) out += std::string(2, '\0');
  return out + header + data;
}

class Npy : public ::testing::Test {
 protected:
  std::filesystem::path file(const std::string& name) const { return dir_.path() / name; }
  // Temporaries (<name>.tmp-<host>-<pid>-<n>) left in the folder.
  std::size_t temporaries() const {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
      if (e.path().filename().string().find(".tmp-") != std::string::npos) ++n;
    return n;
  }
  Array round_trip(const Array& a) {
    write_npy(file("rt.npy"), a);
    return read_npy(file("rt.npy"));
  }
  TempDir dir_;
};

TEST_F(Npy, RoundTripsEveryDtype) {
  const std::vector<Array> arrays = {
      Array::of_bools({true, false, true, true, false, false}, Shape{2, 3}),
      Array::of(std::vector<std::int8_t>{-128, 0, 127}),
      Array::of(std::vector<std::int16_t>{-32768, 1, 32767}),
      Array::of(std::vector<std::int32_t>{-2147483647 - 1, 2, 2147483647}),
      Array::of(std::vector<std::int64_t>{INT64_MIN, 3, INT64_MAX}),
      Array::of(std::vector<std::uint8_t>{0, 1, 255}),
      Array::of(std::vector<std::uint16_t>{0, 1, 65535}),
      Array::of(std::vector<std::uint32_t>{0, 1, 4294967295u}),
      Array::of(std::vector<std::uint64_t>{0, 1, UINT64_MAX}),
      Array::of(std::vector<float>{-1.5f, 0.0f, 3.25f, 1e30f}, Shape{2, 2}),
      Array::of(std::vector<double>{-1.5, 1e-300, 6.02e23}),
      Array::of(std::vector<std::complex<float>>{{1, -2}, {3.5f, 4}}),
      Array::of(std::vector<std::complex<double>>{{1, -2}, {3.5, 1e200}}),
      Array::of_strings({"ab", "", "wxyz"}, Shape{3}, 4),
      Array::of_strings({"plain", "", "Å∑ 😀"}, Shape{3, 1}),
      Array::scalar(2.5),
      Array::scalar<std::int16_t>(-7),
      Array::of_strings({"one"}, Shape{}),
      Array::zeros(DType::float32, Shape{0, 4}),
      Array::of(std::vector<double>(24, 1.0), Shape{2, 3, 4}),
  };
  for (const auto& a : arrays) {
    SCOPED_TRACE(a.dtype_name() + " " + shape_str(a.shape()));
    EXPECT_EQ(round_trip(a), a);
  }
}

TEST_F(Npy, WritesNumpysHeader) {
  write_npy(file("a.npy"), Array::of(std::vector<double>{1, 2, 3, 4, 5, 6}, Shape{2, 3}));
  const std::string bytes = slurp(file("a.npy"));
  ASSERT_GE(bytes.size(), 128u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t len =
      static_cast<unsigned char>(bytes[8]) + 256 * static_cast<unsigned char>(bytes[9]);
  EXPECT_EQ((10 + len) % 64, 0u);
  const std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
  EXPECT_EQ(bytes.substr(10, len), dict + std::string(len - dict.size() - 1, ' ') + "\n");
  EXPECT_EQ(bytes[10 + len - 1], '\n');
  EXPECT_EQ(bytes.size(), 10 + len + 48);

  write_npy(file("s.npy"), Array::of_strings({"a", "bcd"}, Shape{2}));
  const NpyHeader h = read_npy_header(file("s.npy"));
  EXPECT_EQ(h.descr, "<U3");
  EXPECT_EQ(h.shape, Shape{2});
  EXPECT_EQ(h.dtype, DType::variable_string);
  EXPECT_TRUE(h.unicode);
  EXPECT_EQ(read_npy_header(file("rt0.npy").parent_path() / "a.npy").shape, (Shape{2, 3}));
}

TEST_F(Npy, ReadsBigEndianAndVersions2And3) {
  // >i4 [1, -2] and >c8 [(1+2j)] and >U2 ['hé'] written by hand.
  spit(file("be.npy"), npy_bytes("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }",
                                 std::string("\x00\x00\x00\x01\xff\xff\xff\xfe", 8)));
  EXPECT_EQ(read_npy(file("be.npy")), Array::of(std::vector<std::int32_t>{1, -2}));
  spit(file("bec.npy"), npy_bytes("{'descr': '>c8', 'fortran_order': False, 'shape': (1,), }",
                                  std::string("\x3f\x80\x00\x00\x40\x00\x00\x00", 8), 2));
  EXPECT_EQ(read_npy(file("bec.npy")), Array::of(std::vector<std::complex<float>>{{1.0f, 2.0f}}));
  EXPECT_EQ(read_npy_header(file("bec.npy")).major_version, 2);
  spit(file("beu.npy"), npy_bytes("{'descr': '>U2', 'fortran_order': False, 'shape': (), }",
                                  std::string("\x00\x00\x00h\x00\x00\x00\xe9", 8), 3));
  EXPECT_EQ(read_npy(file("beu.npy")), Array::of_strings({"h\xc3\xa9"}, Shape{}));
  // Older writers: double quotes, no trailing comma, Python 2 longs.
  spit(file("old.npy"),
       npy_bytes("{\"descr\": \"|u1\", \"shape\": (3L,), \"fortran_order\": False}",
                 std::string("\x01\x02\x03", 3)));
  EXPECT_EQ(read_npy(file("old.npy")), Array::of(std::vector<std::uint8_t>{1, 2, 3}));
}

TEST_F(Npy, RefusesUnsupportedAndCorruptFiles) {
  const auto msg = [&](const std::string& name, const std::string& bytes) {
    spit(file(name), bytes);
    return message_of<ValueError>([&] { read_npy(file(name)); });
  };
  const std::string p = dir_.path().string() + "/";
  EXPECT_EQ(msg("f.npy", npy_bytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }",
                                   std::string(32, '\0'))),
            "Invalid .npy file " + p +
                "f.npy: Fortran-order arrays are not supported (write it with C order, e.g. "
                "numpy.ascontiguousarray)");
  for (const std::string descr : {"|O", "<f2", "<M8[s]", "<m8[ns]", "|V8"}) {
    SCOPED_TRACE(descr);
    EXPECT_EQ(msg("d.npy",
                  npy_bytes("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }",
                            std::string(8, '\0'))),
              "Invalid .npy file " + p + "d.npy: unsupported dtype descr " + descr +
                  " (supported: b1, i1-i8, u1-u8, f4, f8, c8, c16, S<n>, U<n>)");
  }
  EXPECT_EQ(msg("st.npy", npy_bytes("{'descr': [('a', '<i4'), ('b', '<f8')], 'fortran_order': "
                                    "False, 'shape': (1,), }",
                                    std::string(12, '\0'))),
            "Invalid .npy file " + p +
                "st.npy: unsupported dtype descr [('a', '<i4'), ('b', '<f8')] (supported: b1, "
                "i1-i8, u1-u8, f4, f8, c8, c16, S<n>, U<n>)");
  EXPECT_EQ(msg("m.npy", "PK\x03\x04 not numpy"),
            "Invalid .npy file " + p +
                "m.npy: bad magic (not a .npy file: it must start with \\x93NUMPY)");
  EXPECT_EQ(msg("t.npy", "\x93NUM"),
            "Invalid .npy file " + p + "t.npy: shorter than the .npy magic and version (8 bytes)");
  EXPECT_EQ(msg("v.npy", std::string("\x93NUMPY\x04\x00", 8) + "xx"),
            "Invalid .npy file " + p +
                "v.npy: unsupported format version 4.0 (1.0, 2.0 and 3.0 are read)");
  EXPECT_EQ(msg("l.npy", std::string("\x93NUMPY\x01\x00\xff\x7f", 10) + "{}"),
            "Invalid .npy file " + p + "l.npy: bad header length 32767 (the file has 12 bytes)");
  EXPECT_EQ(
      msg("h.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }", "")),
      "Invalid .npy file " + p +
          "h.npy: unparseable header dict (expected a non-negative integer at offset 54): "
          "{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }");
  EXPECT_EQ(msg("k.npy", npy_bytes("{'descr': '<f8', 'shape': (2,), }", "")),
            "Invalid .npy file " + p +
                "k.npy: the header dict needs the keys 'descr', 'fortran_order' and 'shape': "
                "{'descr': '<f8', 'shape': (2,), }");
  EXPECT_EQ(msg("s.npy", npy_bytes("{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }",
                                   std::string(10, '\0'))),
            "Invalid .npy file " + p +
                "s.npy: data shorter than the shape says: (2, 3) of <i2 needs 12 bytes, the file "
                "has 10");
  EXPECT_EQ(message_of<NotFoundError>([&] { read_npy(file("missing.npy")); }),
            "File " + p + "missing.npy not found");
}

// Found by fuzz_npy_header (fuzz/corpus/fuzz_npy_header/crash-90ca66cf...):
// UTF-32 data holding a code point past U+10FFFF was once converted blindly.
TEST_F(Npy, RefusesInvalidCodePointsInUnicodeData) {
  spit(file("cp.npy"),
       npy_bytes("{'descr': '<U3', 'fortran_order': False, 'shape': (2,), }",
                 std::string("\xff\xff\xff\xff\xff\xff\xff\x1a\0\0\0\0x\0\0\0y\0\0\0z\0\0\0", 24)));
  EXPECT_EQ(message_of<ValueError>([&] { read_npy(file("cp.npy")); }),
            "Invalid .npy file " + dir_.path().string() +
                "/cp.npy: element 0 holds the invalid code point 4294967295");
}

TEST_F(Npy, ReaderStreamsRowBlocks) {
  std::vector<std::int32_t> v(7 * 3);
  std::iota(v.begin(), v.end(), 0);
  write_npy(file("r.npy"), Array::of(v, Shape{7, 3}));
  NpyReader reader(file("r.npy"));
  EXPECT_EQ(reader.header().shape, (Shape{7, 3}));
  EXPECT_EQ(reader.rows_remaining(), 7u);
  EXPECT_EQ(reader.read_rows(3),
            Array::of(std::vector<std::int32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8}, Shape{3, 3}));
  std::vector<std::int32_t> buf(9, -1);
  EXPECT_EQ(message_of<ValueError>([&] { reader.read_rows_into(3, buf.data(), 8); }),
            "Buffer of 8 bytes is too small for 3 rows (36 bytes) of " + file("r.npy").string());
  EXPECT_EQ(reader.read_rows_into(3, buf.data(), buf.size() * 4), 3u);
  EXPECT_EQ(buf, (std::vector<std::int32_t>{9, 10, 11, 12, 13, 14, 15, 16, 17}));
  EXPECT_EQ(reader.rows_remaining(), 1u);
  EXPECT_EQ(reader.read_rows(10), Array::of(std::vector<std::int32_t>{18, 19, 20}, Shape{1, 3}));
  EXPECT_EQ(reader.rows_remaining(), 0u);
  EXPECT_EQ(reader.read_rows(10).shape(), (Shape{0, 3}));

  write_npy(file("s.npy"), Array::of_strings({"a", "b"}, Shape{2}, 1));
  NpyReader strings(file("s.npy"));
  EXPECT_EQ(message_of<TypeMismatchError>([&] { strings.read_rows_into(1, buf.data(), 36); }),
            "Cannot read the |S1 strings of " + file("s.npy").string() +
                " into a buffer: buffers hold numbers and bools only");
}

TEST_F(Npy, WriterAppendsRowsAndPatchesTheShape) {
  {
    NpyWriter w(file("w.npy"), DType::float64, Shape{2});
    EXPECT_FALSE(std::filesystem::exists(file("w.npy")));
    for (int block = 0; block < 50; ++block) {
      std::vector<double> rows;
      for (int r = 0; r < 30; ++r) rows.insert(rows.end(), {block * 30.0 + r, -1.0});
      w.append(Array::of(rows, Shape{30, 2}));
    }
    const double raw[4] = {7, 8, 9, 10};
    w.append_raw(raw, 2);
    w.append(Array::of(std::vector<std::int32_t>{1, 2}, Shape{1, 2}));  // safe cast
    EXPECT_EQ(message_of<ValueError>([&] {
                w.append(Array::of(std::vector<double>{1, 2, 3}));
              }),
              "Cannot append an array of shape (3,) to " + file("w.npy").string() +
                  ": rows must have shape (2,) (arrays of shape (k, ...))");
    EXPECT_EQ(message_of<TypeMismatchError>([&] {
                w.append(Array::of(std::vector<std::complex<float>>{1, 2}, Shape{1, 2}));
              }),
              "Cannot append complex64 rows to " + file("w.npy").string() +
                  " of float64: the cast is not safe");
    EXPECT_EQ(w.rows(), 1503u);
    w.close();
  }
  const Array a = read_npy(file("w.npy"));
  ASSERT_EQ(a.shape(), (Shape{1503, 2}));
  EXPECT_EQ(a.values<double>()[2 * 1234], 1234.0);
  EXPECT_EQ(a.values<double>()[2 * 1500 + 1], 8.0);
  EXPECT_EQ(a.values<double>()[2 * 1502 + 1], 2.0);
  EXPECT_EQ(temporaries(), 0u);

  {
    NpyWriter w(file("u.npy"), DType::variable_string, Shape{}, 2);
    w.append(Array::of_strings({"é", "ab"}, Shape{2}));
    EXPECT_EQ(message_of<ValueError>([&] { w.append(Array::of_strings({"abc"}, Shape{1})); }),
              "String of 3 code points does not fit U2 in " + file("u.npy").string());
    w.close();
  }
  EXPECT_EQ(read_npy(file("u.npy")), Array::of_strings({"é", "ab"}, Shape{2}));
}

TEST_F(Npy, AbandonedWriterLeavesExistingFileUnchanged) {
  write_npy(file("keep.npy"), Array::of(std::vector<double>{1, 2}));
  const std::string before = slurp(file("keep.npy"));
  {
    NpyWriter w(file("keep.npy"), DType::float64, Shape{});
    w.append(Array::of(std::vector<double>{5, 6, 7}));
  }  // no close(): abandoned
  EXPECT_EQ(slurp(file("keep.npy")), before);
  EXPECT_EQ(temporaries(), 0u);
  EXPECT_EQ(message_of<ValueError>([&] {
              write_npy(file("keep.npy"), Array::of_strings({"ok", "\xff"}, Shape{2}));
            }),
            "String element 1 is not UTF-8 in " + file("keep.npy").string());
  EXPECT_EQ(slurp(file("keep.npy")), before);
}

}  // namespace
}  // namespace h5archive
