"""End to end: the h5archive VOL plugin loaded by environment variables into
h5dump, h5ls and h5py (the venv's, built against the same HDF5).

The staging layout is written here with plain h5py, independent of the CLI:
<root>/te/test_upload/{raw/external.h5, archive/test_entry.h5}, the entry
holding /data/value = eye(5) and an external link /data/value_external to
../raw/external.h5:/path/to/data.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

import h5py
import numpy as np

from checks import check, finish, run

HDF5_BIN = os.environ["HDF5_BIN"]
PLUGINS = os.environ["H5ARCHIVE_PLUGINS"]
PYTHON = os.environ.get("H5ARCHIVE_PYTHON") or sys.executable


def make_layout(root):
    up = os.path.join(root, "te", "test_upload")
    os.makedirs(os.path.join(up, "raw"))
    os.makedirs(os.path.join(up, "archive"))
    with h5py.File(os.path.join(up, "raw", "external.h5"), "w") as f:
        f["/path/to/data"] = np.arange(6.0).reshape(3, 2)
    with h5py.File(os.path.join(up, "archive", "test_entry.h5"), "w") as f:
        f["/data/value"] = np.eye(5)
        f["/data/value"].attrs["units"] = "m"
        f["/data/value_external"] = h5py.ExternalLink("../raw/external.h5", "/path/to/data")
    other = os.path.join(root, "ot", "other_upload", "raw")
    os.makedirs(other)
    os.makedirs(os.path.join(root, "ot", "other_upload", "archive"))
    with h5py.File(os.path.join(other, "other.h5"), "w") as f:
        f["/x/y"] = np.array([7.0, 8.0, 9.0])


def dump_values(stdout):
    """The numbers of h5dump's DATA block, in order."""
    data = stdout.split("DATA {", 1)[1].split("}", 1)[0]
    values = []
    for line in data.splitlines():
        if ":" in line:
            values += [float(v) for v in line.split(":", 1)[1].replace(",", " ").split()]
    return values


def py(code, env):
    return run([PYTHON, "-c", textwrap.dedent(code)], env)


