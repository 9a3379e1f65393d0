"""h5archive's C++ library: staging areas, schemas, entry archives"""

from collections.abc import Mapping, Sequence
import os
import pathlib
from typing import Any


DEFAULT_PREFIX_SIZE: int = 2

class StagingConfig:
    """The connector's info string `root=...;prefix_size=...;upload=...`."""

    def __init__(self, root: str | os.PathLike | None = None, prefix_size: int | None = None, upload: str | None = None) -> None: ...

    @property
    def root(self) -> pathlib.Path | None:
        """The staging root (None: the default)."""

    @root.setter
    def root(self, arg: str | os.PathLike | None, /) -> None: ...

    @property
    def prefix_size(self) -> int | None:
        """Characters of the upload id in the prefix folder (None: 2)."""

    @prefix_size.setter
    def prefix_size(self, arg: int | None, /) -> None: ...

    @property
    def upload(self) -> str | None:
        """The upload of references that name none (NOMAD's current upload)."""

    @upload.setter
    def upload(self, arg: str | None, /) -> None: ...

    @staticmethod
    def parse(text: str) -> StagingConfig:
        """Parses an info string (InvalidValueError naming what is wrong)."""

    def __str__(self) -> str:
        """
        The info string; parse(str(c)) == c for every root (values quoted as needed).
        """

    def __eq__(self, arg: StagingConfig, /) -> bool: ...

class StagingArea:
    """NOMAD's staging folders: <root>/<upload[:prefix_size]>/<upload>."""

    def __init__(self, root: str | os.PathLike, prefix_size: int = 2) -> None: ...

    @property
    def root(self) -> pathlib.Path:
        """The staging root folder."""

    @property
    def prefix_size(self) -> int:
        """Characters of the upload id in the prefix folder."""

    def has_upload(self, upload_id: str) -> bool:
        """Whether the upload's folder exists."""

    def create_upload(self, upload_id: str) -> None:
        """Creates raw/ and archive/ of the upload (no error if they exist)."""

    def upload_dir(self, upload_id: str) -> pathlib.Path:
        """
        <root>/<upload[:prefix_size]>/<upload> (InvalidValueError for a bad id).
        """

    def raw_file_path(self, upload_id: str, relative: str) -> pathlib.Path:
        """
        The path of raw/<relative> of the upload; a path that leaves raw/ is refused.
        """

    def archive_hdf5_path(self, upload_id: str, entry_id: str) -> pathlib.Path:
        """The entry's archive HDF5 file: archive/<entry_id>.h5."""

    def archive_json_path(self, upload_id: str, entry_id: str) -> pathlib.Path:
        """The entry's archive: archive/<entry_id>.json."""

class QuantityDef:
    """A quantity definition (NOMAD's Quantity)."""

    @staticmethod
    def number(name: str, dtype: str = 'float64') -> QuantityDef:
        """
        A numeric quantity (NOMAD's type: np.float64, np.int32, ...): dtype by numpy name.
        """

    @staticmethod
    def text(name: str) -> QuantityDef:
        """A string quantity (type: str)."""

    @staticmethod
    def boolean(name: str) -> QuantityDef:
        """A boolean quantity (type: bool)."""

    @staticmethod
    def hdf5_reference(name: str) -> QuantityDef:
        """
        type: HDF5Reference: a reference string, or an array written to the entry's HDF5 file.
        """

    def unit(self, unit: str) -> QuantityDef:
        """The unit (pint's notation, e.g. 'm', 'eV', 'kg*m/s**2')."""

    def shape(self, dims: Sequence) -> QuantityDef:
        """Dimensions: ints, '*' for any size."""

    def description(self, text: str) -> QuantityDef:
        """NOMAD's description: free text."""

    def serialize_to_hdf5(self) -> QuantityDef:
        """The value stays in memory and is written to the HDF5 file at save."""

    def h5web(self, long_name: str) -> QuantityDef:
        """
        NOMAD's h5web annotation of a quantity: only long_name is used (it replaces the dataset's '<name> (<unit>)').
        """

    @property
    def name(self) -> str:
        """The quantity's name."""

    @property
    def kind(self) -> str:
        """'number', 'text', 'boolean' or 'hdf5_reference'."""

    @property
    def dtype(self) -> str:
        """The numpy name of a number's dtype."""

    @property
    def unit_str(self) -> str:
        """The unit as text ('' for none)."""

    @property
    def shape_dims(self) -> list:
        """The dimensions: ints, '*' for any size."""

    @property
    def description_text(self) -> str:
        """The description."""

    @property
    def serialized_to_hdf5(self) -> bool:
        """Whether it carries the serialization annotation (written at save)."""

