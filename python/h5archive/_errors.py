"""The library's exceptions (archive/include/h5archive/errors.hpp) as Python
classes. Each derives from :class:`Error` and from the builtin a NOMAD user
would catch, and carries the library's message unchanged (``str(e)``)."""
from __future__ import annotations

__all__ = ["Error", "InvalidReferenceError", "ResolveError", "SecurityError",
           "UnknownUploadError", "NotFoundError", "TypeMismatchError", "AbandonedObjectError",
           "InvalidValueError", "SelectionError", "ArchiveIOError", "HDF5Error"]


class Error(Exception):
    """Any error of the h5archive library (C++ h5archive::Error)."""


class InvalidReferenceError(Error, ValueError):
    """A malformed reference string (C++ ReferenceError)."""


class ResolveError(Error, ValueError):
    """A reference or name that does not resolve to a file of the staging area."""


class SecurityError(ResolveError, PermissionError):
    """A path that leads outside its upload or the staging root."""


class UnknownUploadError(ResolveError):
    """A reference naming an upload the staging area does not have."""


class NotFoundError(Error, FileNotFoundError):
    """A missing upload, file, dataset or entry."""


class TypeMismatchError(Error, TypeError):
    """Shapes or dtypes that do not match (h5py's require_dataset rules), an
    object of another kind in the way, an unsupported dtype."""


class AbandonedObjectError(TypeMismatchError):
    """An object left behind by a failed write (C++ AbandonedObjectError)."""


class InvalidValueError(Error, ValueError):
    """A value the schema refuses (C++ ValueError): wrong shape for the
    definition, no context for an HDF5 value, unknown quantity, ..."""


class SelectionError(InvalidValueError, IndexError):
    """A selection that does not fit the dataset (an index out of bounds, too
    many axes, a step below 1), with the library's message: numpy raises
    IndexError for these, so it is one, and a ValueError too."""


class ArchiveIOError(Error, OSError):
    """A file operation the operating system refused (C++ IOError)."""


class HDF5Error(Error, RuntimeError):
    """HDF5 itself failed (C++ HDF5Error)."""