def main():
    tmp = tempfile.mkdtemp(dir=os.environ.get("E2E_TMP"), prefix="connector_tools-")
    os.makedirs(tmp, exist_ok=True)
    try:
        root = os.path.join(tmp, "staging")
        make_layout(root)
        outside = os.path.join(tmp, "outside.h5")  # what escapes would reach
        with h5py.File(outside, "w") as f:
            f["secret"] = np.array([1.0])
        env = dict(os.environ, HDF5_PLUGIN_PATH=PLUGINS, HDF5_VOL_CONNECTOR="h5archive root=" + root)
        h5dump, h5ls = os.path.join(HDF5_BIN, "h5dump"), os.path.join(HDF5_BIN, "h5ls")
        entry = "/uploads/test_upload/archive/test_entry"

        rc, out, err = run([h5dump, "-d", "/data/value", entry], env)
        check(rc == 0 and dump_values(out) == list(np.eye(5).ravel()), "h5dump -d /data/value prints eye(5)")
        rc, out, err = run([h5dump, "-d", "/data/value_external", entry], env)
        check(rc == 0 and dump_values(out) == [0, 1, 2, 3, 4, 5], "h5dump follows the external link to the raw file")
        rc, out, err = run([h5ls, "-r", entry], env)
        check(rc == 0 and "/data/value              Dataset {5, 5}" in out
              and "/data/value_external" in out and "External Link" in out, "h5ls -r lists every quantity")
        rc, out, err = run([h5dump, "/uploads/test_upload/raw/external.h5"], env)
        check(rc == 0 and dump_values(out) == [0, 1, 2, 3, 4, 5], "h5dump of a raw file name")
        rc, out, err = run([h5dump, "-d", "/data/value", os.path.join(root, "te/test_upload/archive/test_entry.h5")], env)
        check(rc == 0 and dump_values(out) == list(np.eye(5).ravel()), "plain paths still open with the connector set")

        bad_names = {
            "/uploads/no_upload/archive/test_entry": "no_upload",
            "/uploads/test_upload/raw/../../../../outside.h5": "leaves",
            "/uploads/test_upload/raw//etc/passwd": "/etc/passwd",
            "/uploads/test_upload/elsewhere/x.h5": "elsewhere",
            "/uploads/test_upload/archive/missing_entry": "missing file",
        }
        for name, reason in bad_names.items():
            rc, out, err = run([h5dump, name], env)
            check(rc != 0 and "unable to open file" in err, "h5dump fails on " + name)
            # h5dump silences the stack of its first open unless asked to show it.
            rc, out, err = run([h5dump, "--enable-error-stack=2", name], env)
            check(rc != 0 and "h5archive" in err and name in err and reason in err,
                  "h5dump --enable-error-stack=2 shows the connector's reason for " + name)
            rc, out, err = py(f"""
                import h5py
                try:
                    h5py.File({name!r}, "r")
                except OSError as e:
                    print("ERROR", e)
                """, env)
            check(rc == 0 and "ERROR" in out and name in out and reason in out,
                  f"h5py names the reason for {name}: {out.strip()}")
        with h5py.File(outside, "r") as f:
            check(list(f.keys()) == ["secret"], "nothing outside the root was touched")

        rc, out, err = py(f"""
            import h5py, numpy as np
            with h5py.File({entry!r}, "r") as f:
                assert f.filename == {entry!r}, f.filename  # the name, not the staging path
                assert f["data/value"].file.filename == {entry!r}
                assert np.array_equal(f["data/value"][()], np.eye(5))
                assert np.array_equal(f["data/value_external"][()], np.arange(6.0).reshape(3, 2))
                assert f["data/value"].attrs["units"] == "m"
            with h5py.File({entry + "#/data/value"!r}, "r") as f:
                assert np.array_equal(f["data/value"][()], np.eye(5))
            with h5py.File("/uploads/other_upload/raw/other.h5#/x/y", "r") as f:
                assert np.array_equal(f["x/y"][()], [7.0, 8.0, 9.0])
            print("READ-OK")
            """, env)
        check(rc == 0 and "READ-OK" in out, "h5py reads by name, whole reference, cross-upload reference " + err[-300:])

        rc, out, err = py(f"""
            import h5py, numpy as np
            with h5py.File({entry!r}, "a") as f:
                f["data/added"] = np.array([1.0, 2.0])
            with h5py.File("/uploads/test_upload/raw/new_file.h5", "w") as f:
                f["v"] = np.array([3.0])
            try:
                h5py.File("/uploads/no_upload/raw/new_file.h5", "w")
            except OSError as e:
                print("CREATE-ERROR", e)
            """, env)
        check(rc == 0 and "CREATE-ERROR" in out and "no_upload" in out, "creating in a missing upload fails clearly: " + out.strip())
        with h5py.File(os.path.join(root, "te/test_upload/archive/test_entry.h5"), "r") as f:
            check(list(f["data/added"][()]) == [1.0, 2.0], "h5py 'a' wrote into the staging entry file")
        with h5py.File(os.path.join(root, "te/test_upload/raw/new_file.h5"), "r") as f:
            check(list(f["v"][()]) == [3.0], "h5py created a raw file in the upload")
        check(not os.path.exists(os.path.join(root, "no")), "no folder made for a missing upload")

        # Only HDF5_PLUGIN_PATH set: plain files open natively even though the
        # library probes our plugin after a failed open; nothing is printed by us.
        env_plain = dict(os.environ, HDF5_PLUGIN_PATH=PLUGINS, H5ARCHIVE_ROOT=root)
        env_plain.pop("HDF5_VOL_CONNECTOR", None)
        rc, out, err = run([h5dump, "-d", "/data/value", os.path.join(root, "te/test_upload/archive/test_entry.h5")], env_plain)
        check(rc == 0, "plain h5dump with only the plugin path")
        rc, out, err = run([h5dump, os.path.join(tmp, "missing.h5")], env_plain)
        check(rc != 0 and "h5archive" not in err, "a missing plain file fails without connector noise")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
