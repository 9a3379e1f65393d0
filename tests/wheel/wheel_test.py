"""End to end: the wheel in a venv holding only PyPI's h5py and numpy plus the
wheel (tests/wheel/prepare.sh), with no bootstrap HDF5 and no build/env.sh on
any path. Run by that venv's python; every check runs in a child with a
scrubbed environment (PATH=/usr/bin:/bin, HOME, nothing else).

Covered: h5archive.File by name and by whole reference, a raw file's dataset,
another upload's file and a cross-upload reference (linked by the wheel's CLI),
writing in 'a' mode, FileNotFoundError/PermissionError with the connector's
message, the trust boundary (external link and external storage leaving the
staging root), the environment route (`python -m h5archive env`), the
h5py-version check, the wheel's `h5archive` command, and /proc/self/maps:
exactly one libhdf5, h5py's.
"""
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

# The shared check plumbing lives with the end-to-end scripts.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "e2e"))
from checks import check, finish  # noqa: E402

BIN = os.path.dirname(sys.executable)


def clean_env(**extra):
    return dict({"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/")}, **extra)


def child(code, *args, env=None):
    """Runs `code` in the venv's python with a scrubbed environment; its last
    stdout line is JSON."""
    p = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], env=env or clean_env(),
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return {"error": p.stderr.strip()}
    return json.loads(p.stdout.strip().splitlines()[-1])


# What h5archive.File does, in one child: values, exceptions and the mapped libhdf5.
READS = """
import json, sys, h5py, numpy as np, h5archive
root = sys.argv[1]
out = {}
def attempt(key, fn):
    try:
        out[key] = ["ok", fn()]
    except Exception as e:
        out[key] = [type(e).__name__, str(e)]
def read(name, path, **kw):
    with h5archive.File(name, "r", root=root, **kw) as f:
        assert isinstance(f, h5py.File)
        return f[path][()].tolist()
attempt("name", lambda: read("/uploads/test_upload/archive/test_entry", "/data/value"))
attempt("reference", lambda: read("/uploads/test_upload/archive/test_entry#/data/value", "/data/value"))
attempt("raw", lambda: read("/uploads/test_upload/raw/external.h5", "/path/to/data"))
attempt("through_link", lambda: read("/uploads/test_upload/archive/test_entry", "/data/value_external"))
attempt("other_upload", lambda: read("/uploads/other_upload/raw/other.h5#/x/y", "/x/y"))
attempt("cross_link", lambda: read("/uploads/test_upload/archive/test_entry", "/data/other"))
def append():
    with h5archive.File("/uploads/test_upload/raw/written.h5", "a", root=root) as f:
        f["/new/values"] = np.arange(6.0)
    with h5archive.File("/uploads/test_upload/raw/written.h5", "a", root=root) as f:
        f["/new/more"] = np.ones(2)
        return [f["/new/values"][()].tolist(), f["/new/more"][()].tolist()]
attempt("append", append)
attempt("missing", lambda: read("/uploads/test_upload/archive/no_entry", "/x"))
attempt("no_upload", lambda: read("/uploads/no_upload/archive/test_entry", "/x"))
attempt("escape", lambda: read("/uploads/test_upload/raw/../../x.h5", "/x"))
for key in ("outside_link", "outside_storage"):
    attempt(key, lambda key=key: read("/uploads/test_upload/raw/hostile.h5", "/" + key))
maps = sorted({line.split()[-1] for line in open("/proc/self/maps")
               if "/libhdf5" in line and "_hl" not in line.rsplit("/", 1)[-1]})
out["maps"] = maps
out["h5py_libs"] = h5py.__file__.rsplit("/h5py/", 1)[0] + "/h5py.libs/"
print(json.dumps(out))
"""


def expect_error(r, key, cls, *texts):
    got = r.get(key, ["missing", ""])
    check(got[0] == cls and all(t in got[1] for t in texts),
          f"{key}: {cls} naming {texts}; got {got[0]}: {got[1]}")


def make_other_upload(root):
    """A second upload, and a quantity of test_entry linked into it with the
    wheel's command line (a cross-upload reference)."""
    import h5py

    raw = os.path.join(root, "ot", "other_upload", "raw")
    os.makedirs(raw)
    os.makedirs(os.path.join(root, "ot", "other_upload", "archive"))
    with h5py.File(os.path.join(raw, "other.h5"), "w") as f:
        f["/x/y"] = [7.0, 8.0]
    p = subprocess.run([os.path.join(BIN, "h5archive"), "--root", root, "link", "test_upload",
                        "test_entry", "/data/other", "/uploads/other_upload/raw/other.h5#/x/y"],
                       env=clean_env(), capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, f"h5archive link to another upload: {p.stderr.strip()}")


