"""The library from Python (h5archive._core, python/src/; docs/python.md),
in the wheel's venv (tests/wheel/prepare.sh), run by pytest through
tests/wheel/with_wheel.sh. The seed example first, one step per test, then
NOMAD's documented behaviours, dtype round trips and the errors."""
import json

import h5py
import numpy as np
import pytest

import h5archive
from conftest import EXTERNAL  # tests/wheel/conftest.py, with the `area` fixture

ARCHIVE_VALUE = "/uploads/test_upload/archive/test_entry#/data/value"


def large_data():
    # class LargeData(ArchiveSection): value_external, value = Quantity(type=HDF5Reference)
    return (h5archive.SectionDef("LargeData")
            .quantity(h5archive.QuantityDef.hdf5_reference("value_external"))
            .quantity(h5archive.QuantityDef.hdf5_reference("value")))


@pytest.fixture
def archive(area):
    return h5archive.EntryArchive(large_data(), area, "test_upload", "test_entry")


def test_seed_assign_array_stores_reference(archive):
    archive.data.value = np.eye(5)
    assert archive.data.value == ARCHIVE_VALUE
    np.testing.assert_array_equal(archive.read("data/value"), np.eye(5))
    assert archive.read("/data/value").dtype == np.float64
    with h5py.File(archive.hdf5_file, "r") as f:  # written at once, readable by h5py
        np.testing.assert_array_equal(f["/data/value"][()], np.eye(5))


def test_seed_raw_file_reference_is_linked_not_copied(archive):
    archive.data.value_external = "external.h5#/path/to/data"
    assert archive.data.value_external == "external.h5#/path/to/data"
    np.testing.assert_array_equal(archive.read("data/value_external"), EXTERNAL)
    np.testing.assert_array_equal(archive.data.read("value_external"), EXTERNAL)
    with h5py.File(archive.hdf5_file, "r") as f:
        link = f.get("/data/value_external", getlink=True)
        assert isinstance(link, h5py.ExternalLink)
        assert (link.filename, link.path) == ("../raw/external.h5", "/path/to/data")


def test_seed_reassign_same_shape_keeps_dataset_and_dtype(archive):
    archive.data.value = np.eye(5)
    archive.data.value = np.full((5, 5), 7, dtype=np.int32)
    assert archive.data.value == ARCHIVE_VALUE
    back = archive.read("data/value")
    assert back.dtype == np.float64  # the stored dtype is kept
    np.testing.assert_array_equal(back, np.full((5, 5), 7.0))


def test_seed_reassign_other_shape_raises_library_message(archive):
    archive.data.value = np.eye(5)
    with pytest.raises(h5archive.TypeMismatchError) as e:
        archive.data.value = np.eye(3)
    assert isinstance(e.value, TypeError) and isinstance(e.value, h5archive.Error)
    assert str(e.value).startswith("Shapes do not match (existing (5, 5) vs new (3, 3))")
    np.testing.assert_array_equal(archive.read("data/value"), np.eye(5))  # unchanged


def test_save_and_load_round_trip(area, archive):
    archive.data.value = np.eye(5)
    archive.data.value_external = "external.h5#/path/to/data"
    archive.save()
    with open(area.archive_json_path("test_upload", "test_entry")) as f:
        stored = json.load(f)
    assert stored["data"]["value"] == ARCHIVE_VALUE
    assert stored["data"]["value_external"] == "external.h5#/path/to/data"
    again = h5archive.EntryArchive.load(area, large_data(), "test_upload", "test_entry")
    assert (again.upload_id, again.entry_id) == ("test_upload", "test_entry")
    assert again.data.value == ARCHIVE_VALUE
    np.testing.assert_array_equal(again.read("data/value"), np.eye(5))
    np.testing.assert_array_equal(again.read("data/value_external"), EXTERNAL)


def test_unset_quantity_is_none_and_unknown_name_raises(archive):
    assert archive.data.value is None
    with pytest.raises(AttributeError, match="has no quantity or sub-section 'nope'"):
        archive.data.nope  # noqa: B018
    with pytest.raises(h5archive.InvalidValueError, match="nope"):
        archive.data.nope = 1.0


DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float32", "float64", "complex64", "complex128"]


@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_round_trip(archive, dtype):
    value = (np.arange(24).reshape(2, 3, 4) % 5).astype(dtype)
    if dtype.startswith("complex"):
        value = value + 1j * value[::-1]
    archive.data.value = value
    back = archive.read("data/value")
    assert back.dtype == np.dtype(dtype) and back.shape == (2, 3, 4)
    np.testing.assert_array_equal(back, value)


@pytest.mark.parametrize("make", [lambda a: a[:, ::2], lambda a: np.asfortranarray(a),
                                  lambda a: a.T, lambda a: a.tolist()],
                         ids=["strided", "fortran", "transposed", "list"])
def test_non_contiguous_values_are_copied_in_c_order(archive, make):
    value = make(np.arange(30.0).reshape(5, 6))
    archive.data.value = value
    np.testing.assert_array_equal(archive.read("data/value"), np.asarray(value))


def test_read_gives_an_array_owning_its_buffer(archive):
    archive.data.value = np.eye(4, dtype=np.float32)
    a, b = archive.read("data/value"), archive.read("data/value")
    a[0, 0] = 9  # writable, and not shared with the next read
    assert b[0, 0] == 1 and a.flags.c_contiguous and a.flags.writeable


