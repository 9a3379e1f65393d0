"""Streaming, hyperslab reads, lazy h5py handles and put/get from Python
(docs/python.md "Streaming", "Reading slices", "put and get"), in the wheel's
venv (tests/wheel/prepare.sh), run by pytest through tests/wheel/with_wheel.sh."""
import json
import sys
import threading
import tracemalloc

import h5py
import numpy as np
import pytest

import h5archive

UPLOAD = "test_upload"
VALUE_REF = "/uploads/test_upload/archive/test_entry#/data/value"


def large_data():
    return (h5archive.SectionDef("LargeData")
            .quantity(h5archive.QuantityDef.hdf5_reference("value_external"))
            .quantity(h5archive.QuantityDef.hdf5_reference("value"))
            .quantity(h5archive.QuantityDef.number("n", "int32").shape(["*", 3])))


@pytest.fixture
def area(tmp_path):
    (tmp_path / "staging").mkdir()
    area = h5archive.StagingArea(str(tmp_path / "staging"))
    area.create_upload(UPLOAD)
    return area


@pytest.fixture
def archive(area):
    return h5archive.EntryArchive(large_data(), area, UPLOAD, "test_entry")


def blocks(n, rows=100, cols=3):
    return [np.arange(i * rows * cols, (i + 1) * rows * cols, dtype=np.float64).reshape(rows, cols)
            for i in range(n)]


# ---- streaming -------------------------------------------------------------

def test_stream_blocks_sets_reference_and_reads_back(archive):
    with archive.data.stream("value", "float64", chunks=(64, 3)) as w:
        assert archive.data.value is None  # nothing is linked before the end
        for block in blocks(3):
            w.append(block)
        assert (w.rows, w.shape) == (300, (300, 3))
    assert w.closed
    assert archive.data.value == VALUE_REF
    np.testing.assert_array_equal(archive.read("data/value"), np.concatenate(blocks(3)))
    with h5py.File(archive.hdf5_file, "r") as f:
        ds = f["/data/value"]
        assert (ds.chunks, ds.compression, ds.maxshape) == ((64, 3), None, (None, 3))


def test_stream_gzip_and_unit(area):
    d = h5archive.SectionDef("S").quantity(h5archive.QuantityDef.hdf5_reference("value").unit("eV"))
    archive = h5archive.EntryArchive(d, area, UPLOAD, "gz")
    with archive.data.stream("value", np.float32, compression="gzip", compression_opts=6) as w:
        w.append(np.linspace(0, 1, 5000, dtype=np.float32))
    with h5py.File(archive.hdf5_file, "r") as f:
        ds = f["/data/value"]
        assert (ds.compression, ds.compression_opts, ds.shuffle) == ("gzip", 6, True)
        assert ds.dtype == np.float32 and ds.attrs["units"] == "eV"
        np.testing.assert_array_equal(ds[()], np.linspace(0, 1, 5000, dtype=np.float32))
    with pytest.raises(h5archive.InvalidValueError, match="is in eV; cannot stream values in m"):
        archive.data.stream("value", "float64", shape=(None,), unit="m")


def test_stream_checks_dtype_and_trailing_shape_with_library_messages(archive):
    with archive.data.stream("value", "float64") as w:
        w.append(np.arange(6, dtype=np.int32).reshape(2, 3))  # casts safely
        with pytest.raises(h5archive.TypeMismatchError) as e:
            w.append(np.zeros((2, 4)))
        assert "(None, 3)" in str(e.value) and "(2, 4)" in str(e.value)
        with pytest.raises(h5archive.TypeMismatchError,
                           match="existing float64 vs new complex128"):
            w.append(np.zeros((1, 3), dtype=np.complex128))
        with pytest.raises(h5archive.TypeMismatchError, match="dtype float16"):
            w.append(np.zeros((1, 3), dtype=np.float16))
        w.append(np.array([9.0, 9.0, 9.0]))  # rank one less: one row
    np.testing.assert_array_equal(archive.read("data/value"),
                                  [[0, 1, 2], [3, 4, 5], [9, 9, 9]])


