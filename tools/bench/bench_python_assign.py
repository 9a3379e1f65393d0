"""Assigning a float64 array from Python: h5archive (``entry.data.value = a``,
``entry.save()``) against NOMAD's path (h5py ``create_dataset(data=a)``,
contiguous, uncompressed), in one process, the same array, rounds taking
turns; and, as the floor both sides stand on, a plain ``os.write`` of the
array's bytes to a new file (no HDF5 at all). Runs in the wheel's venv (tests/wheel/prepare.sh); `bench --only
python` starts it and turns its result line into a row of the table.

    bench_python_assign.py [--size-mib M] [--reps N] [--folder DIR] [--check] [--direct]

Progress goes to stderr; stdout gets one line:

    result size_mib=M reps=N h5archive_s=<median> h5py_s=<median>
           h5archive_min=.. h5archive_max=.. h5py_min=.. h5py_max=.. speedup=<h5py_s/h5archive_s>
           write_s=<median> [direct_s=<median>]

--direct adds N rounds of h5archive with H5ARCHIVE_DIRECT_WRITES=1 (large
writes past the page cache; archive/src/direct_write.hpp says when that
pays), after the comparison: a buffered write that follows a direct one
finds no page-cache pages freed a moment ago and pays for fresh ones
(2-7x slower on the machine of docs/benchmarks.md), so the two kinds do not
take turns.

Times are wall-clock from the first call to the file's close (h5archive: the
archive created, the value assigned, the archive saved; h5py: File opened,
dataset created, File closed; write: file opened, written, closed), never
including fsync of the data. Before
each round every dirty page of the file system is written back (os.sync,
untimed), as bench's other write rows do, so that no round pays for the
previous one's writeback.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

import h5py
import numpy as np

import h5archive

COLUMNS = 8192  # 64 KiB float64 rows, as every other bench array (bench_support.hpp)


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--size-mib", type=int, default=1024)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--folder", help="where the files go (default: a fresh folder in $TMPDIR)")
    p.add_argument("--check", action="store_true",
                   help="read both files back and compare them with the array")
    p.add_argument("--direct", action="store_true",
                   help="then time h5archive with H5ARCHIVE_DIRECT_WRITES=1 too")
    args = p.parse_args()
    if args.size_mib <= 0 or args.reps <= 0:
        p.error("--size-mib and --reps must be positive")
    return args


def the_array(mib):
    # Smooth plus noise, like the streaming benchmark's block: nothing a
    # layout could exploit (both sides write it uncompressed anyway).
    rows = mib * (1024 * 1024 // (8 * COLUMNS))
    rng = np.random.default_rng(0)
    a = np.empty((rows, COLUMNS))
    for r in range(0, rows, 256):
        block = a[r:r + 256]
        block[...] = np.sin(np.arange(block.size, dtype=np.float64) * 1e-4).reshape(block.shape)
        block += rng.standard_normal(block.shape) * 1e-3
    return a


def definition():
    return (h5archive.SectionDef("LargeData")
            .quantity(h5archive.QuantityDef.hdf5_reference("value")))


class Sides:
    def __init__(self, folder, a):
        self.a = a
        self.folder = folder
        staging = os.path.join(folder, "staging")
        os.makedirs(staging)
        self.area = h5archive.StagingArea(staging)
        self.area.create_upload("bench")
        self.definition = definition()
        self.round = 0

    def h5archive(self, direct=False):
        self.round += 1
        # Read by the staging driver at each file's first large write.
        os.environ["H5ARCHIVE_DIRECT_WRITES"] = "1" if direct else "0"
        entry_id = f"entry{self.round}"
        start = time.perf_counter()
        entry = h5archive.EntryArchive(self.definition, self.area, "bench", entry_id)
        entry.data.value = self.a
        entry.save()
        seconds = time.perf_counter() - start
        return seconds, entry

    def h5py(self):
        self.round += 1
        path = os.path.join(self.folder, f"h5py{self.round}.h5")
        start = time.perf_counter()
        with h5py.File(path, "w") as f:
            f.create_dataset("data", data=self.a)
        seconds = time.perf_counter() - start
        return seconds, path

    def write(self):
        self.round += 1
        path = os.path.join(self.folder, f"write{self.round}.bin")
        data = memoryview(self.a).cast("B")
        start = time.perf_counter()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            done = 0
            while done < len(data):  # write() may take less than it is given
                done += os.write(fd, data[done:])
        finally:
            os.close(fd)
        seconds = time.perf_counter() - start
        return seconds, path

    def remove(self, what):
        # Written files go at once: a 1 GiB file per round would fill $TMPDIR.
        if isinstance(what, str):
            os.remove(what)
        else:
            os.remove(what.hdf5_file)


def warm_up(sides, a, check):
    # The first gigabyte a process writes pays for the kernel handing it
    # page-cache pages, whichever side goes first: one untimed round each,
    # which --check also reads back.
    os.sync()
    seconds, entry = sides.h5archive()
    if check:
        got = entry.read("data/value")
        assert got.dtype == np.float64 and np.array_equal(got, a), "h5archive wrote other values"
    sides.remove(entry)
    print(f"  warm-up h5archive {seconds:.3f} s", file=sys.stderr)
    os.sync()
    seconds, path = sides.h5py()
    if check:
        with h5py.File(path, "r") as f:
            assert np.array_equal(f["data"][()], a), "h5py wrote other values"
    sides.remove(path)
    print(f"  warm-up h5py      {seconds:.3f} s", file=sys.stderr)
    if check:
        print("  check: both files hold the array", file=sys.stderr)


def spread(times):
    return min(times), max(times)


def main():
    args = parse()
    print(f"[python] assigning {args.size_mib} MiB of float64, {args.reps} rounds "
          f"(h5py {h5py.__version__}, HDF5 {h5py.version.hdf5_version}, numpy {np.__version__})",
          file=sys.stderr)
    a = the_array(args.size_mib)
    folder = tempfile.mkdtemp(prefix="h5archive-bench-python-", dir=args.folder)
    try:
        sides = Sides(folder, a)
        warm_up(sides, a, args.check)
        ours, theirs, floor, direct = [], [], [], []
        rounds = []
        for rep in range(args.reps):
            # Sides take turns going first: none always follows another.
            sides_in_turn = [("h5archive", sides.h5archive, ours), ("h5py", sides.h5py, theirs),
                             ("write", sides.write, floor)]
            shift = rep % len(sides_in_turn)
            rounds += sides_in_turn[shift:] + sides_in_turn[:shift]
        if args.direct:
            rounds += [("direct", lambda: sides.h5archive(direct=True), direct)] * args.reps
        for name, run, times in rounds:
            os.sync()
            seconds, written = run()
            times.append(seconds)
            sides.remove(written)
            print(f"  {name:<9} {seconds:.3f} s, {args.size_mib / seconds:.0f} MiB/s",
                  file=sys.stderr)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
    (omin, omax), (tmin, tmax) = spread(ours), spread(theirs)
    print(f"result size_mib={args.size_mib} reps={args.reps} h5archive_s={ours_s:.6f} "
          f"h5py_s={theirs_s:.6f} h5archive_min={omin:.6f} h5archive_max={omax:.6f} "
          f"h5py_min={tmin:.6f} h5py_max={tmax:.6f} speedup={theirs_s / ours_s:.4f} "
          f"write_s={statistics.median(floor):.6f}"
          + (f" direct_s={statistics.median(direct):.6f}" if direct else ""))


if __name__ == "__main__":
    main()
