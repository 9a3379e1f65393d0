"""Attribute access over the bindings (h5archive._core): ``entry.data.value = a``.

A :class:`Section` forwards names to its definition's quantities and
sub-sections; everything else is the library's (python/src/archive.cpp).
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import _core, _errors, _units
from ._stream import QuantityStream
from ._types import Selection, StrPath

if TYPE_CHECKING:  # h5py is imported when a dataset is opened
    import pathlib

    import h5py
    import numpy.typing as npt

__all__ = ["EntryArchive", "Section", "SubSectionList"]


class Section:
    """A section of an entry archive. Quantities read and write as attributes:
    an HDF5 quantity reads as its reference string, ``read(name)`` gives the
    data as a numpy array (a pint Quantity when the definition has a unit and
    pint is installed, as do other quantities' values; h5archive/_units.py).
    Assigned pint Quantities are converted to the definition's unit.
    Sub-sections are attributes too (repeating ones a :class:`SubSectionList`)."""

    __slots__ = ("_core",)

    def __init__(self, core: _core.Section) -> None:
        object.__setattr__(self, "_core", core)

    def __getattr__(self, name: str) -> Any:
        core = object.__getattribute__(self, "_core")
        kind = core.member_kind(name)
        if kind == "quantity":
            return _units.section_value(core, name, core.get(name))
        if kind == "sub_section":
            return Section(core.sub_section(name))
        if kind == "repeating":
            return SubSectionList(core, name)
        raise AttributeError(f"section {core.definition_name} ({core.path}) has no quantity or "
                             f"sub-section {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        _units.assign(self._core, name, value)

    def __delattr__(self, name: str) -> None:
        self._core.unset(name)

    def read(self, name: str, selection: Selection = None, units: bool = True) -> Any:
        """The data of quantity ``name`` as a numpy array (HDF5 quantities: from the file);
        a pint Quantity in the definition's unit if it has one and pint is installed,
        unless ``units`` is false.

        ``selection``: a numpy key (``np.s_[10:20, 5]``, an int, a slice with
        step >= 1, ``...``) or the command line's text (``"10:20, 5"``). For an
        HDF5 quantity only that hyperslab is read from the file the reference
        names (the library's selection read); a selection that does not fit
        raises :class:`SelectionError` (IndexError and ValueError). Values held
        in memory are read whole and indexed by numpy."""
        if selection is None:
            value = self._core.read(name)
        else:
            value = _core.read_section(self._core, name, selection)
        return _units.section_value(self._core, name, value, units)

    def stream(self, name: str, dtype: npt.DTypeLike, shape: Sequence[int | None] | None = None,
               *, chunks: Sequence[int] | None = None, compression: str | None = None,
               compression_opts: int | None = None, shuffle: bool | None = None,
               unit: Any = None) -> QuantityStream:
        """A :class:`QuantityStream` writing HDF5 quantity ``name`` block by block::

            with entry.data.stream("value", "float64", chunks=(1024, 3)) as w:
                for block in blocks:      # numpy arrays of shape (n, 3)
                    w.append(block)
            entry.data.value              # '/uploads/<u>/archive/<e>#/data/value'

        ``dtype``: the stored dtype (anything ``numpy.dtype`` takes; numeric,
        bool, complex). ``shape``: ``(None, 3)`` for rows of 3 appended (the
        default: ``(None,)`` plus the first block's trailing shape), or a fixed
        shape such as ``(100, 3)``. ``chunks``: the chunk shape (default about
        1 MiB). ``compression``: 'gzip' (alias 'deflate') or None;
        ``compression_opts``: its level 0-9 (4); ``shuffle``: byte shuffle
        before deflate (default True with gzip). ``unit``: the ``units``
        attribute (must equal the definition's unit if it has one). The
        dataset is opened here when ``shape`` is given, else by the first
        block, and errors (not an HDF5Reference quantity, no context, an
        existing dataset of another shape) come from there. Memory: the block
        being written and HDF5's 4 MiB chunk cache."""
        return QuantityStream(self._core, name, dtype, shape, chunks=chunks,
                              compression=compression, compression_opts=compression_opts,
                              shuffle=shuffle, unit=unit)

    def dataset(self, name: str, mode: str = "r") -> h5py.Dataset:
        """The data of HDF5 quantity ``name`` as an ``h5py.Dataset``, opened
        lazily through the connector (:func:`h5archive.File` on the file its
        reference names): ``ds[10:20, 5]`` reads only that hyperslab. ``mode``
        is h5py's ('r', or 'r+' to write in place). Close its file
        (``ds.file.close()``) before this archive writes the same file again:
        HDF5 will not open a file twice with other modes."""
        reference = self._core.get(name)
        if not isinstance(reference, str) or self._core.member_kind(name) != "quantity":
            raise _errors.InvalidValueError(f"{self._core.path}/{name} holds no HDF5 reference: "
                                            f"{reference!r}")
        root, prefix_size, upload, file_name, path = _core.dataset_location(self._core, reference)
        return _open_dataset(root, prefix_size, upload, file_name, path, mode)

    @property
    def m_path(self) -> str:
        """NOMAD's path of this section: '/data', '/data/runs/0'."""
        return self._core.path

    def __repr__(self) -> str:
        return f"<h5archive.Section {self._core.definition_name} at {self._core.path}>"


class SubSectionList:
    """The sections of a repeating sub-section: ``len``, index, ``append()``."""

    __slots__ = ("_parent", "_name")

    def __init__(self, parent: _core.Section, name: str) -> None:
        self._parent, self._name = parent, name

    def __len__(self) -> int:
        return self._parent.count(self._name)

    def __getitem__(self, index: int) -> Section:
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"sub-section {self._name} has {n} sections")
        return Section(self._parent.at(self._name, index))

    def append(self) -> Section:
        """Adds a new, empty section and returns it."""
        return Section(self._parent.add(self._name))


class EntryArchive:
    """An entry archive of a staging area, whose ``data`` section follows
    ``definition`` (a :class:`h5archive.SectionDef`)."""

    __slots__ = ("_core",)

    def __init__(self, definition: _core.SectionDef, area: _core.StagingArea, upload_id: str,
                 entry_id: str, mainfile: str | None = None, *,
                 _core: _core.EntryArchive | None = None) -> None:
        self._core = _core or _core_module.EntryArchive(definition, area, upload_id, entry_id,
                                                        mainfile)

    @classmethod
    def load(cls, area: _core.StagingArea, definition: _core.SectionDef, upload_id: str,
             entry_id: str) -> EntryArchive:
        """Reads ``archive/<entry_id>.json`` of the upload."""
        core = _core_module.EntryArchive.load(area, definition, upload_id, entry_id)
        return cls(None, None, None, None, _core=core)  # type: ignore[arg-type]

    def save(self) -> None:
        """Writes ``archive/<entry_id>.json`` (HDF5 quantities as reference strings)."""
        self._core.save()

    @property
    def data(self) -> Section:
        """The archive's ``data`` section (a :class:`Section`)."""
        return Section(self._core.data)

    def read(self, path: str, selection: Selection = None, units: bool = True) -> Any:
        """The data at an archive path ('data/value') as a numpy array, through
        a reference string's link too; a pint Quantity when the path names a
        quantity whose definition has a unit and pint is installed, unless
        ``units`` is false. ``selection`` as for :meth:`Section.read`: only
        that hyperslab is read."""
        if selection is None:
            value = self._core.read(path)
        else:
            value = _core.read_archive(self._core, path, selection)
        return _units.attach(value, _core_module.unit_at_path(self._core, path), path, units)

    def dataset(self, path: str, mode: str = "r") -> h5py.Dataset:
        """The dataset at an archive path ('data/value') of this entry's
        archive HDF5 file as an ``h5py.Dataset``, opened lazily through the
        connector (``h5archive.File('/uploads/<u>/archive/<e>')[path]``), links
        followed: ``ds[10:20, 5]`` reads only that hyperslab. See
        :meth:`Section.dataset` for ``mode`` and closing."""
        root, prefix_size, upload, file_name, _ = _core.dataset_location(self._core.root)
        return _open_dataset(root, prefix_size, upload, file_name, path, mode)

    def to_json(self) -> str:
        """The archive's JSON text."""
        return self._core.to_json()

    def to_dict(self) -> dict[str, Any]:
        """The archive as NOMAD's ``m_to_dict()`` gives it: ``{"metadata": {...},
        "data": {"m_def": ..., ...}}``, the library's JSON (:meth:`to_json`) as
        Python objects. HDF5 quantities appear as reference strings; quantities
        with the serialization annotation are written to the HDF5 file first."""
        return json.loads(self.to_json())

    @classmethod
    def from_dict(cls, area: _core.StagingArea | None, definition: _core.SectionDef,
                  d: Mapping[str, Any]) -> EntryArchive:
        """An archive from a :meth:`to_dict` dict (NOMAD's ``m_from_dict``): the
        ids come from ``d["metadata"]``, ``area`` (a :class:`StagingArea`, or
        None) is the context. Reference strings are kept as they are; values
        of serialization-annotated quantities are read back from HDF5.
        InvalidValueError names the key the library refuses."""
        text = json.dumps(d, allow_nan=False, default=_plain)
        return cls(None, None, None, None,  # type: ignore[arg-type]
                   _core=_core_module.archive_from_json(text, definition, area))

    @property
    def upload_id(self) -> str | None:
        """The upload's id."""
        return self._core.upload_id

    @property
    def entry_id(self) -> str | None:
        """The entry's id."""
        return self._core.entry_id

    @property
    def hdf5_file(self) -> pathlib.Path:
        """archive/<entry>.h5's path"""
        return self._core.hdf5_file


def _plain(value: Any) -> Any:
    # numpy arrays and scalars in a hand-made dict: their lists and numbers.
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"from_dict: {type(value).__name__} {value!r} has no JSON form")


def _open_dataset(root: StrPath, prefix_size: int, upload: str | None, name: str, path: str,
                  mode: str) -> h5py.Dataset:
    """``path`` in the file the connector opens as ``name`` (a ``/uploads`` name)."""
    import h5py

    from . import File

    f = File(name, mode, root=root, upload=upload, prefix_size=prefix_size)
    try:
        dataset = f[path]
        if not isinstance(dataset, h5py.Dataset):
            raise _errors.TypeMismatchError(f"{path} in {name} is not a dataset")
    except BaseException:
        f.close()
        raise
    return dataset


_core_module = _core