class SectionDef:
    """A section definition (NOMAD's ArchiveSection)."""

    def __init__(self, name: str) -> None: ...

    def quantity(self, quantity: QuantityDef) -> SectionDef:
        """Adds a copy of `quantity`."""

    def sub_section(self, name: str, section: SectionDef, repeats: bool = False) -> SectionDef:
        """Adds a sub-section holding a copy of `section` as it is now."""

    def description(self, text: str) -> SectionDef:
        """NOMAD's description: free text."""

    def h5web(self, signal: str | None = None, axes: str | Sequence[str] | None = None, auxiliary_signals: Sequence[str] | None = None, long_name: str | None = None, paths: Sequence[str] | None = None) -> SectionDef:
        """
        NOMAD's H5WebAnnotation of a section: NXdata attributes on its HDF5 group.
        """

    @property
    def name(self) -> str:
        """The section's name."""

    @property
    def quantities(self) -> list[QuantityDef]:
        """Its quantity definitions, in order."""

    @property
    def sub_section_names(self) -> list[str]:
        """The names of its sub-sections, in order."""

    @staticmethod
    def from_dict(mapping: Mapping[str, Any], section: str | None = None) -> SectionDef:
        """
        A SectionDef from a NOMAD-style schema dict: h5archive.schema_from_dict.
        """

class Section:
    """A section of an entry archive (NOMAD's m_path)."""

    @property
    def path(self) -> str: ...

    @property
    def definition_name(self) -> str: ...

    def member_kind(self, name: str) -> object: ...

    def numeric_dtype(self, name: str) -> object:
        """numpy's name of a numeric quantity's dtype; None for other kinds."""

    def get(self, name: str) -> object:
        """
        The value: a reference string for HDF5 quantities, else a numpy array, or None if unset.
        """

    def set(self, name: str, value: object) -> None: ...

    def unset(self, name: str) -> None: ...

    def has(self, name: str) -> bool: ...

    def read(self, name: str) -> object:
        """
        The quantity's data as a numpy array (HDF5 quantities: read from the file).
        """

    def sub_section(self, name: str) -> Section: ...

    def add(self, name: str) -> Section: ...

    def count(self, name: str) -> int: ...

    def at(self, name: str, index: int) -> Section: ...

class EntryArchive:
    """An entry archive in a staging area."""

    def __init__(self, definition: SectionDef, area: StagingArea, upload_id: str, entry_id: str, mainfile: str | None = None) -> None:
        """A new, empty archive whose `data` section is `definition`."""

    @staticmethod
    def load(area: StagingArea, definition: SectionDef, upload_id: str, entry_id: str) -> EntryArchive:
        """Reads archive/<entry>.json of the upload."""

    def save(self) -> None:
        """Writes archive/<entry>.json (temporary file and rename)."""

    @property
    def data(self) -> Section: ...

    @property
    def root(self) -> Section: ...

    @property
    def upload_id(self) -> str | None: ...

    @property
    def entry_id(self) -> str | None: ...

    @property
    def hdf5_file(self) -> pathlib.Path: ...

    def read(self, path: str) -> object:
        """
        The data at an archive path ('data/value'), through a reference string's link.
        """

    def to_json(self) -> str:
        """The archive's JSON text (HDF5 quantities as reference strings)."""

def archive_from_json(text: str, definition: SectionDef, area: StagingArea | None = None) -> EntryArchive:
    """
    EntryArchive::from_json: metadata, then sections; references stored unchanged.
    """

def unit_at_path(archive: EntryArchive, path: str) -> str | None:
    """The definition's unit of the quantity at an archive path, or None."""

def quantity_unit(section: Section, name: str) -> str | None:
    """The definition's unit of a quantity, or None."""

def set_with_unit(section: Section, name: str, value: object, unit: str) -> None:
    """
    Assigns an array given in `unit` (converted to the definition's unit, if it has one).
    """

def read_section(section: Section, name: str, selection: object) -> object:
    """Section.read(name, selection) of h5archive._entry."""

def read_archive(archive: EntryArchive, path: str, selection: object) -> object:
    """EntryArchive.read(path, selection) of h5archive._entry."""

def get(area: StagingArea, reference: str, selection: object | None = None, upload: str | None = None, out: str | os.PathLike | None = None) -> object:
    """h5archive.get (python/h5archive/_files.py)."""

def dataset_location(section: Section, reference: str | None = None) -> tuple:
    """
    (root, prefix_size, upload_id, /uploads name, dataset) of a reference, or of the section's archive HDF5 file when reference is None.
    """

class QuantityWriter:
    """The library's QuantityWriter (h5archive.QuantityStream wraps it)."""

    def append(self, block: object) -> None:
        """Appends a C-contiguous, native-order numpy array along the first axis."""

    def finish(self) -> None:
        """
        Writes statistics and attributes, links the dataset and sets the quantity's value.
        """

    def abort(self) -> None:
        """Drops the new value (the old one, if any, stays)."""

    @property
    def rows(self) -> int: ...

    @property
    def shape(self) -> list[int]: ...

    @property
    def dataset_path(self) -> str: ...

def stream_quantity(section: Section, name: str, dtype: str, shape: Sequence[int], unlimited_rows: bool, chunks: Sequence[int] | None, deflate_level: int | None, shuffle: bool, unit: str | None) -> QuantityWriter:
    """Section.stream of h5archive._entry (python/h5archive/_stream.py)."""

def put(area: StagingArea, target: str, npy_file: str | os.PathLike, chunks: Sequence[int] | None, deflate_level: int | None, shuffle: bool, unit: str | None, block_bytes: int) -> str:
    """h5archive.put (python/h5archive/_files.py)."""
