"""Type aliases of the package's annotations (PEP 561: the wheel ships
``py.typed``). Defined at run time too, so that ``typing.get_type_hints``
resolves the annotations of the public functions."""
from __future__ import annotations

import os
import sys
from typing import SupportsIndex, Tuple, Union

if sys.version_info >= (3, 10):
    from types import EllipsisType
else:  # the same class, unnamed before 3.10
    EllipsisType = type(Ellipsis)

__all__ = ["StrPath", "Selection"]

#: A file or folder name: ``str`` or ``pathlib.Path`` (anything ``os.fspath`` takes).
StrPath = Union[str, os.PathLike[str]]

_Key = Union[SupportsIndex, slice, EllipsisType]
#: A selection of a dataset: a numpy key (``np.s_[10:20, 5]``, an int, a
#: slice, ``...``), the command line's text (``"10:20, 5"``), or None (all).
Selection = Union[_Key, Tuple[_Key, ...], str, None]