def test_exception_inside_with_keeps_the_old_value(archive):
    with archive.data.stream("value", "float64") as w:
        w.append(np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match="producer failed"):
        with archive.data.stream("value", "float64", shape=(None, 3)) as w:
            w.append(np.ones((4, 3)))
            raise RuntimeError("producer failed")
    assert w.closed and archive.data.value == VALUE_REF
    np.testing.assert_array_equal(archive.read("data/value"), np.zeros((2, 3)))


def test_stream_over_an_assigned_array_keeps_its_fixed_shape(archive):
    archive.data.value = np.zeros((2, 3))  # contiguous, not extendable
    with pytest.raises(h5archive.TypeMismatchError,
                       match=r"Shapes do not match \(existing \(2, 3\) vs new \(None, 3\)\)"):
        archive.data.stream("value", "float64", shape=(None, 3))
    with archive.data.stream("value", "float64", shape=(2, 3)) as w:
        w.append(np.full((2, 3), 5.0))
    np.testing.assert_array_equal(archive.read("data/value"), np.full((2, 3), 5.0))


def test_exception_inside_with_leaves_a_new_quantity_unset(archive):
    with pytest.raises(KeyError):
        with archive.data.stream("value", "int64") as w:
            w.append(np.arange(10))
            raise KeyError("x")
    assert archive.data.value is None
    with h5py.File(archive.hdf5_file, "r") as f:
        assert "value" not in f.get("/data", {})


@pytest.mark.parametrize("make", [lambda a: a[:, ::2], np.asfortranarray,
                                  lambda a: a.astype(">f8"), lambda a: a.tolist()],
                         ids=["strided", "fortran", "big-endian", "list"])
def test_stream_other_layouts_are_copied_right(archive, make):
    whole = np.arange(40.0).reshape(5, 8)
    with archive.data.stream("value", "float64") as w:
        w.append(make(whole))
        w.append(make(whole))
    expected = np.asarray(make(whole), dtype=np.float64)
    np.testing.assert_array_equal(archive.read("data/value"), np.concatenate([expected] * 2))


def test_contiguous_blocks_are_not_copied_by_python(archive):
    block = np.ones((1024, 1024))  # 8 MiB
    fortran_block = np.asfortranarray(block)
    with archive.data.stream("value", "float64") as w:
        w.append(block)
        tracemalloc.start()
        try:
            w.append(block)
            contiguous = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            w.append(fortran_block)
            fortran = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert contiguous < (1 << 20)  # no copy of the 8 MiB block
    assert fortran >= (8 << 20)  # the Fortran block's C-order copy shows
    assert archive.read("data/value", np.s_[-1, :3]).tolist() == [1.0, 1.0, 1.0]


def test_append_releases_the_gil(archive):
    # With a switch interval of 1000 s the waiting thread can run only when
    # the GIL is released: by append while the library writes.
    # (numpy releases it too, e.g. to fill an array: the block is made first.)
    block = np.ones((128, 1024))
    go, ran = threading.Event(), threading.Event()
    thread = threading.Thread(target=lambda: (go.wait(), ran.set()))
    thread.start()
    old = sys.getswitchinterval()
    sys.setswitchinterval(1000)
    try:
        with archive.data.stream("value", "float64") as w:
            go.set()
            for _ in range(50):
                w.append(block)
                if ran.is_set():
                    break
            released = ran.is_set()
    finally:
        sys.setswitchinterval(old)
        go.set()
        thread.join()
    assert released


def test_fixed_shape_stream_and_past_the_end(archive):
    with archive.data.stream("value", "int16", shape=(4, 2)) as w:
        assert w.shape == (4, 2)
        w.append(np.array([[1, 2], [3, 4]], dtype=np.int16))
        w.append(np.array([[5, 6], [7, 8]], dtype=np.int16))
        with pytest.raises(h5archive.InvalidValueError):
            w.append(np.array([[9, 9]], dtype=np.int16))
    np.testing.assert_array_equal(archive.read("data/value"), np.arange(1, 9).reshape(4, 2))


