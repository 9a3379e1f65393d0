"""Python numbers and numpy string arrays assigned to quantities
(h5archive/_literals.py, python/src/numpy_arrays.cpp; docs/python.md):
Python numbers take the quantity's dtype when they fit, as NOMAD allows;
numpy values keep theirs; string arrays are stored as HDF5 strings."""
import h5py
import numpy as np
import pytest

import h5archive

Q = h5archive.QuantityDef


@pytest.fixture
def archive(area):
    d = (h5archive.SectionDef("Numbers")
         .quantity(Q.number("i32", "int32"))
         .quantity(Q.number("i8", "int8").shape(["*"]))
         .quantity(Q.number("u8", "uint8"))
         .quantity(Q.number("i64", "int64"))
         .quantity(Q.number("f32", "float32").shape(["*"]))
         .quantity(Q.number("f64", "float64"))
         .quantity(Q.number("c64", "complex64").shape([2]))
         .quantity(Q.number("grid", "int16").shape([2, 2]))
         .quantity(Q.text("labels").shape(["*"]))
         .quantity(Q.hdf5_reference("value")))
    return h5archive.EntryArchive(d, area, "test_upload", "numbers")


def test_int_takes_the_quantity_dtype(archive):
    archive.data.i32 = 7
    value = archive.data.i32
    assert value.dtype == np.int32 and value.shape == () and value == 7
    archive.data.u8 = 255
    assert archive.data.u8.dtype == np.uint8 and archive.data.u8 == 255
    archive.data.i64 = -(2**63)
    assert archive.data.i64.dtype == np.int64 and archive.data.i64 == -(2**63)


def test_lists_take_the_quantity_dtype(archive):
    archive.data.i8 = [1, -2, 127]
    assert archive.data.i8.dtype == np.int8
    assert archive.data.i8.tolist() == [1, -2, 127]
    archive.data.f32 = [0.5, 1, 2.25]
    assert archive.data.f32.dtype == np.float32
    assert archive.data.f32.tolist() == [0.5, 1.0, 2.25]
    archive.data.grid = [[1, 2], (3, 4)]
    assert archive.data.grid.dtype == np.int16
    np.testing.assert_array_equal(archive.data.grid, [[1, 2], [3, 4]])
    archive.data.c64 = [1, 2.5]
    assert archive.data.c64.dtype == np.complex64
    assert archive.data.c64.tolist() == [1 + 0j, 2.5 + 0j]


def test_ints_that_do_not_fit_are_named_and_change_nothing(archive):
    archive.data.i8 = [1, 2]
    with pytest.raises(h5archive.InvalidValueError, match=r"^300 does not fit int8 of /data/i8$"):
        archive.data.i8 = [1, 300]
    assert archive.data.i8.tolist() == [1, 2]
    with pytest.raises(h5archive.InvalidValueError, match=r"^-1 does not fit uint8 of /data/u8$"):
        archive.data.u8 = -1
    assert archive.data.u8 is None
    with pytest.raises(ValueError, match=r"^2147483648 does not fit int32 of /data/i32$"):
        archive.data.i32 = 2**31
    with pytest.raises(h5archive.InvalidValueError, match=r"does not fit int64 of /data/i64"):
        archive.data.i64 = 2**64


def test_floats_that_overflow_float32_are_named(archive):
    with pytest.raises(h5archive.InvalidValueError, match=r"^1e\+39 does not fit float32 of "
                                                          r"/data/f32$"):
        archive.data.f32 = [1.0, 1e39]
    archive.data.f32 = [float("inf"), float("nan")]  # not a range problem: numpy keeps them
    assert np.isinf(archive.data.f32[0]) and np.isnan(archive.data.f32[1])
    archive.data.f64 = 2**70  # beyond int64, a float64 holds it
    assert archive.data.f64.dtype == np.float64 and archive.data.f64 == float(2**70)


def test_float_for_an_integer_quantity_keeps_the_library_message(archive):
    with pytest.raises(h5archive.TypeMismatchError,
                       match=r"Cannot assign a float64 value to /data/i32, which is int32"):
        archive.data.i32 = 7.0
    with pytest.raises(h5archive.TypeMismatchError, match=r"float64 value to /data/i8"):
        archive.data.i8 = [1, 2.5]


def test_numpy_values_keep_their_dtype(archive):
    with pytest.raises(h5archive.TypeMismatchError,
                       match=r"Cannot assign a int64 value to /data/i32, which is int32"):
        archive.data.i32 = np.int64(7)
    with pytest.raises(h5archive.TypeMismatchError, match=r"int64 value to /data/i8"):
        archive.data.i8 = np.array([1, 2])
    archive.data.i32 = np.int16(-5)  # a safe cast
    assert archive.data.i32.dtype == np.int32 and archive.data.i32 == -5


def test_hdf5_quantity_keeps_nomads_scalar_message(archive):
    with pytest.raises(h5archive.InvalidValueError, match=r"Invalid HDF5 dataset value: 5\."):
        archive.data.value = 5
    archive.data.value = [1, 2, 3]  # a list is an array of numpy's dtype
    assert archive.read("data/value").dtype == np.int64


def test_str_arrays_are_variable_length_utf8(archive):
    archive.data.value = np.array([["alpha", "β"], ["", "a longer one"]])
    with h5py.File(archive.hdf5_file, "r") as f:
        ds = f["/data/value"]
        info = h5py.check_string_dtype(ds.dtype)
        assert info is not None and info.encoding == "utf-8" and info.length is None
        assert ds.shape == (2, 2)
        assert ds.asstr()[()].tolist() == [["alpha", "β"], ["", "a longer one"]]
    back = archive.read("data/value")
    assert back.tolist() == [["alpha", "β"], ["", "a longer one"]]


def test_bytes_arrays_are_fixed_size(archive):
    archive.data.value = np.array([b"ab", b"xyz", b""])
    with h5py.File(archive.hdf5_file, "r") as f:
        assert f["/data/value"].dtype == np.dtype("S3")
        assert f["/data/value"][()].tolist() == [b"ab", b"xyz", b""]
    assert archive.read("data/value").tolist() == [b"ab", b"xyz", b""]


def test_object_and_list_strings(archive):
    archive.data.value = np.array(["one", "two"], dtype=object)
    assert archive.read("data/value").tolist() == ["one", "two"]
    archive.data.labels = ["x", "yy", "ζ"]
    assert archive.data.labels.tolist() == ["x", "yy", "ζ"]
    assert archive.to_dict()["data"]["labels"] == ["x", "yy", "ζ"]


def test_strings_refused_where_numbers_belong(archive):
    archive.data.i8 = [1]
    with pytest.raises(h5archive.TypeMismatchError,
                       match=r"Cannot assign a str value to /data/i8, which is int8"):
        archive.data.i8 = np.array(["1"])
    assert archive.data.i8.tolist() == [1]
    with pytest.raises(h5archive.TypeMismatchError, match=r"dtype object"):
        archive.data.value = np.array(["a", 1], dtype=object)
    assert archive.data.value is None
