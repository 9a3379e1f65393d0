"""Assigning numpy arrays to HDF5 quantities (python/src/numpy_arrays.cpp,
docs/python.md): a C-ordered array is written straight from its buffer, with
no copy; other layouts are copied to C order first. Values are compared in
every case. Run by pytest in the wheel's venv (tests/wheel/with_wheel.sh)."""
import threading

import h5py
import numpy as np
import pytest

import h5archive

MIB = 1024 * 1024


@pytest.fixture
def area(tmp_path):
    (tmp_path / "staging").mkdir()
    area = h5archive.StagingArea(str(tmp_path / "staging"))
    area.create_upload("u")
    return area


def definition():
    return (h5archive.SectionDef("Data")
            .quantity(h5archive.QuantityDef.hdf5_reference("value"))
            .quantity(h5archive.QuantityDef.number("numbers").shape(["*"])))


@pytest.fixture
def archive(area):
    return h5archive.EntryArchive(definition(), area, "u", "e")


def peak_rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def reset_peak_rss():
    # Linux: "5" resets the peak resident set size to the current one.
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def test_c_ordered_array_is_written_without_a_copy(archive):
    a = np.arange(16 * MIB, dtype=np.float64).reshape(-1, 1024)  # 128 MiB
    reset_peak_rss()
    before = peak_rss_mib()
    archive.data.value = a
    grown = peak_rss_mib() - before
    # A copy of the elements would add 128 MiB to the peak.
    assert grown < 32, f"assigning 128 MiB raised the peak resident memory by {grown:.0f} MiB"
    with h5py.File(archive.hdf5_file, "r") as f:
        d = f["/data/value"]
        assert d.dtype == np.float64 and d.shape == a.shape
        assert d[12345, 17] == a[12345, 17] and d[-1, -1] == a[-1, -1]
    np.testing.assert_array_equal(archive.read("data/value"), a)


@pytest.mark.parametrize("make", [
    lambda a: np.asfortranarray(a),
    lambda a: a.T,
    lambda a: a[::2, 1::3],
    lambda a: a[:, ::-1],
    lambda a: np.broadcast_to(a[:1], a.shape),
], ids=["fortran", "transposed", "strided", "reversed", "broadcast"])
def test_other_layouts_are_copied_to_c_order(archive, make):
    value = make(np.arange(60.0).reshape(6, 10) * 1.5)
    assert not value.flags.c_contiguous
    archive.data.value = value
    back = archive.read("data/value")
    assert back.shape == value.shape and back.dtype == np.float64
    np.testing.assert_array_equal(back, np.ascontiguousarray(value))


def test_read_only_and_zero_d_and_empty_arrays(archive, area):
    ro = np.linspace(0, 1, 7)
    ro.flags.writeable = False
    archive.data.value = ro
    np.testing.assert_array_equal(archive.read("data/value"), ro)
    other = h5archive.EntryArchive(definition(), area, "u", "e2")
    other.data.value = np.array(2.5)
    assert other.read("data/value").shape == () and other.read("data/value") == 2.5
    empty = h5archive.EntryArchive(definition(), area, "u", "e3")
    empty.data.value = np.zeros((0, 4), dtype=np.int16)
    back = empty.read("data/value")
    assert back.shape == (0, 4) and back.dtype == np.int16


def test_reassignment_casts_into_the_stored_dtype_from_any_layout(archive):
    archive.data.value = np.zeros((3, 4))
    archive.data.value = np.asfortranarray(np.arange(12, dtype=np.int32).reshape(3, 4))
    back = archive.read("data/value")
    assert back.dtype == np.float64
    np.testing.assert_array_equal(back, np.arange(12.0).reshape(3, 4))
    with pytest.raises(h5archive.Error, match=r"Shapes do not match \(existing \(3, 4\) vs new"):
        archive.data.value = np.zeros((4, 3))


def test_in_memory_quantities_keep_their_own_copy(archive):
    a = np.array([1.0, 2.0, 3.0])
    archive.data.numbers = a
    a[0] = 100.0
    np.testing.assert_array_equal(archive.data.numbers, [1.0, 2.0, 3.0])
    archive.data.numbers = np.arange(10.0)[::3]
    np.testing.assert_array_equal(archive.data.numbers, [0.0, 3.0, 6.0, 9.0])


def test_other_threads_run_while_an_array_is_written(archive):
    # The GIL is released during the write: a Python thread makes progress.
    a = np.ones((4096, 8192))  # 256 MiB
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    t = threading.Thread(target=tick)
    t.start()
    try:
        ticks.clear()
        archive.data.value = a
        during = len(ticks)
    finally:
        stop.set()
        t.join()
    assert during > 5, f"the ticking thread ran {during} times during the write"
    np.testing.assert_array_equal(archive.read("data/value")[::1024, ::1024], a[::1024, ::1024])
