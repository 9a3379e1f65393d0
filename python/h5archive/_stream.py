"""Streaming a large quantity from Python: ``with entry.data.stream('value', 'float64') as w:
w.append(block)`` over the library's QuantityWriter (python/src/streaming.cpp)."""
from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from . import _core

__all__ = ["QuantityStream"]

_DEFLATE_NAMES = ("gzip", "deflate")


def _writer_options(chunks: Sequence[int] | None = None, compression: str | None = None,
                    compression_opts: int | None = None, shuffle: bool | None = None,
                    unit: Any = None) -> dict[str, Any]:
    # h5py's words for the library's WriterOptions; shared by Section.stream and put.
    if compression is None:
        if compression_opts is not None or shuffle:
            raise ValueError("compression_opts and shuffle need compression='gzip'")
        level = None
    elif compression in _DEFLATE_NAMES:
        level = 4 if compression_opts is None else compression_opts
        if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 9:
            raise ValueError(f"compression_opts {level!r} is out of range: deflate levels are 0-9")
    else:
        raise ValueError(f"compression {compression!r} is not written by h5archive: "
                         f"'gzip' (deflate, alias 'deflate') or None")
    if chunks is not None:
        chunks = [int(n) for n in chunks]
    return {"chunks": chunks, "deflate_level": level,
            "shuffle": level is not None and shuffle is not False,
            "unit": None if unit is None else str(unit)}


def _block(block: npt.ArrayLike) -> np.ndarray:
    # What the library takes without a copy: C order, native byte order.
    block = np.asarray(block)
    if not block.dtype.isnative:
        block = block.astype(block.dtype.newbyteorder("="))
    return np.asarray(block, order="C")  # the same array if it is C-contiguous


class QuantityStream:
    """Writes an HDF5 quantity block by block (``Section.stream`` makes one).

    Use it as a context manager: leaving the ``with`` block normally
    finishes the stream (statistics, ``units``, the dataset linked, the
    quantity's value set to its reference string); an exception inside it
    aborts the stream, so the quantity keeps its previous value and data (or
    stays unset) and a dataset this stream created is removed. Without
    ``with``, call :meth:`close` (finish) or :meth:`abort` yourself; a stream
    dropped unfinished is aborted.
    """

    __slots__ = ("_section", "_name", "_dtype", "_options", "_writer", "_state")
    _writer: Any  # a _core.QuantityWriter, None until _open

    def __init__(self, section_core: _core.Section, name: str, dtype: npt.DTypeLike,
                 shape: Sequence[int | None] | None = None, **options: Any) -> None:
        self._section, self._name = section_core, name
        self._dtype = np.dtype(dtype).name
        self._options = _writer_options(**options)
        self._writer, self._state = None, "open"
        if shape is not None:
            self._open(tuple(shape))

    def _open(self, shape: tuple[Any, ...]) -> None:
        # (None, 3): rows of 3 appended; (100, 3) or (): a fixed shape.
        unlimited = len(shape) > 0 and shape[0] is None
        dims = [0 if n is None and i == 0 else int(n) for i, n in enumerate(shape)]
        self._writer = _core.stream_quantity(self._section, self._name, self._dtype, dims,
                                             unlimited, **self._options)

    def _live(self) -> None:
        if self._state != "open":
            raise ValueError(f"the stream of {self._name} is {self._state}")

    def append(self, block: npt.ArrayLike) -> None:
        """Appends ``block`` (a numpy array, or anything ``numpy.asarray`` takes)
        along the first axis: a block of the dataset's rank is rows, one of rank
        one less is one row. A C-contiguous block in native byte order is
        written from its own buffer, others are copied to C order first; the
        GIL is released while the library writes. Its trailing shape and dtype
        are checked by the library (TypeMismatchError naming both shapes or
        dtypes; a dtype must cast safely into the stored one)."""
        self._live()
        block = _block(block)
        if self._writer is None:
            self._open((None,) + block.shape[1:])
        self._writer.append(block)

    def close(self) -> None:
        """Finishes the stream: the quantity's value becomes the reference
        string of the dataset written. A stream that got no block and no
        ``shape`` writes an empty 1-D dataset."""
        self._live()
        try:
            if self._writer is None:
                self._open((None,))
            self._writer.finish()
        finally:
            self._state = "finished"

    def abort(self) -> None:
        """Drops what was written: the quantity keeps its previous value."""
        if self._state == "open" and self._writer is not None:
            self._writer.abort()
        self._state = "aborted"

    @property
    def rows(self) -> int:
        """Rows appended so far."""
        return 0 if self._writer is None else self._writer.rows

    @property
    def shape(self) -> tuple[int, ...] | None:
        """The dataset's current shape (None before the first block when no ``shape`` was given)."""
        return None if self._writer is None else tuple(self._writer.shape)

    @property
    def closed(self) -> bool:
        """True once finished or aborted."""
        return self._state != "open"

    def __enter__(self) -> QuantityStream:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> Literal[False]:
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False

    def __repr__(self) -> str:
        return (f"<h5archive.QuantityStream {self._name} {self._dtype} rows={self.rows} "
                f"{self._state}>")
