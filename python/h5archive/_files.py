"""The command line's ``put`` and ``get`` as Python functions (docs/cli.md):
the same library functions, without a schema or an EntryArchive."""
from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Union, cast, overload

import numpy.typing as npt

from . import _core
from ._stream import _writer_options
from ._types import Selection, StrPath

__all__ = ["put", "get"]

#: A staging area, or its root folder (prefix size 2).
AreaLike = Union[_core.StagingArea, StrPath]


def _area(area: AreaLike) -> _core.StagingArea:
    return area if isinstance(area, _core.StagingArea) else _core.StagingArea(os.fspath(area))


def put(area: AreaLike, target: str, npy_file: StrPath, *, chunks: Sequence[int] | None = None,
        compression: str | None = None, compression_opts: int | None = None,
        shuffle: bool | None = None, unit: Any = None, block_mib: float = 16) -> str:
    """Streams the .npy file ``npy_file`` into an entry's archive, like
    ``h5archive put UPLOAD ENTRY ARCHIVE_PATH FILE``.

    ``area``: a :class:`StagingArea` or its root folder (prefix size 2).
    ``target``: the reference the quantity gets,
    ``/uploads/<upload>/archive/<entry>#/data/value``; the upload must exist,
    archive/<entry>.json is created if missing and records the reference and
    the metadata (shape, dtype, chunks, compression, statistics). The file is
    read and written in blocks of ``block_mib`` MiB (memory stays bounded); it
    must be C order, numeric, bool or complex. ``chunks``, ``compression``
    ('gzip' or None), ``compression_opts`` (deflate level, default 4),
    ``shuffle`` (default True with gzip) and ``unit`` (the ``units``
    attribute) as for ``Section.stream``. An existing dataset keeps its shape
    and dtype (NOMAD's reassignment rules: TypeMismatchError). Returns the
    reference string. The GIL is released while the library works.
    """
    options = _writer_options(chunks, compression, compression_opts, shuffle, unit)
    if not block_mib > 0:
        raise ValueError(f"block_mib must be positive, not {block_mib!r}")
    block_bytes = max(1, int(block_mib * (1 << 20)))
    return _core.put(_area(area), target, os.fspath(npy_file), block_bytes=block_bytes, **options)


@overload
def get(area: AreaLike, reference: str, selection: Selection = None, *, upload: str | None = None,
        out: None = None) -> npt.NDArray[Any]: ...


@overload
def get(area: AreaLike, reference: str, selection: Selection = None, *, upload: str | None = None,
        out: StrPath) -> None: ...


def get(area: AreaLike, reference: str, selection: Selection = None, *, upload: str | None = None,
        out: StrPath | None = None) -> npt.NDArray[Any] | None:
    """The data a reference points to, or a selection of it, like
    ``h5archive get REFERENCE [--slice S] [-o FILE]``.

    ``reference``: any reference the library resolves (``/uploads/<u>/raw/f.h5#/x``,
    ``/uploads/<u>/archive/<e>#/data/value``, or ``f.h5#/x`` with ``upload``).
    ``selection``: None (everything), a numpy key (``np.s_[10:20, ::2]``, an
    int, a slice, ``...``) or the command line's text (``"10:20, ::2"``); only
    the selected hyperslab is read. Returns a numpy array; with ``out`` (a
    path) writes it as a .npy file instead (streamed in 16 MiB blocks when
    the selection keeps every axis, replaced atomically) and returns None.
    A selection that does not fit raises :class:`SelectionError` (an
    ``IndexError`` and ``ValueError``) with the library's message.
    """
    value = _core.get(_area(area), reference, selection, upload=upload,
                      out=None if out is None else os.fspath(out))
    return cast("npt.NDArray[Any] | None", value)
