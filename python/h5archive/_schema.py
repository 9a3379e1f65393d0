"""Section definitions from NOMAD-style schema dicts (and YAML text).

A NOMAD YAML schema snippet translates line for line::

    LargeData:                        {"name": "LargeData",
      quantities:                      "quantities": {
        value:                           "value": {"type": "HDF5Reference",
          type: HDF5Reference                      "unit": "m"},
          unit: m                        ...},
      sub_sections:                    "sub_sections": {
        runs:                            "runs": {"repeats": True,
          repeats: true                           "section": {...}}}}
          section: {...}

Whole packages (``definitions: {sections: {...}}``) work too; sub-sections
may then name another section of the package. Everything refused raises
:class:`SchemaError` whose message starts with the key path
("quantities.value.type: unknown type 'HDF5Ref'"). docs/python.md lists
the keys.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from . import _core
from ._errors import InvalidValueError

__all__ = ["SchemaError", "schema_from_dict", "schema_from_yaml"]


class SchemaError(InvalidValueError):
    """A schema dict the declarative form refuses. The message starts with the
    key path of the culprit, e.g. ``quantities.value.type: unknown type 'HDF5Ref'``."""


_HDF5_TYPES = {"HDF5Reference", "HDF5Dataset", "nomad.datamodel.hdf5.HDF5Reference",
               "nomad.datamodel.hdf5.HDF5Dataset", "nomad.metainfo.HDF5Reference"}
# NOMAD's spellings of numpy types: np.float64, numpy.float64, float64.
_NUMPY_TYPES = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                "float32", "float64", "complex64", "complex128"}
_PYTHON_TYPES = {"int": "number:int64", "float": "number:float64", "complex": "number:complex128",
                 "str": "text", "string": "text", "bool": "boolean", "boolean": "boolean"}
# Annotations for NOMAD's user interface: accepted (so snippets translate as
# they are) and without effect here.
_UI_ANNOTATIONS = {"eln", "browser", "plot"}
_SECTION_KEYS = {"name", "description", "quantities", "sub_sections", "base_sections",
                 "m_annotations"}
_QUANTITY_KEYS = {"type", "shape", "unit", "description", "m_annotations"}
_SUB_SECTION_KEYS = {"section", "repeats", "description"}
_SECTION_H5WEB_KEYS = {"signal", "axes", "auxiliary_signals", "long_name", "paths"}


def _fail(path: str, message: str) -> NoReturn:
    raise SchemaError(f"{path}: {message}" if path else message)


def _join(path, key):
    return f"{path}.{key}" if path else str(key)


def _mapping(value, path, what="a mapping"):
    if not isinstance(value, Mapping):
        _fail(path, f"expected {what}, got {type(value).__name__} {value!r}")
    for key in value:
        if not isinstance(key, str):
            _fail(path, f"keys must be strings, got {key!r}")
    return value


def _check_keys(mapping, allowed, path):
    for key in mapping:
        if key not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            _fail(_join(path, key), f"unknown key {key!r} (known: {known})")


def _string(value, path):
    if not isinstance(value, str):
        _fail(path, f"expected a string, got {type(value).__name__} {value!r}")
    return value


def _string_list(value, path):
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        _fail(path, f"expected a list of strings, got {value!r}")
    return list(value)


def _library(path, call, *args):
    # The library's own checks (unit names, shapes, annotations) with the key path in front.
    try:
        return call(*args)
    except InvalidValueError as e:
        _fail(path, str(e))


def _type_name(value, path):
    """The kind ('hdf5_reference', 'text', 'boolean', 'number:<dtype>') of a type entry."""
    if isinstance(value, Mapping):  # the serialized form: {type_kind, type_data}
        _check_keys(_mapping(value, path), {"type_kind", "type_data"}, path)
        value = _string(value.get("type_data"), _join(path, "type_data"))
    elif not isinstance(value, str):
        _fail(path, f"expected a type name, got {type(value).__name__} {value!r}")
    if value in _HDF5_TYPES:
        return "hdf5_reference"
    if value in _PYTHON_TYPES:
        return _PYTHON_TYPES[value]
    bare = value.removeprefix("numpy.").removeprefix("np.")
    if bare in _NUMPY_TYPES:
        return "number:" + bare
    _fail(path, f"unknown type {value!r}")


def _shape(value, path):
    if not isinstance(value, (list, tuple)):
        _fail(path, f"expected a list of ints and '*', got {value!r}")
    for i, d in enumerate(value):
        if isinstance(d, bool) or not (isinstance(d, int) or d == "*"):
            _fail(f"{path}[{i}]", f"invalid dimension {d!r} (an int or '*')")
    return list(value)


def _quantity_annotations(q, value, path):
    for key, annotation in _mapping(value, path).items():
        where = _join(path, key)
        if key == "serialization":
            # NOMAD's HDF5SerializationAnnotation() has no fields: {} (or YAML's empty value).
            if annotation is not None and annotation is not True:
                _check_keys(_mapping(annotation, where), set(), where)
            _library(where, q.serialize_to_hdf5)
        elif key == "h5web":
            _check_keys(_mapping(annotation, where), {"long_name"}, where)
            if "long_name" in annotation:
                long_name = _string(annotation["long_name"], _join(where, "long_name"))
                q.h5web(long_name)
        elif key not in _UI_ANNOTATIONS:
            _fail(where, f"unknown annotation {key!r} (known: h5web, serialization, "
                  f"{', '.join(sorted(_UI_ANNOTATIONS))})")


def _quantity(name, value, path):
    _check_keys(_mapping(value, path), _QUANTITY_KEYS, path)
    if "type" not in value:
        _fail(_join(path, "type"), "missing")
    kind = _type_name(value["type"], _join(path, "type"))
    if kind.startswith("number:"):
        q = _library(path, _core.QuantityDef.number, name, kind.split(":")[1])
    else:
        q = _library(path, getattr(_core.QuantityDef, kind), name)
    if "shape" in value:
        _library(_join(path, "shape"), q.shape, _shape(value["shape"], _join(path, "shape")))
    if value.get("unit") is not None:
        _library(_join(path, "unit"), q.unit, _string(value["unit"], _join(path, "unit")))
    if "description" in value:
        q.description(_string(value["description"], _join(path, "description")))
    if "m_annotations" in value:
        _quantity_annotations(q, value["m_annotations"], _join(path, "m_annotations"))
    return q


def _section_annotations(definition, value, path):
    for key, annotation in _mapping(value, path).items():
        where = _join(path, key)
        if key == "h5web":
            _check_keys(_mapping(annotation, where), _SECTION_H5WEB_KEYS, where)
            args = {}
            for field in ("signal", "long_name"):
                if annotation.get(field) is not None:
                    args[field] = _string(annotation[field], _join(where, field))
            for field in ("auxiliary_signals", "paths"):
                if annotation.get(field) is not None:
                    args[field] = _string_list(annotation[field], _join(where, field))
            axes = annotation.get("axes")
            if axes is not None:  # one name or a list, as NOMAD takes both
                args["axes"] = axes if isinstance(axes, str) else _string_list(
                    axes, _join(where, "axes"))
            _library(where, lambda: definition.h5web(**args))
        elif key not in _UI_ANNOTATIONS:
            _fail(where, f"unknown annotation {key!r} (known: h5web, "
                  f"{', '.join(sorted(_UI_ANNOTATIONS))})")


class _Builder:
    """Builds the sections of one schema; ``package`` maps names to the section
    dicts a sub-section may name (the package form)."""

    def __init__(self, package=None, package_path=""):
        self.package, self.package_path = package or {}, package_path
        self.built, self.building = {}, []

    def named(self, name, path):
        """The section ``name`` of the package (also written '#/name' or
        '#/definitions/sections/name'), built once."""
        name = name.rsplit("/", 1)[-1]
        if name not in self.package:
            _fail(path, f"no section {name!r} in this schema (known: "
                  f"{', '.join(sorted(self.package)) or 'none'})")
        if name in self.building:
            _fail(path, f"recursive section definitions are not supported "
                  f"({' -> '.join(self.building + [name])})")
        if name not in self.built:
            self.building.append(name)
            where = _join(_join(self.package_path, "sections"), name)
            self.built[name] = self.section(self.package[name], where, name)
            self.building.pop()
        return self.built[name]

    def section(self, value, path, default_name=None):
        _check_keys(_mapping(value, path), _SECTION_KEYS, path)
        name = value.get("name", default_name)
        if name is None:
            _fail(_join(path, "name"), "missing (every section needs a name)")
        definition = _library(path, _core.SectionDef, _string(name, _join(path, "name")))
        bases = value.get("base_sections", [])
        for i, base in enumerate([bases] if isinstance(bases, str) else _string_list(
                bases, _join(path, "base_sections"))):
            if base.rsplit("/", 1)[-1] in self.package:
                _fail(f"{_join(path, 'base_sections')}[{i}]",
                      f"inheriting from {base!r} of this schema is not supported")
        if "description" in value:
            definition.description(_string(value["description"], _join(path, "description")))
        quantities = value.get("quantities") or {}
        for qname, q in _mapping(quantities, _join(path, "quantities")).items():
            where = _join(_join(path, "quantities"), qname)
            _library(where, definition.quantity, _quantity(qname, q, where))
        subs = value.get("sub_sections") or {}
        for sname, sub in _mapping(subs, _join(path, "sub_sections")).items():
            self.sub_section(definition, sname, sub, _join(_join(path, "sub_sections"), sname))
        if "m_annotations" in value:
            _section_annotations(definition, value["m_annotations"], _join(path, "m_annotations"))
        return definition

    def sub_section(self, definition, name, value, path):
        _check_keys(_mapping(value, path), _SUB_SECTION_KEYS, path)
        repeats = value.get("repeats", False)
        if not isinstance(repeats, bool):
            _fail(_join(path, "repeats"), f"expected true or false, got {repeats!r}")
        if "section" not in value:
            _fail(_join(path, "section"), "missing")
        section = value["section"]
        where = _join(path, "section")
        child = (self.named(section, where) if isinstance(section, str)
                 else self.section(section, where, default_name=name))
        _library(path, definition.sub_section, name, child, repeats)


def _package_root(sections, builder, section, path):
    if section is not None:
        return builder.named(section, "section")
    used = set()  # sections named by a sub-section (malformed entries fail when built)
    for value in sections.values():
        subs = value.get("sub_sections")
        for sub in subs.values() if isinstance(subs, Mapping) else ():
            if isinstance(sub, Mapping) and isinstance(sub.get("section"), str):
                used.add(sub["section"].rsplit("/", 1)[-1])
    roots = [name for name in sections if name not in used]
    if len(roots) != 1:
        _fail(path, f"{len(roots)} sections could be the entry's data section "
              f"({', '.join(roots) or 'none'}): name one with section=")
    return builder.named(roots[0], path)


def schema_from_dict(mapping: Mapping[str, Any], section: str | None = None) -> _core.SectionDef:
    """A :class:`SectionDef` from a NOMAD-style schema dict.

    ``mapping`` is one section (``{"name": ..., "quantities": {...},
    "sub_sections": {...}}``) or a package (``{"definitions": {"sections":
    {name: section, ...}}}``, or the inner ``{"sections": {...}}``). For a
    package, ``section`` names the section to return; by default the one
    section no other uses as a sub-section. Quantity ``type`` is
    ``HDF5Reference`` / ``HDF5Dataset`` (also with their ``nomad.``
    module names), a numpy type (``np.float64``, ``numpy.int32``,
    ``float32``), ``int``, ``float``, ``complex``, ``str``, ``bool``, or
    ``{"type_kind": ..., "type_data": ...}``. Raises :class:`SchemaError`
    (a ``ValueError``) whose message starts with the key path.
    """
    _mapping(mapping, "", "a mapping (a schema dict)")
    path = ""
    if "definitions" in mapping:
        _check_keys(mapping, {"definitions"}, "")
        mapping, path = _mapping(mapping["definitions"], "definitions"), "definitions"
    if "sections" in mapping:
        _check_keys(mapping, {"name", "description", "sections"}, path)
        sections = _mapping(mapping["sections"], _join(path, "sections"))
        for sname, value in sections.items():
            _mapping(value, _join(_join(path, "sections"), sname))
        builder = _Builder(sections, path)
        return _package_root(sections, builder, section, _join(path, "sections"))
    if section is not None:
        raise TypeError("section= names a section of a package; this dict is one section")
    return _Builder().section(mapping, "")


def schema_from_yaml(text: str, section: str | None = None) -> _core.SectionDef:
    """A :class:`SectionDef` from NOMAD YAML schema text (needs PyYAML, an
    optional dependency: ImportError naming it otherwise). The text is read
    with ``yaml.safe_load``; the rest is :func:`schema_from_dict`."""
    try:
        import yaml
    except ImportError as e:
        raise ImportError("h5archive.schema_from_yaml needs PyYAML (pip install pyyaml); "
                          "without it, use schema_from_dict") from e
    return schema_from_dict(yaml.safe_load(text), section)