def test_stream_refusals(archive):
    with pytest.raises(h5archive.InvalidValueError,
                       match="only HDF5Reference quantities can be streamed"):
        archive.data.stream("n", "int32", shape=(None, 3))
    with pytest.raises(ValueError, match="compression 'lzf' is not written by h5archive"):
        archive.data.stream("value", "float64", compression="lzf")
    with pytest.raises(ValueError, match="compression_opts 12 is out of range"):
        archive.data.stream("value", "float64", compression="gzip", compression_opts=12)
    w = archive.data.stream("value", "float64")
    w.close()  # no block: an empty 1-D dataset
    assert archive.read("data/value").shape == (0,)
    with pytest.raises(ValueError, match="the stream of value is finished"):
        w.append(np.zeros(1))


def test_streamed_quantity_is_saved_with_metadata(area, archive):
    with archive.data.stream("value", "float64") as w:
        for block in blocks(2):
            w.append(block)
    archive.save()
    stored = json.loads(area.archive_json_path(UPLOAD, "test_entry").read_text())
    assert stored["data"]["value"] == VALUE_REF
    again = h5archive.EntryArchive.load(area, large_data(), UPLOAD, "test_entry")
    np.testing.assert_array_equal(again.read("data/value"), np.concatenate(blocks(2)))


# ---- reading slices ----------------------------------------------------------

BIG = np.arange(2000 * 300, dtype=np.float64).reshape(2000, 300)
KEYS = [np.s_[10:20, 5], np.s_[::7, -3:], np.s_[..., 4], 5, np.s_[-1], np.s_[100:50],
        np.s_[1990:3000:3, 1::50], (slice(None), slice(1, None, 3)), np.s_[np.int64(7), :2],
        np.s_[:]]


@pytest.fixture
def big(archive):
    archive.data.value = BIG
    return archive


@pytest.mark.parametrize("key", KEYS, ids=[str(k) for k in KEYS])
def test_read_selection_equals_numpy(big, key):
    for got in (big.read("data/value", key), big.data.read("value", key),
                big.dataset("data/value")[key]):
        assert got.shape == BIG[key].shape
        np.testing.assert_array_equal(got, BIG[key])


def test_read_selection_text_form_and_whole_read(big):
    np.testing.assert_array_equal(big.read("/data/value", "10:20, 5"), BIG[10:20, 5])
    np.testing.assert_array_equal(big.data.read("value", " ::500 , -1"), BIG[::500, -1])
    np.testing.assert_array_equal(big.read("data/value", None), BIG)


@pytest.mark.parametrize("key, message", [
    (np.s_[2000], "index 2000 is out of bounds for axis 0 with size 2000"),
    (np.s_[0, -301], "index -301 is out of bounds for axis 1 with size 300"),
    (np.s_[1, 2, 3], "too many"),
    (np.s_[::-1], "step"),
    (np.s_[..., 1, ...], "..."),
])
def test_selection_errors_are_index_and_value_errors(area, big, key, message):
    for read in (lambda: big.read("data/value", key), lambda: big.data.read("value", key),
                 lambda: h5archive.get(area, VALUE_REF, key)):
        with pytest.raises(h5archive.SelectionError) as e:
            read()
        assert isinstance(e.value, IndexError) and isinstance(e.value, ValueError)
        assert message in str(e.value)


@pytest.mark.parametrize("key", [[1, 2], True, None, 1.5, np.s_[np.newaxis, 0], np.array([1, 2]),
                                 np.bool_(True)],
                         ids=["list", "bool", "none-in-tuple", "float", "newaxis", "array",
                              "numpy-bool"])
def test_unsupported_keys_raise_type_error(big, key):
    if key is None:
        key = (0, None)
    with pytest.raises(TypeError, match="Unsupported selection"):
        big.read("data/value", key)


def test_in_memory_values_are_indexed_by_numpy(archive):
    archive.data.n = np.arange(12, dtype=np.int32).reshape(4, 3)
    np.testing.assert_array_equal(archive.data.read("n", np.s_[1:3, ::-1]),
                                  np.arange(12).reshape(4, 3)[1:3, ::-1])


