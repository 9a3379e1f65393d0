"""End-to-end: hostile sizes through the CLI (docs/reliability.md "Sizes").

An uploaded HDF5 file whose chunked, never written datasets claim shapes
whose element count or byte size overflows 64 bits (the file is 3 KiB), or
that fit 64 bits but not memory; a 128-byte .npy whose header claims
(2**40, 2**40); a sparse 1 TiB .npy whose one row is 1 TiB. `get` (json, csv,
npy to a file and to a pipe), `info` and `put` must each exit with status 1
(not a signal), print one error line naming the file and the shape, and
allocate nothing: every process runs under an address-space limit of 2 GiB
(ulimit -v), so a regression fails here instead of eating the machine's
memory. Slices of a dataset too large for memory still read.

Under AddressSanitizer (H5ARCHIVE_UNDER_ASAN=1) the limit is left off: the
sanitizer reserves terabytes of address space.
"""
import os
import resource
import shutil
import subprocess
import sys
import tempfile

import h5py

from checks import check, finish

CLI = os.path.join(os.environ["H5ARCHIVE_BIN"], "h5archive")
UNDER_ASAN = os.environ.get("H5ARCHIVE_UNDER_ASAN") == "1"
LIMIT = 2 << 30
UPLOAD = "test_upload"
HUGE = "(1099511627776, 1099511627776)"
OVERFLOW = "its element count does not fit in 64 bits"


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run(*args):
    return subprocess.run([CLI, *args], capture_output=True, text=True, errors="replace",
                          timeout=120, preexec_fn=None if UNDER_ASAN else limit_memory)


def refused(r, what, *needles):
    """Exit 1 (not a signal, not std::bad_alloc), nothing on stdout, exactly
    one error line on stderr containing every needle."""
    if not check(r.returncode == 1, f"{what}: exits 1, not {r.returncode}: {r.stderr[-300:]}"):
        return
    lines = r.stderr.splitlines()
    check(len(lines) == 1 and lines[0].startswith("h5archive: error: "),
          f"{what}: one error line, got {lines}")
    for needle in needles:
        check(needle in r.stderr, f"{what}: the error names {needle!r}: {r.stderr.strip()}")
    check(r.stdout == "", f"{what}: nothing on stdout: {r.stdout[:200]!r}")


def make_hdf5(path):
    """Chunked datasets with the default late allocation: no chunk is ever
    written, so any shape costs a few hundred bytes."""
    with h5py.File(path, "w") as f:
        f.create_dataset("x", shape=(2**40, 2**40), dtype="f8", chunks=(1024, 1024))
        f.create_dataset("c", shape=(3, 2**32, 2**32), dtype="f8", chunks=(1, 1024, 1024))
        f.create_dataset("bytes", shape=(2**61, 4), dtype="f8", chunks=(1024, 4))
        f.create_dataset("big", shape=(2**40,), dtype="f8", chunks=(1024,))
        f.create_dataset("rows", shape=(2, 2**40), dtype="f8", chunks=(1, 1024))
        f.create_dataset("mid", shape=(2**28,), dtype="f8", chunks=(1024,))


def make_npy(path, descr, shape, size=128):
    """A version 1.0 .npy header padded to 128 bytes, then the file extended
    (sparsely) to `size` bytes."""
    shape_text = "(" + "".join(f"{d}, " for d in shape).rstrip(" ") + ")"
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape_text}, }}"
    header = header.ljust(128 - 10 - 1) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode())
        f.truncate(size)


