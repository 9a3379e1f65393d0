"""Units as pint Quantities, when pint is installed (an optional dependency).

Reading a quantity whose definition has a unit gives ``registry.Quantity(array,
unit)`` in one shared registry (:func:`unit_registry`); without pint, or with
``units=False``, the plain numpy array. Assigning a pint Quantity hands its
magnitude and unit to the library, which converts it to the definition's unit
(or records the value's unit when the definition has none), as NOMAD does.
"""
from __future__ import annotations

import sys
from typing import Any

from . import _core, _literals
from ._errors import InvalidValueError

__all__ = ["unit_registry", "set_unit_registry"]

_registry: Any = None  # a pint UnitRegistry (pint is optional)


def unit_registry() -> Any:
    """The pint registry quantities are read in, or None when pint is not
    importable. Pint's application registry (``pint.get_application_registry()``)
    unless :func:`set_unit_registry` chose another: quantities of one registry
    combine, so this is the one the rest of the program most likely uses."""
    global _registry
    if _registry is None:
        try:
            import pint
        except ImportError:
            return None
        _registry = pint.get_application_registry()
    return _registry


def set_unit_registry(registry: Any) -> None:
    """Reads quantities in ``registry`` from now on (e.g. NOMAD's
    ``nomad.units.ureg``); ``None`` goes back to pint's application registry."""
    global _registry
    _registry = registry


def is_quantity(value: object) -> bool:
    """True for a pint Quantity (of any registry)."""
    pint = sys.modules.get("pint")  # not imported: no value can be a pint Quantity
    return pint is not None and isinstance(value, pint.Quantity)


def attach(value: Any, unit: str | None, where: str, units: bool = True) -> Any:
    """``value`` (a numpy array) in ``unit`` (the library's notation, e.g.
    "eV", "m / s", "" for dimensionless) as a pint Quantity; ``value`` itself
    when ``units`` is false, ``unit`` is None, value is a string or None, or
    pint is missing."""
    if not units or unit is None or value is None or isinstance(value, str):
        return value
    registry = unit_registry()
    if registry is None:
        return value
    try:
        parsed = registry.Unit(unit)
    except Exception as e:  # pint's UndefinedUnitError and parse errors alike
        raise InvalidValueError(f"pint cannot read the unit {unit!r} of {where} ({e}); read it "
                                f"with units=False") from e
    return registry.Quantity(value, parsed)


def section_value(core: _core.Section, name: str, value: Any, units: bool = True) -> Any:
    """A section's value of quantity ``name`` with the definition's unit attached."""
    return attach(value, _core.quantity_unit(core, name), f"{core.path}/{name}", units)


def assign(core: _core.Section, name: str, value: Any) -> None:
    """Assigns ``value`` to quantity ``name`` of section ``core``: a pint
    Quantity with its unit (pint's short notation); Python numbers in the
    quantity's dtype when they fit (h5archive/_literals.py); anything else as
    it is."""
    if is_quantity(value):
        _core.set_with_unit(core, name, value.magnitude, format(value.units, "~D"))
    else:
        core.set(name, _literals.coerce(core, name, value))