def test_unsupported_dtype_raises(archive):
    with pytest.raises(h5archive.TypeMismatchError, match="dtype float16"):
        archive.data.value = np.zeros(3, dtype=np.float16)


def test_python_float_on_hdf5_quantity_is_refused_like_nomad(archive):
    with pytest.raises(h5archive.InvalidValueError) as e:
        archive.data.value = 5.0
    assert isinstance(e.value, ValueError)
    assert str(e.value) == "Invalid HDF5 dataset value: 5.0."


def test_bad_reference_and_escape(archive):
    with pytest.raises(h5archive.InvalidReferenceError) as e:
        archive.data.value_external = "no-hash-here"
    assert isinstance(e.value, ValueError) and "no-hash-here" in str(e.value)
    with pytest.raises(h5archive.SecurityError) as e:
        archive.data.value_external = "../../other/raw/x.h5#/d"
    assert isinstance(e.value, PermissionError) and "../../other/raw/x.h5" in str(e.value)
    assert archive.data.value_external is None  # left unchanged


def test_load_missing_entry_raises_not_found(area):
    with pytest.raises(h5archive.NotFoundError) as e:
        h5archive.EntryArchive.load(area, large_data(), "test_upload", "missing")
    assert isinstance(e.value, FileNotFoundError) and "missing" in str(e.value)


def test_schema_builder_describes_quantities():
    q = h5archive.QuantityDef.hdf5_reference("value").unit("eV").description("energies")
    assert (q.name, q.kind, q.shape_dims, q.unit_str, q.description_text) == (
        "value", "hdf5_reference", [], "eV", "energies")
    n = h5archive.QuantityDef.number("n", "int32").shape(["*", 3])
    assert (n.kind, n.dtype, n.shape_dims) == ("number", "int32", ["*", 3])
    d = h5archive.SectionDef("S").quantity(q).quantity(n)
    assert [x.name for x in d.quantities] == ["value", "n"]


def test_reference_shape_is_refused_by_the_library():
    with pytest.raises(h5archive.InvalidValueError,
                       match=r"HDF5Reference quantity value must be scalar \(shape \[\]\)"):
        h5archive.QuantityDef.hdf5_reference("value").shape([3])


def test_unit_and_shape_of_definition_are_applied(area):
    d = (h5archive.SectionDef("S")
         .quantity(h5archive.QuantityDef.hdf5_reference("value").unit("eV"))
         .quantity(h5archive.QuantityDef.number("n", "int32").shape(["*", 3])))
    archive = h5archive.EntryArchive(d, area, "test_upload", "shaped")
    archive.data.value = np.ones((4, 3))
    with h5py.File(archive.hdf5_file, "r") as f:
        assert f["/data/value"].attrs["units"] == "eV"
        assert f["/data/value"].attrs["long_name"] == "value (eV)"
    archive.data.n = np.arange(6, dtype=np.int32).reshape(2, 3)
    n = archive.data.n
    assert n.dtype == np.int32
    np.testing.assert_array_equal(n, np.arange(6).reshape(2, 3))
    with pytest.raises(h5archive.Error) as e:
        archive.data.n = np.zeros((2, 2), dtype=np.int32)
    assert "n" in str(e.value)


@pytest.mark.parametrize("root", ["/data/staging", "/a;b", "/x{y", "/x{y}", " lead", "/b\\{",
                                  "/q}{"])
def test_info_string_is_the_libraries_and_round_trips(root):
    config = h5archive.StagingConfig(root=root, upload="u_1")
    text = str(config)
    assert h5archive.StagingConfig.parse(text) == config
    parsed = h5archive.StagingConfig.parse(text)
    assert (str(parsed.root), parsed.upload) == (root, "u_1")
    if root.startswith("/"):  # info_string makes a root absolute
        assert h5archive.info_string(root, "u_1") == text


def test_info_string_quoting():
    assert h5archive.info_string("/data/staging") == "root=/data/staging"
    assert h5archive.info_string("/a;b", "up") == "root={/a;b};upload=up"
    assert h5archive.info_string("/x{y") == "root={/x\\{y}"


def test_sub_sections_unset_and_strings(area):
    run = h5archive.SectionDef("Run").quantity(h5archive.QuantityDef.hdf5_reference("signal"))
    d = (h5archive.SectionDef("Top").quantity(h5archive.QuantityDef.hdf5_reference("names"))
         .sub_section("single", run).sub_section("runs", run, repeats=True))
    archive = h5archive.EntryArchive(d, area, "test_upload", "subs")
    archive.data.single.signal = np.arange(3, dtype=np.int16)
    assert archive.data.single.m_path == "/data/single"
    assert archive.data.single.signal == "/uploads/test_upload/archive/subs#/data/single/signal"
    first, second = archive.data.runs.append(), archive.data.runs.append()
    second.signal = np.ones(2)
    assert len(archive.data.runs) == 2 and archive.data.runs[-1].m_path == "/data/runs/1"
    assert first.signal is None
    np.testing.assert_array_equal(archive.read("data/runs/1/signal"), np.ones(2))
    with h5py.File(area.raw_file_path("test_upload", "names.h5"), "w") as f:
        f["/n"] = np.array(["alpha", "β"], dtype=h5py.string_dtype())
    archive.data.names = "names.h5#/n"
    assert archive.read("data/names").tolist() == ["alpha", "β"]
    del archive.data.names
    assert archive.data.names is None