def corrupt_chunks_outside(path, dataset, keep):
    # Overwrites the stored bytes of every chunk but chunk `keep` with zeros:
    # deflate can no longer decode them, so a read that touches one fails.
    with h5py.File(path, "r") as f:
        ds = f[dataset]
        spans = [(c.byte_offset, c.size) for i in range(ds.id.get_num_chunks())
                 if (c := ds.id.get_chunk_info(i)).chunk_offset != keep]
    with open(path, "r+b") as raw:
        for offset, size in spans:
            raw.seek(offset)
            raw.write(b"\0" * size)
    return len(spans)


def test_only_the_hyperslab_is_read(area, archive):
    raw = area.raw_file_path(UPLOAD, "big.h5")
    with h5py.File(raw, "w") as f:
        f.create_dataset("x", data=BIG, chunks=(100, 100), compression="gzip")
    assert corrupt_chunks_outside(raw, "x", keep=(100, 200)) == 59
    archive.data.value_external = "big.h5#/x"
    key = np.s_[120:180:2, 205]  # inside chunk (100, 200) only
    np.testing.assert_array_equal(archive.data.read("value_external", key), BIG[key])
    np.testing.assert_array_equal(archive.read("data/value_external", key), BIG[key])
    np.testing.assert_array_equal(h5archive.get(area, "big.h5#/x", key, upload=UPLOAD), BIG[key])
    ds = archive.data.dataset("value_external")
    np.testing.assert_array_equal(ds[key], BIG[key])
    ds.file.close()
    with pytest.raises(h5archive.HDF5Error):  # the whole read meets the broken chunks
        archive.data.read("value_external")


def test_dataset_handles_through_the_connector(area, archive):
    archive.data.value = BIG
    with h5py.File(area.raw_file_path(UPLOAD, "external.h5"), "w") as f:
        f["/path/to/data"] = np.arange(12.0).reshape(3, 4)
    archive.data.value_external = "external.h5#/path/to/data"
    ds = archive.dataset("data/value")
    assert isinstance(ds, h5py.Dataset) and (ds.shape, ds.dtype) == ((2000, 300), np.float64)
    assert ds.file.filename == str(area.archive_hdf5_path(UPLOAD, "test_entry"))
    np.testing.assert_array_equal(ds[10:20, 5], BIG[10:20, 5])
    with pytest.raises(h5archive.HDF5Error, match="file is already open for read-only"):
        archive.data.value = BIG  # HDF5 opens a file once per process: close it first
    ds.file.close()
    archive.data.value = BIG + 1
    np.testing.assert_array_equal(archive.read("data/value", np.s_[3, 4]), BIG[3, 4] + 1)
    ext = archive.data.dataset("value_external")
    assert ext.file.filename == str(area.raw_file_path(UPLOAD, "external.h5"))
    np.testing.assert_array_equal(ext[1, 1:3], [5.0, 6.0])
    ext.file.close()
    linked = archive.dataset("data/value_external")  # the archive's link, followed
    np.testing.assert_array_equal(linked[2], [8.0, 9.0, 10.0, 11.0])
    linked.file.close()
    with pytest.raises(KeyError):
        archive.dataset("data/missing")
    with pytest.raises(h5archive.TypeMismatchError, match="is not a dataset"):
        archive.dataset("data")
    archive.data.n = np.zeros((1, 3), dtype=np.int32)
    with pytest.raises(h5archive.InvalidValueError, match="holds no HDF5 reference"):
        archive.data.dataset("n")


