"""NOMAD's ``/uploads/<upload>/archive/<entry>`` names and references for h5py.

The wheel carries the h5archive VOL connector linked to the libhdf5 inside the
h5py wheel it was built for, so the connector runs in h5py's own HDF5: one
HDF5 library in the process. Two ways to select it (docs/python.md):

* in code, after ``import h5py``::

      import h5archive
      with h5archive.File("/uploads/u/archive/e", "r", root="/data/staging") as f:
          ...

* by environment, before Python starts: ``eval "$(python -m h5archive env --root R)"``,
  then plain ``h5py.File("/uploads/u/archive/e")``.
"""
from __future__ import annotations

import ctypes
import os
from typing import Any

import h5py

from . import _build_info

__all__ = ["File", "env", "info_string", "PLUGIN_DIR", "CONNECTOR_NAME", "StagingArea",
           "StagingConfig", "QuantityDef", "SectionDef", "EntryArchive", "Section",
           "SubSectionList", "QuantityStream", "put", "get"]

#: The folder to put on HDF5_PLUGIN_PATH: it holds only libh5archive_vol.so.
PLUGIN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins")
#: The connector's name in HDF5_VOL_CONNECTOR.
CONNECTOR_NAME = "h5archive"
#: The staging root used when neither ``root`` nor $H5ARCHIVE_ROOT is given
#: (the connector's and the command line's default, relative to the working directory).
DEFAULT_ROOT = os.path.join(".volumes", "fs", "staging")


def _check_h5py():
    # The connector needs h5py's very libhdf5 file (its name carries a hash of
    # the build), not just the same HDF5 version: any other h5py cannot load it.
    if h5py.__version__ != _build_info.H5PY_VERSION:
        raise ImportError(
            f"h5archive was built for h5py {_build_info.H5PY_VERSION} (HDF5 "
            f"{_build_info.HDF5_VERSION}), but h5py {h5py.__version__} (HDF5 "
            f"{h5py.version.hdf5_version}) is installed: install h5py=="
            f"{_build_info.H5PY_VERSION} or an h5archive wheel built for h5py {h5py.__version__}")


_check_h5py()

# The library's bindings: loaded after h5py, so that libh5archive resolves
# h5py's libhdf5 (by soname) to the one already in the process.
from . import _core  # noqa: E402
from ._core import QuantityDef, SectionDef, StagingArea, StagingConfig  # noqa: E402
from ._entry import EntryArchive, Section, SubSectionList  # noqa: E402
from ._files import get, put  # noqa: E402
from ._stream import QuantityStream  # noqa: E402
from ._errors import *  # noqa: E402,F401,F403
from ._errors import __all__ as _error_names  # noqa: E402
from ._schema import SchemaError, schema_from_dict, schema_from_yaml  # noqa: E402
from ._units import set_unit_registry, unit_registry  # noqa: E402
from ._types import StrPath  # noqa: E402

__all__ += _error_names + ["SchemaError", "schema_from_dict", "schema_from_yaml",
                           "unit_registry", "set_unit_registry"]


def info_string(root: StrPath | None = None, upload: str | None = None,
                prefix_size: int | None = None) -> str:
    """The connector's info string: ``root=DIR`` (absolute), ``;prefix_size=N``
    and ``;upload=ID`` if given.

    ``root`` defaults to $H5ARCHIVE_ROOT, else .volumes/fs/staging.
    """
    root = os.path.abspath(os.fspath(root or os.environ.get("H5ARCHIVE_ROOT") or DEFAULT_ROOT))
    # The library's StagingConfig quotes each value so that it reads back as written.
    return str(_core.StagingConfig(root=root, prefix_size=prefix_size, upload=upload or None))


def env(root: StrPath | None = None, upload: str | None = None) -> dict[str, str]:
    """The environment variables selecting the connector for every file h5py
    opens, as a dict. HDF5 reads them once, when it starts: set them before
    Python (and h5py) starts, e.g. with ``python -m h5archive env``."""
    return {"HDF5_PLUGIN_PATH": PLUGIN_DIR,
            "HDF5_VOL_CONNECTOR": f"{CONNECTOR_NAME} {info_string(root, upload)}"}


_connector: ctypes.CDLL | None = None


def _load_connector() -> ctypes.CDLL:
    # Loading the plugin by path resolves its libhdf5 (by soname) to the one
    # h5py already loaded, so its C API works on h5py's property lists.
    global _connector
    if _connector is None:
        lib = ctypes.CDLL(os.path.join(PLUGIN_DIR, "libh5archive_vol.so"))
        lib.H5Pset_fapl_h5archive_info.argtypes = [ctypes.c_int64, ctypes.c_char_p]
        lib.H5Pset_fapl_h5archive_info.restype = ctypes.c_int
        _connector = lib
    return _connector


def File(name: StrPath, mode: str = "r", root: StrPath | None = None,  # noqa: N802
         upload: str | None = None, prefix_size: int | None = None, **kwds: Any) -> h5py.File:
    """An ``h5py.File`` opened through the connector, whatever the environment says.

    ``name`` is a ``/uploads/...`` name (or any path; other names pass through
    unchanged), ``mode`` as for h5py.File ('r', 'r+', 'a', 'w', 'w-'/'x').
    ``root``: the staging area (default $H5ARCHIVE_ROOT, else .volumes/fs/staging);
    ``upload``: the upload prefix-less references resolve in; ``prefix_size``:
    the staging area's (default 2). Further keyword
    arguments (libver, rdcc_nbytes, locking, ...) go to h5py's file access list.
    Errors are h5py's: FileNotFoundError, PermissionError, ... with the
    connector's message.
    """
    # h5py's own helpers (h5py.File uses them): this wheel pins the h5py version.
    from h5py._hl import files

    fapl = files.make_fapl(None, **kwds)
    info = info_string(root, upload, prefix_size)
    if _load_connector().H5Pset_fapl_h5archive_info(fapl.id, info.encode()) < 0:
        raise ValueError(f"cannot select the h5archive connector with {info!r}")
    fid = files.make_fid(files.filename_encode(name), mode, None, fapl)
    return h5py.File(fid)