def test_get_info(root, raw, work):
    ref = f"/uploads/{UPLOAD}/raw/huge.h5#"
    out = os.path.join(work, "out.npy")
    for options in ([], ["--format", "csv"], ["--format", "npy"], ["-o", out],
                    ["--slice", "0, 0"]):
        refused(run("--root", root, "get", ref + "/x", *options), f"get /x {options}", raw, HUGE,
                OVERFLOW)
    check(not os.path.exists(out), "a refused get -o leaves no file")
    # Once SIGFPE: a row of (2**32, 2**32) has 0 bytes when the count wraps.
    for options in ([], ["-o", out]):
        refused(run("--root", root, "get", ref + "/c", *options), f"get /c {options}", raw,
                "(3, 4294967296, 4294967296)", OVERFLOW)
    for options in ([], ["--json"]):
        refused(run("--root", root, "info", ref + "/x", *options), f"info /x {options}", raw, HUGE,
                OVERFLOW)
    refused(run("--root", root, "get", ref + "/bytes"), "get /bytes", raw,
            "(2305843009213693952, 4) of 8-byte elements: its size in bytes does not fit")
    refused(run("--root", root, "info", ref + "/bytes"), "info /bytes", raw,
            "(2305843009213693952, 4)")

    # 8 TiB fits 64 bits: metadata and slices read, the whole is refused.
    r = run("--root", root, "info", ref + "/big")
    check(r.returncode == 0 and "(1099511627776,)" in r.stdout, f"info /big: {r.stderr}{r.stdout}")
    for options in ([], ["--format", "csv"]):
        refused(run("--root", root, "get", ref + "/big", *options), f"get /big {options}", raw,
                "(1099511627776,) needs 8.0 TiB", "more than this process may allocate")
    r = run("--root", root, "get", ref + "/big", "--slice", "5:8")
    check(r.returncode == 0 and r.stdout == "[0.0,0.0,0.0]\n",
          f"get --slice 5:8 of /big reads the fill value: {r.returncode} {r.stdout!r} {r.stderr}")
    # Streaming to .npy goes row by row, but one row is 8 TiB.
    refused(run("--root", root, "get", ref + "/rows", "-o", out), "get -o of /rows", raw,
            "#/rows of shape (1, 1099511627776) needs 8.0 TiB")
    check(not os.path.exists(out), "a refused streaming get -o leaves no file")
    if not UNDER_ASAN:
        # 2 GiB is less than physical memory, but more than ulimit -v leaves.
        refused(run("--root", root, "get", ref + "/mid"), "get /mid under ulimit -v", raw,
                "(268435456,) needs 2.0 GiB", "ulimit -v")


def test_put(root, work):
    huge = os.path.join(work, "huge.npy")
    make_npy(huge, "<f8", (2**40, 2**40))
    archive = os.path.join(root, UPLOAD[:2], UPLOAD, "archive", "size_entry.h5")
    refused(run("--root", root, "put", UPLOAD, "size_entry", "/data/x", huge), "put huge.npy",
            huge, HUGE, OVERFLOW)
    overflowing = os.path.join(work, "bytes.npy")
    make_npy(overflowing, "<f8", (2**61,))
    refused(run("--root", root, "put", UPLOAD, "size_entry", "/data/x", overflowing),
            "put bytes.npy", overflowing, "(2305843009213693952,) of 8-byte elements")
    check(not os.path.exists(archive), "a refused put creates no entry archive")
    # A real (sparse) 1 TiB file of one 1 TiB row: the header is right, the
    # row cannot be held.
    sparse = os.path.join(work, "sparse.npy")
    try:
        make_npy(sparse, "<f8", (1, 2**37), 128 + 2**40)
    except OSError as e:
        print(f"huge_shapes_test.py: no sparse 1 TiB file here ({e}); put case skipped")
        return
    refused(run("--root", root, "put", UPLOAD, "size_entry", "/data/x", sparse),
            "put of a 1 TiB row", sparse, "of shape (1, 137438953472) needs 1.0 TiB")


def main() -> int:
    base = os.environ.get("E2E_TMP") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    work = tempfile.mkdtemp(prefix="huge_shapes_test.", dir=base)
    try:
        root = os.path.join(work, "staging")
        r = subprocess.run([CLI, "--root", root, "demo"], capture_output=True, text=True)
        check(r.returncode == 0, f"demo exits 0: {r.stderr}")
        raw = os.path.join(root, UPLOAD[:2], UPLOAD, "raw", "huge.h5")
        make_hdf5(raw)
        check(os.path.getsize(raw) < 64 << 10, f"huge.h5 is tiny: {os.path.getsize(raw)} bytes")
        test_get_info(root, raw, work)
        test_put(root, work)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB
        check(peak < 256 << 10, f"no CLI process grew past 256 MiB: peak {peak} KiB")
        print(f"huge_shapes_test.py: peak resident memory of a CLI process {peak // 1024} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