def test_dataset_names_come_from_the_library(area, archive):
    # A raw path with `.` and doubled slashes is opened as the library
    # normalises it; another upload's reference opens there; a reference
    # leaving raw/ is refused by the library before h5py sees a name.
    sub = area.raw_file_path(UPLOAD, "sub/x.h5")
    sub.parent.mkdir()
    with h5py.File(sub, "w") as f:
        f["/d"] = np.arange(4.0)
    archive.data.value_external = "./sub//x.h5#/d"
    ds = archive.data.dataset("value_external")
    assert ds.file.filename == str(sub) and ds.name == "/d"
    np.testing.assert_array_equal(ds[1:3], [1.0, 2.0])
    ds.file.close()
    area.create_upload("other")
    with h5py.File(area.raw_file_path("other", "o.h5"), "w") as f:
        f["/g/v"] = np.full(3, 7, dtype=np.int16)
    archive.data.value_external = "/uploads/other/raw/o.h5#g/v"
    ds = archive.data.dataset("value_external")
    assert ds.file.filename == str(area.raw_file_path("other", "o.h5"))
    np.testing.assert_array_equal(ds[()], [7, 7, 7])
    ds.file.close()
    # from_dict keeps reference strings as they are: the name is checked
    # when the handle is asked for.
    loaded = h5archive.EntryArchive.from_dict(area, large_data(), {
        "metadata": {"upload_id": UPLOAD, "entry_id": "loaded"},
        "data": {"value_external": "../x.h5#/d"}})
    with pytest.raises(h5archive.SecurityError,
                       match=r"^Reference '\.\./x\.h5#/d': path '\.\./x\.h5' leaves raw/"):
        loaded.data.dataset("value_external")


# ---- put and get -------------------------------------------------------------

def test_put_npy_then_get_slices(tmp_path, area):
    value = np.arange(800, dtype=np.int32).reshape(200, 4)
    np.save(tmp_path / "v.npy", value)
    target = "/uploads/test_upload/archive/e2#/data/value"
    assert h5archive.put(area, target, tmp_path / "v.npy", chunks=(50, 4),
                         compression="gzip", block_mib=0.001) == target
    stored = json.loads(area.archive_json_path(UPLOAD, "e2").read_text())
    assert stored["data"]["value"] == target
    assert stored["data"]["m_hdf5"]["value"]["shape"] == [200, 4]
    with h5py.File(area.archive_hdf5_path(UPLOAD, "e2"), "r") as f:
        assert (f["/data/value"].chunks, f["/data/value"].compression) == ((50, 4), "gzip")
    np.testing.assert_array_equal(h5archive.get(area, target), value)
    np.testing.assert_array_equal(h5archive.get(area, target, np.s_[10:20, 1]), value[10:20, 1])
    np.testing.assert_array_equal(h5archive.get(str(area.root), target, "::50, 3"),
                                  value[::50, 3])
    out = tmp_path / "sel.npy"
    assert h5archive.get(area, target, np.s_[5:9], out=out) is None
    np.testing.assert_array_equal(np.load(out), value[5:9])
    assert np.load(out).dtype == np.int32


def test_put_refusals(tmp_path, area):
    np.save(tmp_path / "v.npy", np.zeros(3))
    np.save(tmp_path / "s.npy", np.array(["a", "b"]))
    with pytest.raises(h5archive.InvalidValueError, match="put writes into an entry's archive"):
        h5archive.put(area, "/uploads/test_upload/raw/x.h5#/d", tmp_path / "v.npy")
    with pytest.raises(h5archive.InvalidReferenceError):
        h5archive.put(area, "no-hash", tmp_path / "v.npy")
    with pytest.raises(h5archive.NotFoundError):
        h5archive.put(area, "/uploads/nope/archive/e#/data/v", tmp_path / "v.npy")
    with pytest.raises(h5archive.InvalidValueError,
                       match="streaming takes numeric, bool and complex data"):
        h5archive.put(area, "/uploads/test_upload/archive/e#/data/s", tmp_path / "s.npy")
    with pytest.raises(ValueError, match="block_mib must be positive"):
        h5archive.put(area, "/uploads/test_upload/archive/e#/data/v", tmp_path / "v.npy",
                      block_mib=0)
    np.save(tmp_path / "w.npy", np.zeros(4))
    h5archive.put(area, "/uploads/test_upload/archive/e#/data/v", tmp_path / "v.npy")
    with pytest.raises(h5archive.TypeMismatchError, match="Shapes do not match"):
        h5archive.put(area, "/uploads/test_upload/archive/e#/data/v", tmp_path / "w.npy")


def test_get_errors_name_the_reference(area):
    with pytest.raises(h5archive.NotFoundError, match="missing.h5"):
        h5archive.get(area, "missing.h5#/x", upload=UPLOAD)
    with pytest.raises(h5archive.SecurityError):
        h5archive.get(area, "../../x.h5#/x", upload=UPLOAD)
