"""End to end: errors a Python user can catch. Through the connector
(HDF5_VOL_CONNECTOR), h5py raises FileNotFoundError for a missing upload,
entry or raw file and PermissionError for a name that leaves the staging area,
with the connector's own text in the message; `h5py.File(name, 'a')` creates
a missing raw file (it opens, catches FileNotFoundError, then creates). With
only HDF5_PLUGIN_PATH (HDF5 probes the plugin after a failed native open),
plain files keep h5py's native exceptions.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

import h5py

from checks import check, finish

PLUGINS = os.environ["H5ARCHIVE_PLUGINS"]
PYTHON = os.environ.get("H5ARCHIVE_PYTHON") or sys.executable

# Runs in a child with the environment under test: tries each (name, mode)
# and prints, per name, the exception class, errno and message as JSON.
CHILD = textwrap.dedent("""
    import json, sys, h5py
    out = {}
    for name, mode in json.loads(sys.argv[1]):
        try:
            h5py.File(name, mode).close()
            out[name] = ["opened", None, ""]
        except Exception as e:
            out[name] = [type(e).__name__, getattr(e, "errno", None), str(e)]
    print(json.dumps(out))
""")


def attempt(env, names):
    p = subprocess.run([PYTHON, "-c", CHILD, json.dumps(names)], env=env, capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise SystemExit(f"child failed: {p.stderr}")
    return json.loads(p.stdout)


def expect(results, name, cls, errno, *texts):
    got_cls, got_errno, message = results[name]
    check(got_cls == cls and got_errno == errno and all(t in message for t in texts),
          f"{name}: {cls} (errno {errno}) naming {texts}; got {got_cls} ({got_errno}): {message}")


def main():
    base = os.environ.get("E2E_TMP") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="h5py_errors-", dir=base)
    try:
        root = os.path.join(tmp, "staging")
        upload = os.path.join(root, "te", "test_upload")
        os.makedirs(os.path.join(upload, "raw"))
        os.makedirs(os.path.join(upload, "archive"))
        with h5py.File(os.path.join(upload, "archive", "test_entry.h5"), "w") as f:
            f["x"] = 1.0
        clean = {k: v for k, v in os.environ.items()
                 if k not in ("HDF5_VOL_CONNECTOR", "HDF5_PLUGIN_PATH", "H5ARCHIVE_ROOT")}
        connector = dict(clean, HDF5_PLUGIN_PATH=PLUGINS, HDF5_VOL_CONNECTOR="h5archive root=" + root)

        missing_upload = "/uploads/no_upload/archive/test_entry"
        missing_entry = "/uploads/test_upload/archive/no_entry"
        missing_raw = "/uploads/test_upload/raw/none.h5"
        create_in_missing_upload = "/uploads/no_upload/raw/new.h5"
        dotdot = "/uploads/test_upload/raw/../../x"
        absolute = "/uploads/test_upload/raw//etc/passwd"
        appended = "/uploads/test_upload/raw/appended.h5"
        plain_missing = os.path.join(tmp, "missing.h5")
        r = attempt(connector, [[missing_upload, "r"], [missing_entry, "r"], [missing_raw, "r"],
                                [create_in_missing_upload, "w"], [dotdot, "r"], [absolute, "r"],
                                [appended, "a"], [plain_missing, "r"]])
        expect(r, missing_upload, "FileNotFoundError", 2, "unknown upload 'no_upload'")
        expect(r, missing_entry, "FileNotFoundError", 2, "missing file", "no_entry.h5")
        expect(r, missing_raw, "FileNotFoundError", 2, "missing file", "none.h5")
        expect(r, create_in_missing_upload, "FileNotFoundError", 2, "no_upload")
        expect(r, dotdot, "PermissionError", 13, "'../../x' leaves raw/ of upload 'test_upload'")
        expect(r, absolute, "PermissionError", 13, "absolute path '/etc/passwd' is not allowed")
        expect(r, plain_missing, "FileNotFoundError", 2, plain_missing)  # the native driver's
        check(r[appended][0] == "opened" and os.path.isfile(os.path.join(upload, "raw", "appended.h5")),
              f"'a' creates a missing raw file through the connector: {r[appended]}")
        check(not os.path.exists(os.path.join(root, "no")), "no folder made for a missing upload")

        # The plugin probe alone: native exceptions, and 'a' still creates.
        probe = dict(clean, HDF5_PLUGIN_PATH=PLUGINS, H5ARCHIVE_ROOT=root)
        new = os.path.join(tmp, "new.h5")
        r = attempt(probe, [[plain_missing, "r"], [new, "a"], [missing_entry, "r"]])
        expect(r, plain_missing, "FileNotFoundError", 2, "errno = 2", plain_missing)
        check(r[new][0] == "opened" and os.path.isfile(new),
              f"'a' creates a plain file with only the plugin path: {r[new]}")
        # The probe never claims a missing /uploads/ name, so the native error stays.
        expect(r, missing_entry, "FileNotFoundError", 2, "errno = 2", missing_entry)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
