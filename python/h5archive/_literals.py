"""Python numbers (``int``, ``float``, lists of them) take the quantity's dtype.

NOMAD accepts ``section.n = 7`` for an ``np.int32`` quantity: a Python number
has no width of its own, so it is converted to the definition's dtype when
its value fits (numpy's rule for Python scalars, NEP 50). The library itself
casts by dtype only, and a Python int arrives as int64, which does not cast
safely to int32; this module makes the conversion first, in one place, and
names the value that does not fit. numpy arrays and numpy scalars keep their
dtype and the library's cast rules.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._errors import InvalidValueError

__all__ = ["coerce"]

_NUMBER = (int, float)


def _flatten(value: Any, out: list) -> bool:
    """Appends the numbers of a (nested) list or tuple to ``out``; False when
    something else is in it (numpy values, strings, bools: left to numpy)."""
    if isinstance(value, (list, tuple)):
        return all(_flatten(v, out) for v in value)
    if isinstance(value, _NUMBER) and not isinstance(value, bool):
        out.append(value)
        return True
    return False


def _fits(numbers: list, dtype: np.dtype) -> Any:
    """The first number that ``dtype`` cannot hold, or None when all fit."""
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        for n in numbers:
            if isinstance(n, float) or not info.min <= n <= info.max:
                return n
    elif dtype.kind == "f":
        largest = float(np.finfo(dtype).max)
        for n in numbers:
            try:
                f = float(n)
            except OverflowError:  # an int beyond every float
                return n
            if math.isfinite(f) and abs(f) > largest:
                return n
    return None


def coerce(core: Any, name: str, value: Any) -> Any:
    """``value`` as it is assigned to quantity ``name`` of section ``core``:
    Python numbers converted to a numeric quantity's dtype when their own
    (int64, float64) would not cast safely to it; InvalidValueError when one
    of them does not fit (``300 does not fit int8 of /data/n``); anything
    else unchanged. A float for an integer quantity is left to the library,
    which refuses it with its own message."""
    numbers: list = []
    if not _flatten(value, numbers) or not numbers:
        return value
    target = core.numeric_dtype(name)
    if target is None:
        return value
    dtype = np.dtype(target)
    if any(isinstance(n, float) for n in numbers) and dtype.kind in "iu":
        return value
    try:
        natural = np.asarray(value).dtype
    except OverflowError:  # an int beyond int64/uint64: only the target can say
        natural = None
    if natural is not None and np.can_cast(natural, dtype, "safe"):
        return value
    culprit = _fits(numbers, dtype)
    if culprit is not None:
        where = f"{core.path.rstrip('/')}/{name}"
        raise InvalidValueError(f"{culprit!r} does not fit {dtype.name} of {where}")
    return np.asarray(value, dtype=dtype)