def make_hostile(root, outside):
    """A raw file whose link and external storage leave the staging root,
    written with plain h5py (no connector)."""
    import h5py
    import numpy as np

    with h5py.File(outside, "w") as f:
        f["x"] = np.arange(4)
    with h5py.File(os.path.join(root, "te", "test_upload", "raw", "hostile.h5"), "w") as f:
        f["outside_link"] = h5py.ExternalLink(outside, "/x")
        f.create_dataset("outside_storage", shape=(4,), dtype="i8", external=[(outside, 0, 32)])


def check_reads(root):
    r = child(READS, root)
    eye = [[float(i == j) for j in range(5)] for i in range(5)]
    check(r.get("name") == ["ok", eye], f"eye(5) by name: {r.get('name', r)}")
    check(r.get("reference") == ["ok", eye], f"eye(5) by whole reference: {r.get('reference')}")
    raw = r.get("raw", ["", None])
    check(raw[0] == "ok" and len(raw[1]) == 3 and raw[1][0] == [0.0, 1.0, 2.0, 3.0],
          f"a raw file's dataset: {raw}")
    check(r.get("through_link") == raw, "the archive's external link reads the raw dataset")
    check(r.get("other_upload") == ["ok", [7.0, 8.0]],
          f"another upload's raw file by whole reference: {r.get('other_upload')}")
    check(r.get("cross_link") == ["ok", [7.0, 8.0]],
          f"a cross-upload reference through the archive: {r.get('cross_link')}")
    check(r.get("append") == ["ok", [[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 1.0]]],
          f"'a' creates, then appends to a raw file: {r.get('append')}")
    expect_error(r, "missing", "FileNotFoundError", "missing file", "no_entry.h5")
    expect_error(r, "no_upload", "FileNotFoundError", "unknown upload 'no_upload'")
    expect_error(r, "escape", "PermissionError", "'../../x.h5' leaves raw/ of upload 'test_upload'")
    expect_error(r, "outside_link", "KeyError", "its external file was refused")
    expect_error(r, "outside_storage", "KeyError", "external file(s)",
                 "which h5archive refuses in staged files")
    maps = r.get("maps", [])
    check(len(maps) == 1 and maps[0].startswith(r.get("h5py_libs", "?")),
          f"exactly one libhdf5 mapped, h5py's: {maps}")


def check_environment_route(root):
    p = subprocess.run([sys.executable, "-m", "h5archive", "env", "--root", root], env=clean_env(),
                       capture_output=True, text=True, timeout=60)
    lines = p.stdout.splitlines()
    check(p.returncode == 0 and len(lines) == 2
          and lines[0].startswith("export HDF5_PLUGIN_PATH=") and f"root={root}" in lines[1]
          and lines[1].startswith("export HDF5_VOL_CONNECTOR="), f"python -m h5archive env: {lines}")
    env = clean_env()
    script = "\n".join(lines) + f'\nexec "{sys.executable}" -c "$0" "$@"'
    code = ("import json, h5py; f = h5py.File('/uploads/test_upload/archive/test_entry#/data/value');"
            "print(json.dumps(f['/data/value'][()].trace()))")
    p = subprocess.run(["bash", "-c", script, code], env=env, capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0 and p.stdout.strip() == "5.0",
          f"plain h5py.File after eval of those lines: {p.stdout.strip()} {p.stderr.strip()[-300:]}")


def check_version_guard():
    # Another h5py, as h5archive sees it: the import fails naming both versions.
    r = child("""
        import json, h5py
        h5py.__version__ = "3.0.0"
        try:
            import h5archive
            print(json.dumps("imported"))
        except ImportError as e:
            print(json.dumps(str(e)))
    """)
    built = importlib.metadata.version("h5py")
    check(isinstance(r, str) and f"built for h5py {built}" in r and "h5py 3.0.0" in r,
          f"another h5py: ImportError naming both versions: {r}")
    requires = importlib.metadata.requires("h5archive") or []
    check(requires == [f"h5py=={built}"], f"the wheel pins h5py=={built}: {requires}")


def main():
    installed = sorted(d.metadata["Name"].lower() for d in importlib.metadata.distributions())
    check(set(installed) - {"pip", "setuptools"} == {"h5archive", "h5py", "numpy"},
          f"the venv holds only h5py, numpy and h5archive: {installed}")
    base = os.environ.get("E2E_TMP") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="wheel_test.", dir=base)
    try:
        root = os.path.join(tmp, "staging")
        # The staging data: the wheel's own command line, linked to h5py's libhdf5.
        p = subprocess.run([os.path.join(BIN, "h5archive"), "--root", root, "demo"],
                           env=clean_env(), capture_output=True, text=True, timeout=120)
        check(p.returncode == 0, f"the wheel's h5archive demo: {p.stderr.strip()}")
        make_other_upload(root)
        make_hostile(root, os.path.join(tmp, "outside.h5"))
        check_reads(root)
        check_environment_route(root)
        check_version_guard()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
