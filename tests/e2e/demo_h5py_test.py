"""End-to-end: the files `h5archive demo` writes, read with h5py and numpy."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np


def main() -> int:
    base = os.environ.get("E2E_TMP") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    work = tempfile.mkdtemp(prefix="demo_h5py_test.", dir=base)
    try:
        root = os.path.join(work, "staging")
        cli = os.path.join(os.environ["H5ARCHIVE_BIN"], "h5archive")
        subprocess.run([cli, "--root", root, "demo"], check=True, stdout=subprocess.DEVNULL)
        upload = os.path.join(root, "te", "test_upload")
        entry_h5 = os.path.join(upload, "archive", "test_entry.h5")
        raw_h5 = os.path.join(upload, "raw", "external.h5")

        with h5py.File(raw_h5, "r") as raw:
            raw_data = raw["/path/to/data"][()]
        assert raw_data.dtype == np.float64, raw_data.dtype

        with h5py.File(entry_h5, "r") as f:
            value = f["/data/value"]
            assert value.dtype == np.float64, value.dtype
            np.testing.assert_array_equal(value[()], np.eye(5))
            attrs = dict(value.attrs)
            assert attrs.pop("long_name") == "value", attrs
            # Metadata of the large quantity, computed as the data passed.
            assert attrs == {"h5archive_count": 25, "h5archive_nan_count": 0, "h5archive_min": 0.0,
                             "h5archive_max": 1.0, "h5archive_mean": 0.2}, attrs
            assert "units" not in value.attrs
            assert len(f["/data"].attrs) == 0, dict(f["/data"].attrs)
            link = f["/data"].get("value_external", getlink=True)
            assert isinstance(link, h5py.ExternalLink), link
            assert link.filename == "../raw/external.h5", link.filename
            assert link.path == "/path/to/data", link.path
            np.testing.assert_array_equal(f["/data/value_external"][()], raw_data)

        with open(os.path.join(upload, "archive", "test_entry.json")) as fp:
            archive = json.load(fp)
        assert archive == {
            "metadata": {"upload_id": "test_upload", "entry_id": "test_entry"},
            "data": {
                "m_def": "LargeData",
                "value": "/uploads/test_upload/archive/test_entry#/data/value",
                "value_external": "external.h5#/path/to/data",
                "m_hdf5": {"value": {
                    "shape": [5, 5], "dtype": "float64", "chunks": None,
                    "compression": {"filter": "none"},
                    "statistics": {"count": 25, "nan_count": 0, "min": 0.0, "max": 1.0,
                                   "mean": 0.2}}},
            },
        }, archive
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("demo_h5py_test.py: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
