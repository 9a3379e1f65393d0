// Writing and reading quantities in real HDF5 files: round trips, NOMAD's
// require-dataset rules, attributes, external links, hyperslabs, errors.
#include "h5archive/dataset_io.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <complex>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "hdf5_handle.hpp"
#include "test_support.hpp"

using h5archive::testing::message_of;

namespace h5archive {
namespace {

using detail::Hid;
using testing::SilenceHDF5;
using testing::TempDir;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs a program and returns its standard output.
std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

// The h5dump of the HDF5 this test is built against (compiled in by CMake).
std::string h5dump_program() { return std::string(H5ARCHIVE_TEST_HDF5_BIN) + "/h5dump"; }

std::string h5dump_header(const std::filesystem::path& file, const std::string& dataset) {
  return run(h5dump_program() + " -H -d " + dataset + " '" + file.string() + "' 2>&1");
}

// Reads an attribute with the raw C API and checks it is h5py's str type.
struct RawAttribute {
  H5T_class_t cls;
  bool variable_string = false;
  H5T_cset_t cset = H5T_CSET_ERROR;
  int rank = -1;
  hsize_t dims[2] = {0, 0};
  std::vector<std::string> strings;
  H5T_class_t base_cls = H5T_NO_CLASS;
  std::size_t size = 0;
};

RawAttribute raw_attribute(const std::filesystem::path& file, const std::string& obj,
                           const std::string& name) {
  RawAttribute r;
  Hid f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  Hid a(H5Aopen_by_name(f.get(), obj.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
  Hid t(H5Aget_type(a.get()));
  Hid s(H5Aget_space(a.get()));
  r.cls = H5Tget_class(t.get());
  r.size = H5Tget_size(t.get());
  r.rank = H5Sget_simple_extent_ndims(s.get());
  H5Sget_simple_extent_dims(s.get(), r.dims, nullptr);
  if (r.cls == H5T_STRING) {
    r.variable_string = H5Tis_variable_str(t.get()) > 0;
    r.cset = H5Tget_cset(t.get());
    if (r.variable_string) {
      const hssize_t n = H5Sget_simple_extent_npoints(s.get());
      std::vector<char*> ptrs(static_cast<std::size_t>(n));
      Hid mt(H5Tcopy(H5T_C_S1));
      H5Tset_size(mt.get(), H5T_VARIABLE);
      H5Tset_cset(mt.get(), H5T_CSET_UTF8);
      if (n > 0) {
        H5Aread(a.get(), mt.get(), ptrs.data());
        for (char* p : ptrs) r.strings.emplace_back(p);
        H5Treclaim(mt.get(), s.get(), H5P_DEFAULT, ptrs.data());
      }
    }
  }
  return r;
}

class DatasetIOTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::filesystem::path file = dir.path() / "entry.h5";
};

TEST_F(DatasetIOTest, RoundTripsEveryNumericDtype) {
  write_dataset(file, "/n/int8", Array::of<std::int8_t>({-128, 0, 127}));
  write_dataset(file, "/n/int16", Array::of<std::int16_t>({-32768, 1, 32767}));
  write_dataset(file, "/n/int32", Array::of<std::int32_t>({-5, 0, 5}));
  write_dataset(file, "/n/int64", Array::of<std::int64_t>({INT64_MIN, 0, INT64_MAX}));
  write_dataset(file, "/n/uint8", Array::of<std::uint8_t>({0, 255}));
  write_dataset(file, "/n/uint16", Array::of<std::uint16_t>({0, 65535}));
  write_dataset(file, "/n/uint32", Array::of<std::uint32_t>({0, 4294967295u}));
  write_dataset(file, "/n/uint64", Array::of<std::uint64_t>({0, UINT64_MAX}));
  write_dataset(file, "/n/float32", Array::of<float>({1.5f, -0.25f}));
  write_dataset(file, "/n/float64", Array::of<double>({1e300, -2.5}));
  write_dataset(file, "/n/complex64", Array::of<std::complex<float>>({{1, 2}, {-3, 4}}));
  write_dataset(file, "/n/complex128", Array::of<std::complex<double>>({{1e-300, -1}}));
  write_dataset(file, "/n/bool", Array::of_bools({true, false, true}, {3}));
  EXPECT_EQ(read_dataset(file, "/n/int8"), Array::of<std::int8_t>({-128, 0, 127}));
  EXPECT_EQ(read_dataset(file, "/n/int16"), Array::of<std::int16_t>({-32768, 1, 32767}));
  EXPECT_EQ(read_dataset(file, "/n/int32"), Array::of<std::int32_t>({-5, 0, 5}));
  EXPECT_EQ(read_dataset(file, "/n/int64"), Array::of<std::int64_t>({INT64_MIN, 0, INT64_MAX}));
  EXPECT_EQ(read_dataset(file, "/n/uint8"), Array::of<std::uint8_t>({0, 255}));
  EXPECT_EQ(read_dataset(file, "/n/uint16"), Array::of<std::uint16_t>({0, 65535}));
  EXPECT_EQ(read_dataset(file, "/n/uint32"), Array::of<std::uint32_t>({0, 4294967295u}));
  EXPECT_EQ(read_dataset(file, "/n/uint64"), Array::of<std::uint64_t>({0, UINT64_MAX}));
  EXPECT_EQ(read_dataset(file, "/n/float32"), Array::of<float>({1.5f, -0.25f}));
  EXPECT_EQ(read_dataset(file, "/n/float64"), Array::of<double>({1e300, -2.5}));
  EXPECT_EQ(read_dataset(file, "/n/complex64"), Array::of<std::complex<float>>({{1, 2}, {-3, 4}}));
  EXPECT_EQ(read_dataset(file, "/n/complex128"), Array::of<std::complex<double>>({{1e-300, -1}}));
  EXPECT_EQ(read_dataset(file, "/n/bool"), Array::of_bools({true, false, true}, {3}));
}

TEST_F(DatasetIOTest, RoundTripsZeroDEmptyAndNDArrays) {
  const std::vector<std::pair<std::string, Array>> cases = {
      {"scalar_f64", Array::scalar(3.25)},
      {"scalar_i16", Array::scalar<std::int16_t>(-7)},
      {"scalar_bool", Array::of_bools({true}, {})},
      {"scalar_c64", Array::scalar(std::complex<float>(1, -1))},
      {"empty_f64", Array()},
      {"empty_2d", Array::of<std::int32_t>({}, {2, 0})},
      {"empty_bool", Array::of_bools({}, {0})},
      {"nd_3", Array::of<std::uint16_t>({1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                                         13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24},
                                        {2, 3, 4})},
      {"eye", Array::eye(4)},
  };
  for (const auto& [name, a] : cases) write_dataset(file, "/shapes/" + name, a);
  for (const auto& [name, a] : cases) {
    EXPECT_EQ(read_dataset(file, "/shapes/" + name), a) << name;
    const DatasetInfo info = dataset_info(file, "shapes/" + name);
    EXPECT_EQ(info.shape, a.shape()) << name;
    EXPECT_EQ(info.dtype, a.dtype()) << name;
  }
  // 0-d is a scalar dataspace, not a (1,) one.
  Hid f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  Hid d(H5Dopen2(f.get(), "/shapes/scalar_f64", H5P_DEFAULT));
  Hid s(H5Dget_space(d.get()));
  EXPECT_EQ(H5Sget_simple_extent_type(s.get()), H5S_SCALAR);
}

TEST_F(DatasetIOTest, RoundTripsFixedAndVariableStrings) {
  const Array fixed = Array::of_strings({"ab", "", "xyz"}, {3}, 3);
  const Array variable = Array::of_strings({"héllo", "", "a longer string"}, {3});
  const Array grid = Array::of_strings({"a", "b", "c", "d"}, {2, 2});
  const Array scalar = Array::of_strings({"just one"}, {});
  const Array empty = Array::of_strings({}, {0});
  write_dataset(file, "/s/fixed", fixed);
  write_dataset(file, "/s/variable", variable);
  write_dataset(file, "/s/grid", grid);
  write_dataset(file, "/s/scalar", scalar);
  write_dataset(file, "/s/empty", empty);
  EXPECT_EQ(read_dataset(file, "/s/fixed"), fixed);
  EXPECT_EQ(read_dataset(file, "/s/variable"), variable);
  EXPECT_EQ(read_dataset(file, "/s/grid"), grid);
  EXPECT_EQ(read_dataset(file, "/s/scalar"), scalar);
  EXPECT_EQ(read_dataset(file, "/s/empty"), empty);
  EXPECT_EQ(dataset_info(file, "/s/fixed").string_size, 3u);
}

TEST_F(DatasetIOTest, NewDatasetsAreContiguousAndUncompressed) {
  write_dataset(file, "/data/value", Array::of<double>({1, 2, 3}));
  Hid f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  Hid d(H5Dopen2(f.get(), "/data/value", H5P_DEFAULT));
  Hid dcpl(H5Dget_create_plist(d.get()));
  EXPECT_EQ(H5Pget_layout(dcpl.get()), H5D_CONTIGUOUS);
  EXPECT_EQ(H5Pget_nfilters(dcpl.get()), 0);
}

TEST_F(DatasetIOTest, NomadReassignmentRulesAndFileUnchangedOnError) {
  SilenceHDF5 quiet;
  write_dataset(file, "/data/value", Array::of<double>({1, 2, 3}));
  const std::string before = file_bytes(file);

  EXPECT_EQ(message_of<TypeMismatchError>([&] {
              write_dataset(file, "/data/value", Array::of<double>({1, 2, 3, 4}));
            }),
            "Shapes do not match (existing (3,) vs new (4,)) for dataset /data/value in " +
                file.string());
  EXPECT_TRUE(contains(message_of<TypeMismatchError>([&] {
                         write_dataset(file, "/data/value", Array::of<double>({1, 2, 3}, {3, 1}));
                       }),
                       "Shapes do not match (existing (3,) vs new (3, 1))"));
  EXPECT_EQ(read_dataset(file, "/data/value"), Array::of<double>({1, 2, 3}));
  EXPECT_EQ(file_bytes(file), before);

  EXPECT_TRUE(contains(message_of<TypeMismatchError>([&] {
                         write_dataset(file, "/data/value",
                                       Array::of<std::complex<double>>({{9, 1}, {9, 1}, {9, 1}}));
                       }),
                       "Datatypes cannot be safely cast (existing float64 vs new complex128)"));
  EXPECT_EQ(read_dataset(file, "/data/value"), Array::of<double>({1, 2, 3}));
  EXPECT_EQ(file_bytes(file), before);

  // A failing write with attributes must not write the attributes either.
  EXPECT_THROW(write_dataset(file, "/data/value", Array::of<double>({1}),
                             {{"units", AttributeValue::of(std::string("eV"))}}),
               TypeMismatchError);
  EXPECT_EQ(file_bytes(file), before);

  write_dataset(file, "/data/value", Array::of<std::int32_t>({1, 2, 3}));
  const Array back = read_dataset(file, "/data/value");
  EXPECT_EQ(back.dtype(), DType::float64);
  EXPECT_EQ(back, Array::of<double>({1, 2, 3}));
}

TEST_F(DatasetIOTest, ReassignmentTableOfNomadSemantics) {
  SilenceHDF5 quiet;
  struct Case {
    Array existing, value;
    bool ok;
  };
  const std::vector<Case> cases = {
      {Array::of<double>({0, 0}), Array::of<std::int32_t>({1, 2}), true},
      {Array::of<std::int32_t>({0, 0}), Array::of<std::int16_t>({1, 2}), true},
      {Array::of<std::int32_t>({0, 0}), Array::of<double>({1, 2}), false},
      {Array::of<std::int32_t>({0, 0}), Array::of<std::int64_t>({1, 2}), false},
      {Array::of<double>({0, 0}), Array::of<std::complex<double>>({{1, 0}, {2, 0}}), false},
      {Array::of<double>({0, 0}), Array::of_strings({"a", "b"}, {2}), false},
      {Array::of<std::int8_t>({0, 0}), Array::of_bools({true, false}, {2}), true},
      {Array::of<std::complex<double>>({{0, 0}, {0, 0}}), Array::of<float>({1, 2}), true},
      {Array::of_strings({"", ""}, {2}, 5), Array::of_strings({"abc", "d"}, {2}, 3), true},
      {Array::of_strings({"", ""}, {2}, 2), Array::of_strings({"abc", "d"}, {2}, 3), false},
      {Array::of_strings({"", ""}, {2}), Array::of_strings({"abc", "d"}, {2}, 3), true},
      {Array::of_strings({"", ""}, {2}, 5), Array::of_strings({"abc", "d"}, {2}), false},
  };
  int i = 0;
  for (const auto& c : cases) {
    const std::string path = "/table/" + std::to_string(i++);
    write_dataset(file, path, c.existing);
    if (c.ok) {
      ASSERT_NO_THROW(write_dataset(file, path, c.value)) << path;
      Array back = read_dataset(file, path);
      EXPECT_EQ(back.dtype(), c.existing.dtype()) << path;  // stored dtype kept
      EXPECT_EQ(back.string_size(), c.existing.string_size()) << path;
      if (is_string(back.dtype()))
        EXPECT_EQ(back.strings(), c.value.strings()) << path;
      else
        EXPECT_EQ(back, c.value.cast_to(c.existing.dtype())) << path;
    } else {
      const std::string msg =
          message_of<TypeMismatchError>([&] { write_dataset(file, path, c.value); });
      EXPECT_TRUE(contains(msg, "Datatypes cannot be safely cast (existing " +
                                    c.existing.dtype_name() + " vs new " + c.value.dtype_name() +
                                    ")"))
          << msg;
      EXPECT_EQ(read_dataset(file, path), c.existing) << path;
    }
  }
}

TEST_F(DatasetIOTest, AcceptsPathsWithoutLeadingSlashAndDoubledSlashes) {
  write_dataset(file, "data/value", Array::of<double>({1, 2}));
  EXPECT_EQ(read_dataset(file, "/data/value"), Array::of<double>({1, 2}));
  EXPECT_EQ(read_dataset(file, "//data//value"), Array::of<double>({1, 2}));
  write_dataset(file, "/data//value", Array::of<double>({3, 4}));
  EXPECT_EQ(read_dataset(file, "data/value"), Array::of<double>({3, 4}));
}

TEST_F(DatasetIOTest, GroupInTheWayIsAnIncompatibleObject) {
  SilenceHDF5 quiet;
  write_dataset(file, "/data/sub/x", Array::of<double>({1}));
  const std::string before = file_bytes(file);
  EXPECT_EQ(
      message_of<TypeMismatchError>([&] { write_dataset(file, "/data/sub", Array::scalar(1.0)); }),
      "Incompatible object (Group) already exists at /data/sub in " + file.string());
  // And a dataset where a group is needed, as h5py's require_group says.
  EXPECT_TRUE(contains(message_of<TypeMismatchError>(
                           [&] { write_dataset(file, "/data/sub/x/y", Array::scalar(1.0)); }),
                       "Incompatible object (Dataset) already exists at /data/sub/x"));
  EXPECT_TRUE(contains(
      message_of<TypeMismatchError>([&] {
        write_group_attributes(file, "/data/sub/x", {{"a", AttributeValue::of(std::string("b"))}});
      }),
      "Incompatible object (Dataset) already exists at /data/sub/x"));
  EXPECT_EQ(file_bytes(file), before);
}

TEST_F(DatasetIOTest, MissingFolderIsNotFoundNamingIt) {
  const auto missing = dir.path() / "no" / "such";
  const std::string msg = message_of<NotFoundError>(
      [&] { write_dataset(missing / "e.h5", "/data/value", Array::scalar(1.0)); });
  EXPECT_TRUE(contains(msg, "folder " + missing.string() + " does not exist")) << msg;
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(DatasetIOTest, MissingFileOrDatasetIsNotFoundNamingBoth) {
  SilenceHDF5 quiet;
  const auto other = dir.path() / "absent.h5";
  std::string msg = message_of<NotFoundError>([&] { read_dataset(other, "/data/value"); });
  EXPECT_TRUE(contains(msg, other.string()) && contains(msg, "/data/value")) << msg;
  EXPECT_FALSE(std::filesystem::exists(other));
  write_dataset(file, "/data/value", Array::scalar(1.0));
  msg = message_of<NotFoundError>([&] { read_dataset(file, "/data/nothing"); });
  EXPECT_EQ(msg, "Dataset /data/nothing not found in " + file.string());
  msg = message_of<NotFoundError>([&] { read_dataset(file, "/nogroup/x/y"); });
  EXPECT_EQ(msg, "Dataset /nogroup/x/y not found in " + file.string());
  msg = message_of<NotFoundError>([&] { dataset_info(file, "/data/value/deeper"); });
  EXPECT_TRUE(contains(msg, "/data/value/deeper")) << msg;
  msg = message_of<TypeMismatchError>([&] { read_dataset(file, "/data"); });
  EXPECT_TRUE(contains(msg, "/data") && contains(msg, "not a dataset")) << msg;
}

TEST_F(DatasetIOTest, NotAnHDF5FileIsAnHDF5ErrorWithTheCause) {
  SilenceHDF5 quiet;
  std::ofstream(file) << "not hdf5";
  const std::string msg = message_of<HDF5Error>([&] { read_dataset(file, "/x"); });
  EXPECT_TRUE(contains(msg, "Opening " + file.string() + " for reading: ")) << msg;
  EXPECT_GT(msg.size(), ("Opening " + file.string() + " for reading: ").size()) << msg;
  EXPECT_THROW(write_dataset(file, "/x", Array::scalar(1.0)), HDF5Error);
  EXPECT_EQ(file_bytes(file), "not hdf5");
}

TEST_F(DatasetIOTest, ReadDatasetAsChecksTheStoredDtype) {
  write_dataset(file, "/data/value", Array::of<double>({1, 2}));
  EXPECT_EQ(read_dataset_as(file, "/data/value", DType::float64), Array::of<double>({1, 2}));
  EXPECT_EQ(
      message_of<TypeMismatchError>([&] { read_dataset_as(file, "data/value", DType::int32); }),
      "Dataset /data/value in " + file.string() + " is float64, not int32");
}

TEST_F(DatasetIOTest, HyperslabReads) {
  std::vector<std::int32_t> v(12);
  for (int i = 0; i < 12; ++i) v[i] = i;
  write_dataset(file, "/m", Array::of<std::int32_t>(v, {3, 4}));
  EXPECT_EQ(read_dataset(file, "/m", Hyperslab{{1, 1}, {2, 2}}),
            Array::of<std::int32_t>({5, 6, 9, 10}, {2, 2}));
  EXPECT_EQ(read_dataset(file, "/m", Hyperslab{{0, 3}, {3, 1}}),
            Array::of<std::int32_t>({3, 7, 11}, {3, 1}));
  EXPECT_EQ(read_dataset(file, "/m", Hyperslab{{3, 0}, {0, 4}}),
            Array::of<std::int32_t>({}, {0, 4}));
  EXPECT_EQ(read_dataset_as(file, "/m", DType::int32, Hyperslab{{2, 0}, {1, 4}}),
            Array::of<std::int32_t>({8, 9, 10, 11}, {1, 4}));
  write_dataset(file, "/s", Array::of_strings({"a", "b", "c"}, {3}));
  EXPECT_EQ(read_dataset(file, "/s", Hyperslab{{1}, {2}}), Array::of_strings({"b", "c"}, {2}));
  write_dataset(file, "/f", Array::of_strings({"a", "bb", "c"}, {3}, 2));
  EXPECT_EQ(read_dataset(file, "/f", Hyperslab{{1}, {1}}), Array::of_strings({"bb"}, {1}, 2));
}

TEST_F(DatasetIOTest, BadHyperslabsAreValueErrorsNamingSelectionAndShape) {
  write_dataset(file, "/m", Array::zeros(DType::float64, {3, 4}));
  const std::vector<Hyperslab> bad = {
      {{0}, {1}},                 // rank
      {{0, 0}, {4, 1}},           // too many rows
      {{3, 4}, {1, 1}},           // start past the end
      {{0, 1}, {1, UINT64_MAX}},  // overflow
      {{0, 0, 0}, {1, 1, 1}},     // rank
  };
  for (const auto& s : bad) {
    const std::string msg = message_of<ValueError>([&] { read_dataset(file, "/m", s); });
    EXPECT_TRUE(contains(msg, "Selection start [")) << msg;
    EXPECT_TRUE(contains(msg, "does not fit Dataset /m in " + file.string() + " of shape (3, 4)"))
        << msg;
  }
  EXPECT_EQ(message_of<ValueError>([&] {
              read_dataset(file, "/m", Hyperslab{{1, 5}, {1, 0}});
            }),
            "Selection start [1, 5] count [1, 0] does not fit Dataset /m in " + file.string() +
                " of shape (3, 4)");
  write_dataset(file, "/scalar", Array::scalar(1.0));
  EXPECT_EQ(read_dataset(file, "/scalar", Hyperslab{}), Array::scalar(1.0));
  EXPECT_THROW(read_dataset(file, "/scalar", Hyperslab{{0}, {1}}), ValueError);
}

TEST_F(DatasetIOTest, AttributesAreStoredAsH5pyStoresThem) {
  write_dataset(file, "/data/value", Array::of<double>({1, 2}),
                {{"units", AttributeValue::of(std::string("eV"))},
                 {"long_name", AttributeValue::of(std::string("value (eV)"))}});
  write_group_attributes(file, "/data",
                         {{"NX_class", AttributeValue::of(std::string("NXdata"))},
                          {"axes", AttributeValue::of(std::vector<std::string>{"x", "y"})},
                          {"paths", AttributeValue::of(Array())},
                          {"scale", AttributeValue::of(Array::of<std::int32_t>({1, 2, 3}))}});

  RawAttribute units = raw_attribute(file, "/data/value", "units");
  EXPECT_EQ(units.cls, H5T_STRING);
  EXPECT_TRUE(units.variable_string);
  EXPECT_EQ(units.cset, H5T_CSET_UTF8);
  EXPECT_EQ(units.rank, 0);
  EXPECT_EQ(units.strings, std::vector<std::string>{"eV"});

  RawAttribute axes = raw_attribute(file, "/data", "axes");
  EXPECT_TRUE(axes.variable_string);
  EXPECT_EQ(axes.cset, H5T_CSET_UTF8);
  EXPECT_EQ(axes.rank, 1);
  EXPECT_EQ(axes.dims[0], 2u);
  EXPECT_EQ(axes.strings, (std::vector<std::string>{"x", "y"}));

  RawAttribute paths = raw_attribute(file, "/data", "paths");
  EXPECT_EQ(paths.cls, H5T_FLOAT);
  EXPECT_EQ(paths.size, 8u);
  EXPECT_EQ(paths.rank, 1);
  EXPECT_EQ(paths.dims[0], 0u);

  RawAttribute scale = raw_attribute(file, "/data", "scale");
  EXPECT_EQ(scale.cls, H5T_INTEGER);
  EXPECT_EQ(scale.dims[0], 3u);

  EXPECT_EQ(read_string_attribute(file, "/data/value", "units"), "eV");
  EXPECT_EQ(read_string_attribute(file, "data", "NX_class"), "NXdata");
  EXPECT_EQ(read_string_attribute(file, "/data", "axes"), "xy");
  EXPECT_EQ(read_string_attribute(file, "/data", "missing"), std::nullopt);
  EXPECT_THROW(read_string_attribute(file, "/data", "scale"), TypeMismatchError);
  SilenceHDF5 quiet;
  EXPECT_THROW(read_string_attribute(file, "/nothing", "x"), NotFoundError);
}

TEST_F(DatasetIOTest, AttributesAreOverwrittenOnRewrite) {
  write_dataset(file, "/data/value", Array::of<double>({1}),
                {{"units", AttributeValue::of(std::string("eV"))}});
  write_dataset(file, "/data/value", Array::of<double>({2}),
                {{"units", AttributeValue::of(std::vector<std::string>{"m", "s"})}});
  EXPECT_EQ(read_dataset(file, "/data/value"), Array::of<double>({2}));
  RawAttribute units = raw_attribute(file, "/data/value", "units");
  EXPECT_EQ(units.rank, 1);
  EXPECT_EQ(units.strings, (std::vector<std::string>{"m", "s"}));
  write_group_attributes(file, "/", {{"root", AttributeValue::of(std::string("r"))}});
  EXPECT_EQ(read_string_attribute(file, "/", "root"), "r");
}

TEST_F(DatasetIOTest, GroupAttributesCreateTheGroupAndItsParents) {
  write_group_attributes(file, "/a/b/c", {{"signal", AttributeValue::of(std::string("v"))}});
  Hid f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  H5O_info2_t info;
  ASSERT_GE(H5Oget_info_by_name3(f.get(), "/a/b/c", &info, H5O_INFO_BASIC, H5P_DEFAULT), 0);
  EXPECT_EQ(info.type, H5O_TYPE_GROUP);
  EXPECT_EQ(read_string_attribute(file, "/a/b/c", "signal"), "v");
}

TEST_F(DatasetIOTest, ExternalLinkResolvesAndIsReplaced) {
  const auto target = dir.path() / "raw.h5";
  write_dataset(target, "/data/value", Array::of<double>({4, 5, 6}));
  write_dataset(target, "/data/other", Array::of<std::int64_t>({7}));
  write_dataset(file, "/data/x", Array::scalar(0.0));  // file exists already
  write_external_link(file, "/data/links/value", "raw.h5", "/data/value");

  // Relative names resolve against the linking file's folder.
  Hid f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  H5L_info2_t linfo;
  ASSERT_GE(H5Lget_info2(f.get(), "/data/links/value", &linfo, H5P_DEFAULT), 0);
  EXPECT_EQ(linfo.type, H5L_TYPE_EXTERNAL);
  Hid obj(H5Oopen(f.get(), "/data/links/value", H5P_DEFAULT));
  ASSERT_TRUE(obj.valid());
  double values[3] = {0, 0, 0};
  ASSERT_GE(H5Dread(obj.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), 0);
  EXPECT_EQ(values[0], 4);
  EXPECT_EQ(values[2], 6);
  obj.close();
  f.close();
  EXPECT_EQ(read_dataset(file, "/data/links/value"), Array::of<double>({4, 5, 6}));

  write_external_link(file, "data/links/value", "raw.h5", "/data/other");
  EXPECT_EQ(read_dataset(file, "/data/links/value"), Array::of<std::int64_t>({7}));
  // Stored data at the link path is never replaced by a link.
  try {
    write_external_link(file, "/data/x", "raw.h5", "/data/value");
    FAIL() << "expected TypeMismatchError";
  } catch (const TypeMismatchError& e) {
    EXPECT_THAT(e.what(),
                ::testing::HasSubstr("Incompatible object (Dataset) already exists at /data/x"));
  }
  EXPECT_EQ(read_dataset(file, "/data/x"), Array::scalar(0.0));
}

TEST_F(DatasetIOTest, WritingNeverGoesThroughALink) {
  const auto target = dir.path() / "raw.h5";
  write_dataset(target, "/data/value", Array::of<double>({4, 5, 6}));
  write_external_link(file, "/data/value_external", "raw.h5", "/data/value");
  write_external_link(file, "/data/group_link", "raw.h5", "/data");
  for (const char* path : {"/data/value_external", "/data/group_link/value"}) {
    try {
      write_dataset(file, path, Array::of<double>({1, 1, 1}));
      FAIL() << "expected TypeMismatchError for " << path;
    } catch (const TypeMismatchError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr(
                                "Incompatible object (Soft or external link) already exists"));
    }
  }
  // The linked raw file keeps its values.
  EXPECT_EQ(read_dataset(target, "/data/value"), Array::of<double>({4, 5, 6}));
}

TEST_F(DatasetIOTest, H5dumpSeesH5pyTypes) {
  write_dataset(file, "/b", Array::of_bools({true, false}, {2}));
  write_dataset(file, "/c64", Array::of<std::complex<float>>({{1, 2}}));
  write_dataset(file, "/c128", Array::of<std::complex<double>>({{1, 2}}));
  write_dataset(file, "/fs", Array::of_strings({"abc"}, {1}, 4));
  write_dataset(file, "/vs", Array::of_strings({"abc"}, {1}));
  write_dataset(file, "/i", Array::of<std::uint16_t>({1}));

  const std::string b = h5dump_header(file, "/b");
  EXPECT_TRUE(contains(b, "H5T_ENUM {")) << b;
  EXPECT_TRUE(contains(b, "H5T_STD_I8LE;")) << b;
  EXPECT_NE(b.find("\"FALSE\"            0;"), std::string::npos) << b;
  EXPECT_NE(b.find("\"TRUE\"             1;"), std::string::npos) << b;

  const std::string c64 = h5dump_header(file, "/c64");
  EXPECT_TRUE(contains(c64, "H5T_COMPOUND {")) << c64;
  EXPECT_TRUE(contains(c64, "H5T_IEEE_F32LE \"r\";")) << c64;
  EXPECT_TRUE(contains(c64, "H5T_IEEE_F32LE \"i\";")) << c64;
  const std::string c128 = h5dump_header(file, "/c128");
  EXPECT_TRUE(contains(c128, "H5T_IEEE_F64LE \"r\";")) << c128;
  EXPECT_TRUE(contains(c128, "H5T_IEEE_F64LE \"i\";")) << c128;

  const std::string fs = h5dump_header(file, "/fs");
  EXPECT_TRUE(contains(fs, "STRSIZE 4;")) << fs;
  EXPECT_TRUE(contains(fs, "STRPAD H5T_STR_NULLPAD;")) << fs;
  EXPECT_TRUE(contains(fs, "CSET H5T_CSET_UTF8;")) << fs;
  const std::string vs = h5dump_header(file, "/vs");
  EXPECT_TRUE(contains(vs, "STRSIZE H5T_VARIABLE;")) << vs;
  EXPECT_TRUE(contains(vs, "CSET H5T_CSET_UTF8;")) << vs;
  EXPECT_TRUE(contains(h5dump_header(file, "/i"), "H5T_STD_U16LE")) << h5dump_header(file, "/i");
}

TEST_F(DatasetIOTest, UnsupportedStoredTypesNameTheirHDF5Class) {
  {
    Hid f(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
    Hid t(H5Tcreate(H5T_OPAQUE, 4));
    H5Tset_tag(t.get(), "blob");
    hsize_t dims[1] = {2};
    Hid s(H5Screate_simple(1, dims, nullptr));
    Hid d(H5Dcreate2(f.get(), "/opaque", t.get(), s.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    Hid e(H5Tenum_create(H5T_STD_I32LE));
    int v = 3;
    H5Tenum_insert(e.get(), "RED", &v);
    Hid d2(H5Dcreate2(f.get(), "/enum", e.get(), s.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  }
  std::string msg = message_of<TypeMismatchError>([&] { read_dataset(file, "/opaque"); });
  EXPECT_TRUE(contains(msg, "H5T_OPAQUE") && contains(msg, "/opaque")) << msg;
  msg = message_of<TypeMismatchError>([&] { dataset_info(file, "/enum"); });
  EXPECT_TRUE(contains(msg, "H5T_ENUM")) << msg;
  msg = message_of<TypeMismatchError>([&] {
    write_dataset(file, "/opaque", Array::of<double>({1, 2}));
  });
  EXPECT_TRUE(contains(msg, "H5T_OPAQUE")) << msg;
}

TEST(HDF5HandleTest, InnermostErrorIsConsumedAndHidClosesOnce) {
  SilenceHDF5 quiet;
  const hid_t bad = H5Fopen("/nonexistent/folder/file.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_LT(bad, 0);
  const std::string first = detail::innermost_hdf5_error();
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(detail::innermost_hdf5_error(), "");  // the stack was consumed
  EXPECT_THROW(detail::checked(H5Fopen("/nonexistent.h5", H5F_ACC_RDONLY, H5P_DEFAULT), "x"),
               HDF5Error);

  Hid a(H5Screate(H5S_SCALAR));
  const hid_t id = a.get();
  Hid b(std::move(a));
  EXPECT_FALSE(a.valid());
  EXPECT_EQ(b.get(), id);
  EXPECT_GT(H5Iis_valid(id), 0);
  EXPECT_EQ(b.close(), 0);
  EXPECT_LE(H5Iis_valid(id), 0);
}

}  // namespace
}  // namespace h5archive
