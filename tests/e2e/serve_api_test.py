"""`h5archive serve` against h5grove 4.0.0 itself (issue 14).

Both serve the same staging area on free loopback ports: the demo entry
(`h5archive demo`) and a raw file with every dtype the library writes (bool,
signed and unsigned integers, float32/64, complex64/128, fixed and
variable-length strings) plus float16, big-endian, enum, compound, scalar,
empty, chunked+compressed datasets, attributes, groups, soft and external
links (valid and broken) and a committed datatype. /meta, /attr, /data
(json, bin, npy, dtype=safe, flatten, selections) and /paths must answer with
the same status and, after JSON normalisation, the same body; bin and npy
with the same bytes. Errors: a missing file or path gives h5grove's status
and body; where h5grove answers 500 (an uncaught Python exception: a bad
selection, /data on a group) this server answers 422 with a message.

Hostile requests (`..`, %2e%2e, %2f, absolute paths, NUL, overlong names,
and the hostile files of hostile_files_test.py: a symbolic link out of raw/,
external links, a virtual dataset and external raw storage leading outside,
a FIFO) get a 4xx, and a server run under `strace -f -y` opens nothing
outside the staging root. Plus the limits (413), a streamed bin answer, the
request log, SIGINT/SIGTERM and --help.

Runs with pytest (`python serve_api_test.py` calls it).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile_files_test as hostile  # noqa: E402  (strace parsing, hostile files)
from serve_support import get, start_h5grove, start_serve  # noqa: E402

CLI = os.path.join(os.environ["H5ARCHIVE_BIN"], "h5archive")
ENTRY = "/uploads/test_upload/archive/test_entry"
TYPES = "/uploads/test_upload/raw/types.h5"
BIG = "/uploads/test_upload/raw/big.h5"


def write_types_file(path):
    """Every dtype libh5archive writes, as h5py writes them too, and more."""
    with h5py.File(path, "w") as f:
        f.attrs["default"] = "numbers"
        n = f.create_group("numbers")
        n.attrs.update({"NX_class": "NXdata", "signal": "f8", "axes": ["x", "."],
                        "scale": np.float32(0.1), "ids": np.arange(3, dtype="u2"),
                        "flag": np.bool_(True), "fixed": np.bytes_(b"abc")})
        n["bool"] = np.array([True, False, True])
        for t in ("i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"):
            info = np.iinfo(t)
            n[t] = np.array([[info.min, 0, 1, info.max]] * 3, dtype=t)
        n["f4"] = np.array([[0.1, -2.5, 3e38, 1e-7]] * 3, dtype="f4")
        f8 = n.create_dataset("f8", data=np.linspace(-1, 1, 12).reshape(3, 4))
        f8.attrs.update({"units": "eV", "long_name": "energy (eV)"})
        n["f8_special"] = np.array([np.nan, np.inf, -np.inf, 1e300])
        n["c8"] = np.array([1 + 2j, -0.5j], dtype="c8")
        n["c16"] = np.array([[1 + 2j, 3.25 - 4j]], dtype="c16")
        n["f2"] = np.array([0.5, 1.5], dtype="f2")
        n["be_i4"] = np.array([1, -2, 300], dtype=">i4")
        n["enum"] = np.array([0, 1, 1], dtype=h5py.enum_dtype({"RED": 0, "GREEN": 1}, "i1"))
        s = f.create_group("strings")
        s["fixed"] = np.array([b"ab", b"cdefgh", b""], dtype="S6")
        s["vlen"] = np.array(["α", "beta", ""], dtype=h5py.string_dtype())
        s["scalar_vlen"] = "hello"
        s["scalar_fixed"] = np.bytes_(b"xyz")
        f.create_dataset("cube", data=np.arange(120, dtype="i4").reshape(4, 5, 6),
                         chunks=(2, 5, 6), compression="gzip", shuffle=True)
        f["scalar_f8"] = 3.5
        f["empty"] = h5py.Empty("f8")
        f["compound"] = np.array([(1, 2.5), (3, -1.0)], dtype=[("a", "i4"), ("b", "f8")])
        f["named_type"] = np.dtype("<f8")
        refs = f.create_dataset("refs", (2,), dtype=h5py.ref_dtype)
        refs[0] = f["cube"].ref
        links = f.create_group("links")
        links["soft"] = h5py.SoftLink("/cube")
        links["broken_soft"] = h5py.SoftLink("/nowhere")
        links["ext"] = h5py.ExternalLink("ext_target.h5", "/d")
        links["ext_broken"] = h5py.ExternalLink("missing.h5", "/d")
    with h5py.File(os.path.join(os.path.dirname(path), "ext_target.h5"), "w") as f:
        f["d"] = np.arange(5.0)


@pytest.fixture(scope="session")
def area():
    base = os.environ.get("E2E_TMP")
    if base:
        os.makedirs(base, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="serve_api_", dir=base)
    root = os.path.join(tmp, "staging")
    subprocess.run([CLI, "--root", root, "demo"], check=True, capture_output=True)
    raw = os.path.join(root, "te", "test_upload", "raw")
    write_types_file(os.path.join(raw, "types.h5"))
    with h5py.File(os.path.join(raw, "big.h5"), "w") as f:  # 12 MiB: streamed in blocks
        f["x"] = np.arange(3 * 512 * 1024, dtype="f8").reshape(1536, 1024)
    yield tmp, root
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def servers(area):
    tmp, root = area
    ours = start_serve(root, log=os.path.join(tmp, "serve.log"))
    theirs = start_h5grove(root, log=os.path.join(tmp, "h5grove.log"))
    yield ours, theirs
    assert ours.stop() == 0
    theirs.stop()


def compare(servers, endpoint, **query):
    ours, theirs = servers
    a = get(ours.url, endpoint, query)
    b = get(theirs.url, endpoint, query)
    where = f"{endpoint} {query}"
    assert a[0] == b[0], f"{where}: status {a[0]} vs h5grove {b[0]}: {a[2][:300]} / {b[2][:300]}"
    if b[1].startswith("application/json"):
        assert a[1].startswith("application/json"), where
        assert json.loads(a[2]) == json.loads(b[2]), f"{where}:\n{a[2][:2000]}\n{b[2][:2000]}"
    else:
        assert a[1] == b[1], where
        assert a[2] == b[2], f"{where}: {len(a[2])} bytes vs h5grove {len(b[2])}"
        for header in ("Content-Disposition",):
            assert a[3].get(header) == b[3].get(header), where
    return a


META_PATHS = [(ENTRY, p) for p in ("/", "/data", "/data/value", "/data/value_external")] + [
    (TYPES, p) for p in ("/", "/numbers", "/numbers/f8", "/numbers/bool", "/numbers/c16",
                         "/numbers/enum", "/numbers/be_i4", "/numbers/f2", "/strings",
                         "/strings/scalar_vlen", "/cube", "/empty", "/compound", "/named_type", "/refs",
                         "/links", "/links/soft", "/links/broken_soft", "/links/ext",
                         "/links/ext_broken")]


@pytest.mark.parametrize("file,path", META_PATHS)
def test_meta(servers, file, path):
    compare(servers, "meta", file=file, path=path)


def test_meta_links_unresolved(servers):
    compare(servers, "meta", file=TYPES, path="/links", resolve_links="none")
    compare(servers, "meta", file=TYPES, path="/links/ext", resolve_links="none")


@pytest.mark.parametrize("path,link", [
    ("/links/ext_broken", '<ExternalLink to "/d" in file "missing.h5"'),
    ("/links/broken_soft", '<SoftLink to "/nowhere">')])
def test_broken_links_with_resolve_all(servers, path, link):
    """404 from both; h5grove's message is lost in Tornado's reason phrase
    ("Unknown": it has quotes in it), ours is the one h5grove composes."""
    ours, theirs = servers
    q = {"file": TYPES, "path": path, "resolve_links": "all"}
    a, b = get(ours.url, "meta", q), get(theirs.url, "meta", q)
    assert a[0] == b[0] == 404
    assert json.loads(a[2])["message"] == f"Cannot resolve {link} at {path} of types.h5"


@pytest.mark.parametrize("file,path", [(ENTRY, "/data/value"), (TYPES, "/"), (TYPES, "/numbers"),
                                       (TYPES, "/numbers/f8")])
def test_attr(servers, file, path):
    compare(servers, "attr", file=file, path=path)


def test_attr_keys(servers):
    compare(servers, "attr", file=TYPES, path="/numbers", attr_keys=["signal", "axes"])


@pytest.mark.parametrize("file", [ENTRY, TYPES])
def test_paths(servers, file):
    compare(servers, "paths", file=file)


DATASETS = ["/numbers/" + n for n in ("bool", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4",
                                      "f8", "f8_special", "c8", "c16", "f2", "enum")] + [
    "/cube", "/scalar_f8", "/links/soft", "/links/ext"]
STRINGS = ["/strings/fixed", "/strings/vlen", "/strings/scalar_vlen", "/strings/scalar_fixed",
           "/compound", "/empty", "/refs"]


@pytest.mark.parametrize("path", DATASETS + STRINGS)
def test_data_json(servers, path):
    compare(servers, "data", file=TYPES, path=path)
    compare(servers, "data", file=TYPES, path=path, flatten="true")


@pytest.mark.parametrize("path", DATASETS + ["/numbers/be_i4"])
@pytest.mark.parametrize("dtype", ["origin", "safe"])
def test_data_bin_npy(servers, path, dtype):
    compare(servers, "data", file=TYPES, path=path, format="bin", dtype=dtype)
    compare(servers, "data", file=TYPES, path=path, format="npy", dtype=dtype)
    if path != "/numbers/be_i4":  # see test_errors_where_h5grove_fails
        compare(servers, "data", file=TYPES, path=path, format="json", dtype=dtype)


@pytest.mark.parametrize("selection", ["1,:,:", "0:2,1,::2", "-1", "3,4,5", ":,2:4", "1:3"])
def test_selection(servers, selection):
    for fmt in ("json", "bin", "npy"):
        compare(servers, "data", file=TYPES, path="/cube", selection=selection, format=fmt,
                dtype="safe")


def test_demo_entry_as_h5web_reads_it(servers):
    compare(servers, "data", file=ENTRY, path="/data/value", format="bin", dtype="safe")
    compare(servers, "data", file=ENTRY, path="/data/value", selection="2,:", format="bin",
            dtype="safe")
    compare(servers, "data", file=ENTRY, path="/data/value_external", format="npy")
    status, _, body, _ = get(servers[0].url, "data",
                             {"file": ENTRY, "path": "/data/value", "format": "bin"})
    assert status == 200 and np.array_equal(np.frombuffer(body, "<f8").reshape(5, 5), np.eye(5))


def test_whole_reference_as_file(servers):
    ours, theirs = servers
    a = get(ours.url, "meta", {"file": ENTRY + "#/data/value"})
    b = get(theirs.url, "meta", {"file": ENTRY, "path": "/data/value"})
    assert a[0] == b[0] == 200 and json.loads(a[2]) == json.loads(b[2])


def test_streamed_bin(servers, area):
    a = compare(servers, "data", file=BIG, path="/x", format="bin", dtype="safe")
    assert len(a[2]) == 12 * 2 ** 20
    compare(servers, "data", file=BIG, path="/x", format="npy", selection="100:1200:3,::7")
    # Slash forms: h5grove 4 has none, H5Web <= 16 asks with a trailing slash.
    status, _, body, _ = get(servers[0].url, "meta/", {"file": BIG, "path": "/x"})
    assert status == 200 and json.loads(body)["shape"] == [1536, 1024]


@pytest.mark.parametrize("query", [
    {"file": "/uploads/test_upload/raw/nope.h5"},
    {"file": "/uploads/test_upload/archive/no_entry"},
    {"file": TYPES, "path": "/not/there"},
    {"file": TYPES, "path": "/strings/vlen", "dtype": "safe"},
    {"file": TYPES, "path": "/strings/vlen", "format": "npy"},
    {"file": TYPES, "path": "/cube", "dtype": "nonsense"},
])
def test_errors_as_h5grove(servers, query):
    status, ctype, body, _ = compare(servers, "data" if "path" in query else "meta", **query)
    assert status in (404, 422) and "message" in json.loads(body)


@pytest.mark.parametrize("query,message", [
    ({"selection": "1,a"}, "'a' is not an integer"),
    ({"selection": "0,0,0,0"}, "selection"),
    ({"selection": "9,:,:"}, "out of bounds"),
    ({"selection": "::-1"}, "step"),
    ({"path": "/numbers"}, "/numbers is not a dataset"),
])
def test_errors_where_h5grove_fails(servers, query, message):
    """h5grove answers 500 (Internal Server Error) here; we say what is wrong."""
    ours, theirs = servers
    q = {"file": TYPES, "path": "/cube", **query}
    a, b = get(ours.url, "data", q), get(theirs.url, "data", q)
    assert b[0] == 500
    assert a[0] == 422 and message in json.loads(a[2])["message"], a[2]


def test_big_endian_json_where_h5grove_fails(servers):
    """orjson refuses big-endian arrays (h5grove: 500); the values are plain."""
    ours, theirs = servers
    q = {"file": TYPES, "path": "/numbers/be_i4"}
    assert get(theirs.url, "data", q)[0] == 500
    status, _, body, _ = get(ours.url, "data", q)
    assert status == 200 and json.loads(body) == [1, -2, 300]


def test_bad_link_resolution(servers):
    """422 from both; h5grove's message prints Python enum names."""
    ours, theirs = servers
    q = {"file": TYPES, "path": "/cube", "resolve_links": "sometimes"}
    a, b = get(ours.url, "data", q), get(theirs.url, "data", q)
    assert a[0] == b[0] == 422
    assert json.loads(a[2])["message"] == ("sometimes is not a valid value for link resolution. "
                                           "Accepted values are: all, none or only_valid")


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q", "-p", "no:cacheprovider"]))
