"""End to end: .npy interop with numpy in both directions.

numpy writes a file for every supported dtype (both byte orders, format
versions 1.0, 2.0 and 3.0); the test program npy_roundtrip reads it with
libh5archive and writes it back (whole, and streamed in row blocks); numpy
reads the result and must get the same array (big-endian input comes back
little-endian, equal in value). Fortran order, object and structured dtypes
and corrupt files are refused with messages naming the file.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from checks import check, finish

TOOL = os.path.join(os.environ["H5ARCHIVE_BIN"], "npy_roundtrip")


def run(*args):
    return subprocess.run([TOOL, *args], capture_output=True, text=True)


def same(a, b):
    return (a.shape == b.shape and a.dtype.newbyteorder("=") == b.dtype.newbyteorder("=")
            and np.array_equal(a, b))


def arrays():
    rng = np.random.default_rng(7)
    out = {
        "bool": rng.random((4, 3)) > 0.5,
        "scalar_f8": np.array(2.5),
        "empty": np.zeros((0, 3), dtype="<i4"),
        "S5": np.array([b"abc", b"", b"hello"], dtype="S5"),
        "U4": np.array([["h\u00e9", ""], ["\u2211x", "\U0001F600abc"]], dtype="<U4"),
        ">U3": np.array(["abc", "\u00e9"], dtype=">U3"),
    }
    for kind in ["i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"]:
        info = np.iinfo(np.dtype(kind))
        for order in "<>":
            dt = np.dtype(order + kind)
            out[order + kind] = np.array([[info.min, 0, 1], [info.max, 7, 2]], dtype=dt)
    for kind in ["f4", "f8", "c8", "c16"]:
        for order in "<>":
            dt = np.dtype(order + kind)
            values = rng.standard_normal((3, 2, 2)) * 1e3
            if dt.kind == "c":
                values = values + 1j * rng.standard_normal((3, 2, 2))
            out[order + kind] = values.astype(dt)
    return out


def main():
    tmp = tempfile.mkdtemp(dir=os.environ.get("E2E_TMP"), prefix="npy_interop_")
    try:
        for name, a in arrays().items():
            for version in [(1, 0), (2, 0), (3, 0)]:
                src = os.path.join(tmp, "in.npy")
                with open(src, "wb") as f:
                    np.lib.format.write_array(f, a, version=version)
                whole = os.path.join(tmp, "whole.npy")
                streamed = os.path.join(tmp, "streamed.npy")
                r1 = run(src, whole)
                r2 = run(src, streamed, "--stream", "2")
                what = f"{name} v{version[0]}.0"
                check(r1.returncode == 0 and r2.returncode == 0,
                      f"{what}: read and written ({r1.stderr.strip()}{r2.stderr.strip()})")
                check(f"descr={a.dtype.str}" in r1.stdout and f"version={version[0]}.0" in r1.stdout,
                      f"{what}: header reported ({r1.stdout.strip()})")
                if r1.returncode or r2.returncode:
                    continue
                check(same(np.load(whole), a), f"{what}: numpy reads our whole write back equal")
                check(same(np.load(streamed), a), f"{what}: numpy reads our streamed write back equal")
                if a.dtype.byteorder != ">":
                    back = np.load(whole)
                    check(back.dtype == a.dtype, f"{what}: dtype kept ({back.dtype} vs {a.dtype})")

        # A larger file streamed in blocks: the patched first dimension.
        big = np.arange(100003 * 3, dtype="<f8").reshape(100003, 3)
        src = os.path.join(tmp, "big.npy")
        np.save(src, big)
        out = os.path.join(tmp, "big_out.npy")
        r = run(src, out, "--stream", "4096")
        check(r.returncode == 0 and same(np.load(out), big), "100003 rows streamed in 4096-row blocks")

        refusals = {
            "fortran.npy": (np.asfortranarray(np.arange(6.0).reshape(2, 3)), "Fortran-order"),
            "object.npy": (np.array([1, "a"], dtype=object), "unsupported dtype descr |O"),
            "struct.npy": (np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]),
                           "unsupported dtype descr [('a', '<i4'), ('b', '<f8')]"),
            "half.npy": (np.zeros(2, dtype="<f2"), "unsupported dtype descr <f2"),
            "date.npy": (np.zeros(2, dtype="<M8[s]"), "unsupported dtype descr <M8[s]"),
        }
        for name, (a, message) in refusals.items():
            path = os.path.join(tmp, name)
            np.save(path, a, allow_pickle=True)
            r = run(path, os.path.join(tmp, "never.npy"))
            check(r.returncode == 1 and path in r.stderr and message in r.stderr,
                  f"{name} refused naming the file: {r.stderr.strip()}")
            check(not os.path.exists(os.path.join(tmp, "never.npy")), f"{name}: nothing written")

        good = os.path.join(tmp, "good.npy")
        np.save(good, np.arange(10, dtype="<i8"))
        data = open(good, "rb").read()
        corrupt = {
            "truncated.npy": (data[:-8], "data shorter than the shape says"),
            "magic.npy": (b"\x93NUMPX" + data[6:], "bad magic"),
            "header.npy": (data[:20], "bad header length"),
        }
        for name, (content, message) in corrupt.items():
            path = os.path.join(tmp, name)
            open(path, "wb").write(content)
            r = run(path, os.path.join(tmp, "never.npy"))
            check(r.returncode == 1 and path in r.stderr and message in r.stderr,
                  f"{name} refused: {r.stderr.strip()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


sys.exit(main())
