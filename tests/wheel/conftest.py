"""Fixtures of the tests/wheel/*_pytest.py suites."""
import h5py
import numpy as np
import pytest

import h5archive

#: The dataset of the raw file external.h5 every staging area below holds.
EXTERNAL = np.arange(12.0).reshape(3, 4)


@pytest.fixture
def area(tmp_path):
    (tmp_path / "staging").mkdir()
    area = h5archive.StagingArea(str(tmp_path / "staging"))
    area.create_upload("test_upload")
    with h5py.File(area.raw_file_path("test_upload", "external.h5"), "w") as f:
        f["/path/to/data"] = EXTERNAL
    return area
