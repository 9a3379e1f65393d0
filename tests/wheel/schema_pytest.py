"""Declarative schemas and to_dict/from_dict (python/h5archive/_schema.py;
docs/python.md), in the wheel's venv (tests/wheel/prepare.sh puts pytest,
pint and PyYAML on PYTHONPATH). NOMAD YAML snippets first, ported line for
line, with the seed's LargeData; then the round trip and every error."""
import json
import os

import h5py
import numpy as np
import pytest
import yaml

import h5archive

from conftest import EXTERNAL  # tests/wheel/conftest.py, with the `area` fixture

# NOMAD's YAML for the seed's class LargeData(ArchiveSection), as a dict.
LARGE_DATA = {
    "name": "LargeData",
    "quantities": {
        "value_external": {"type": "HDF5Reference"},
        "value": {"type": "HDF5Reference", "unit": "eV", "description": "large array"},
    },
}

PACKAGE_YAML = """
definitions:
  name: 'Large data'
  sections:
    Run:
      quantities:
        signal:
          type: nomad.datamodel.hdf5.HDF5Dataset
          unit: m / s
        label:
          type: str
    LargeData:
      base_sections:
        - nomad.datamodel.data.EntryData
      m_annotations:
        h5web:
          signal: value
          axes: [x]
      quantities:
        value:
          type: HDF5Reference
          unit: eV
          m_annotations:
            h5web:
              long_name: energies
            eln:
              component: NumberEditQuantity
        energies:
          type: np.float64
          shape: ['*']
          unit: J
          m_annotations:
            serialization: {}
        n:
          type: int32
      sub_sections:
        runs:
          repeats: true
          section: '#/Run'
        single:
          section:
            quantities:
              x:
                type: {type_kind: numpy, type_data: float32}
"""
PACKAGE = yaml.safe_load(PACKAGE_YAML)


def describe(definition):
    return (definition.name, [(q.name, q.kind, q.dtype if q.kind == "number" else None,
                               q.unit_str, q.shape_dims, q.description_text,
                               q.serialized_to_hdf5) for q in definition.quantities],
            definition.sub_section_names)


def test_seed_large_data_from_dict(area):
    large_data = h5archive.schema_from_dict(LARGE_DATA)
    assert describe(large_data) == ("LargeData", [
        ("value_external", "hdf5_reference", None, "", [], "", False),
        ("value", "hdf5_reference", None, "eV", [], "large array", False)], [])
    archive = h5archive.EntryArchive(large_data, area, "test_upload", "test_entry")
    archive.data.value_external = "external.h5#/path/to/data"
    archive.data.value = np.eye(5)
    assert archive.data.value == "/uploads/test_upload/archive/test_entry#/data/value"
    np.testing.assert_array_equal(archive.read("data/value_external", units=False), EXTERNAL)
    with h5py.File(archive.hdf5_file, "r") as f:
        assert f["/data/value"].attrs["units"] == "eV"


SEED_YAML = """
definitions:
  sections:
    LargeData:
      base_sections: [nomad.datamodel.data.ArchiveSection]
      quantities:
        value_external:
          type: nomad.datamodel.hdf5.HDF5Reference
        value:
          type: nomad.datamodel.hdf5.HDF5Reference
"""
# The seed's second schema: value = Quantity(type=np.float64) with
# value.m_annotations = dict(serialization=HDF5SerializationAnnotation()).
# The seed gives no shape yet assigns np.ones(3); the library checks shapes,
# so the port says "any length" (docs/library.md, "Serialization annotation").
SEED_SERIALIZED_YAML = """
name: LargeData
quantities:
  value:
    type: np.float64
    shape: ['*']
    m_annotations:
      serialization: {}
"""


def test_seed_yaml_runs_the_seed_example(area):
    archive = h5archive.EntryArchive(h5archive.schema_from_yaml(SEED_YAML), area, "test_upload",
                                     "test_entry")
    archive.data.value_external = "external.h5#/path/to/data"
    archive.data.value = np.eye(5)
    assert archive.data.value == "/uploads/test_upload/archive/test_entry#/data/value"
    np.testing.assert_array_equal(archive.read("data/value"), np.eye(5))
    np.testing.assert_array_equal(archive.read("data/value_external"), EXTERNAL)


def test_seed_serialization_annotation_example(area):
    large_data = h5archive.schema_from_yaml(SEED_SERIALIZED_YAML)
    archive = h5archive.EntryArchive(large_data, area, "test_upload", "test_entry")
    archive.data.value = np.ones(3)
    serialized = archive.to_dict()
    assert serialized["data"]["value"] == "/uploads/test_upload/archive/test_entry#/data/value"
    deserialized = h5archive.EntryArchive.from_dict(area, large_data, serialized)
    np.testing.assert_array_equal(deserialized.data.value, np.array([1.0, 1.0, 1.0]))


def test_section_def_from_dict_is_schema_from_dict():
    assert describe(h5archive.SectionDef.from_dict(LARGE_DATA)) == describe(
        h5archive.schema_from_dict(LARGE_DATA))


def test_package_yaml_builds_sections_and_annotations(area):
    data = h5archive.schema_from_yaml(PACKAGE_YAML)
    assert describe(data) == ("LargeData", [
        ("value", "hdf5_reference", None, "eV", [], "", False),
        ("energies", "number", "float64", "J", ["*"], "", True),
        ("n", "number", "int32", "", [], "", False)], ["runs", "single"])
    assert describe(h5archive.schema_from_dict(PACKAGE)) == describe(data)
    assert describe(h5archive.schema_from_dict(PACKAGE, section="Run")) == ("Run", [
        ("signal", "hdf5_reference", None, "m / s", [], "", False),
        ("label", "text", None, "", [], "", False)], [])
    archive = h5archive.EntryArchive(data, area, "test_upload", "pkg")
    archive.data.value = np.arange(3.0)
    run = archive.data.runs.append()
    run.signal = np.ones(2)
    run.label = "first"
    archive.data.single.x = np.float32(1.5)
    with h5py.File(archive.hdf5_file, "r") as f:
        assert dict(f["/data"].attrs)["signal"] == "value"
        assert list(f["/data"].attrs["axes"]) == ["x"]
        assert f["/data"].attrs["NX_class"] == "NXdata"
        assert f["/data/value"].attrs["long_name"] == "energies"
        assert f["/data/runs/0/signal"].attrs["units"] == "m / s"
    assert archive.data.single.x.dtype == np.float32


def test_serialization_annotation_writes_at_to_dict_and_reads_back(area):
    data = h5archive.schema_from_dict(PACKAGE)
    archive = h5archive.EntryArchive(data, area, "test_upload", "ser")
    archive.data.energies = np.ones(3)
    assert not os.path.exists(archive.hdf5_file)  # stays in memory until serialized
    d = archive.to_dict()
    assert d["data"]["energies"] == "/uploads/test_upload/archive/ser#/data/energies"
    with h5py.File(archive.hdf5_file, "r") as f:
        np.testing.assert_array_equal(f["/data/energies"][()], np.ones(3))
    again = h5archive.EntryArchive.from_dict(area, data, d)
    np.testing.assert_array_equal(again.data.read("energies", units=False), np.ones(3))


def test_to_dict_from_dict_round_trip(area):
    data = h5archive.schema_from_dict(PACKAGE)
    archive = h5archive.EntryArchive(data, area, "test_upload", "rt", "main.yaml")
    archive.data.value = np.eye(2)
    archive.data.n = np.int32(7)  # the library refuses int64 -> int32 (unsafe cast)
    archive.data.energies = np.array([1.0, 2.0])
    for label in ("a", "b"):
        archive.data.runs.append().label = label
    archive.data.runs[1].signal = "external.h5#/path/to/data"
    d = archive.to_dict()
    assert d["metadata"] == {"upload_id": "test_upload", "entry_id": "rt", "mainfile": "main.yaml"}
    assert d["data"]["m_def"] == "LargeData" and d["data"]["n"] == 7
    assert d["data"]["value"] == "/uploads/test_upload/archive/rt#/data/value"
    assert d["data"]["runs"][0]["label"] == "a"
    assert d["data"]["runs"][1]["signal"] == "external.h5#/path/to/data"
    again = h5archive.EntryArchive.from_dict(area, data, json.loads(json.dumps(d)))
    assert again.to_dict() == d
    assert (again.upload_id, again.entry_id) == ("test_upload", "rt")
    np.testing.assert_array_equal(again.read("data/value", units=False), np.eye(2))
    np.testing.assert_array_equal(again.read("data/runs/1/signal", units=False), EXTERNAL)
    assert again.data.runs[0].label == "a"


def test_from_dict_takes_numpy_values_and_no_context():
    d = {"metadata": {"upload_id": "u", "entry_id": "e"},
         "data": {"m_def": "LargeData", "n": np.int32(3), "energies": np.arange(2.0),
                  "value": "/uploads/u/archive/e#/data/value"}}
    archive = h5archive.EntryArchive.from_dict(None, h5archive.schema_from_dict(PACKAGE), d)
    assert archive.data.n == 3 and archive.data.n.dtype == np.int32
    np.testing.assert_array_equal(archive.data.read("energies", units=False), [0.0, 1.0])
    assert archive.data.value == "/uploads/u/archive/e#/data/value"


@pytest.mark.parametrize("d, message", [
    ({"data": {"m_def": "LargeData", "nope": 1}},
     "Unknown key 'nope' in section /data (LargeData)"),
    ({"data": {"m_def": "Other"}}, 'Section /data is a LargeData, but the JSON says m_def "Other"'),
    ({"data": {"value": 5}}, "/data/value: an HDF5 reference must be a string, got 5"),
    ({"data": {"n": "x"}}, '/data/n: expected a int32 number, got "x"'),
])
def test_from_dict_errors_name_the_key(area, d, message):
    with pytest.raises(h5archive.InvalidValueError) as e:
        h5archive.EntryArchive.from_dict(area, h5archive.schema_from_dict(PACKAGE), d)
    assert str(e.value) == message


def test_from_dict_refuses_values_without_json_form(area):
    with pytest.raises(TypeError, match="from_dict: object .* has no JSON form"):
        h5archive.EntryArchive.from_dict(area, h5archive.schema_from_dict(PACKAGE),
                                         {"data": {"n": object()}})


def q(**quantity):
    return {"name": "S", "quantities": {"v": quantity}}


@pytest.mark.parametrize("schema, message", [
    ({"name": "S", "quantities": {"value": {"type": "HDF5Ref"}}},
     "quantities.value.type: unknown type 'HDF5Ref'"),
    (q(type="float64", units="m"), "quantities.v.units: unknown key 'units' (known: description, "
     "m_annotations, shape, type, unit)"),
    (q(unit="m"), "quantities.v.type: missing"),
    (q(type=3), "quantities.v.type: expected a type name, got int 3"),
    (q(type={"type_kind": "numpy", "type_data": "float16"}),
     "quantities.v.type: unknown type 'float16'"),
    (q(type={"type_kind": "numpy", "data": "float64"}),
     "quantities.v.type.data: unknown key 'data' (known: type_data, type_kind)"),
    (q(type="int", shape=["*", "n_atoms"]),
     "quantities.v.shape[1]: invalid dimension 'n_atoms' (an int or '*')"),
    (q(type="int", shape=[True]), "quantities.v.shape[0]: invalid dimension True (an int or '*')"),
    (q(type="int", shape=3), "quantities.v.shape: expected a list of ints and '*', got 3"),
    (q(type="int", shape=[0]),
     "quantities.v.shape: Invalid dimension 0 in the shape of quantity v"),
    (q(type="HDF5Reference", shape=[3]),
     "quantities.v.shape: HDF5Reference quantity v must be scalar (shape [])"),
    (q(type="float", unit="xyz / s"), "quantities.v.unit: Unknown unit 'xyz' in 'xyz / s'"),
    (q(type="float", unit=5), "quantities.v.unit: expected a string, got int 5"),
    (q(type="float", description=["a"]),
     "quantities.v.description: expected a string, got list ['a']"),
    (q(type="str", m_annotations={"serialization": {}}),
     "quantities.v.m_annotations.serialization: The serialization annotation needs a numeric "
     "quantity; v is not numeric"),
    (q(type="float", m_annotations={"serialization": {"path": "x"}}),
     "quantities.v.m_annotations.serialization.path: unknown key 'path' (known: none)"),
    (q(type="float", m_annotations={"h5web": {"signal": "v"}}),
     "quantities.v.m_annotations.h5web.signal: unknown key 'signal' (known: long_name)"),
    (q(type="float", m_annotations={"tabular": {}}),
     "quantities.v.m_annotations.tabular: unknown annotation 'tabular' (known: h5web, "
     "serialization, browser, eln, plot)"),
    ({"name": "S", "quantities": {"v": "HDF5Reference"}},
     "quantities.v: expected a mapping, got str 'HDF5Reference'"),
    ({"name": "S", "quantities": {"m_v": {"type": "float"}}},
     "quantities.m_v: Invalid quantity name 'm_v'"),
    ({"quantities": {}}, "name: missing (every section needs a name)"),
    ({"name": ""}, "A section definition needs a name"),
    ({"name": "S", "section": {}}, "section: unknown key 'section' (known: base_sections, "
     "description, m_annotations, name, quantities, sub_sections)"),
    ({"name": "S", "m_annotations": {"h5web": {"signals": "v"}}},
     "m_annotations.h5web.signals: unknown key 'signals' (known: auxiliary_signals, axes, "
     "long_name, paths, signal)"),
    ({"name": "S", "m_annotations": {"h5web": {"axes": [1]}}},
     "m_annotations.h5web.axes: expected a list of strings, got [1]"),
    ({"name": "S", "m_annotations": {"hdf5": {}}},
     "m_annotations.hdf5: unknown annotation 'hdf5' (known: h5web, browser, eln, plot)"),
    ({"name": "S", "base_sections": "nomad.datamodel.data.EntryData", "quantities": [1]},
     "quantities: expected a mapping, got list [1]"),
    ({"name": "S", "quantities": {"x": {"type": "int"}}, "sub_sections": {"x": {"section": {}}}},
     "sub_sections.x: Section S already defines 'x'"),
    ({"name": "S", "sub_sections": {"runs": {"repeats": "yes", "section": {}}}},
     "sub_sections.runs.repeats: expected true or false, got 'yes'"),
    ({"name": "S", "sub_sections": {"runs": {"repeats": True}}},
     "sub_sections.runs.section: missing"),
    ({"name": "S", "sub_sections": {"runs": {"section": "Run"}}},
     "sub_sections.runs.section: no section 'Run' in this schema (known: none)"),
    ({"name": "S", "sub_sections": {"runs": {"section": {"quantities": {"t": {"type": "x"}}}}}},
     "sub_sections.runs.section.quantities.t.type: unknown type 'x'"),
    ({"definitions": {"sections": {"A": {"sub_sections": {"b": {"section": "#/B"}}}}}},
     "definitions.sections.A.sub_sections.b.section: no section 'B' in this schema (known: A)"),
    ({"definitions": {"sections": {"A": {}, "B": {}}}},
     "definitions.sections: 2 sections could be the entry's data section (A, B): name one with "
     "section="),
    ({"definitions": {"sections": {"A": {"base_sections": ["#/B"]}, "B": {"quantities": {}}}},
      }, "definitions.sections: 2 sections could be the entry's data section (A, B): name one "
     "with section="),
    ({"definitions": {"sections": {"A": []}}}, "definitions.sections.A: expected a mapping, got "
     "list []"),
    ({"definitions": {"sections": {}}, "x": 1}, "x: unknown key 'x' (known: definitions)"),
    ({"sections": {"A": {}}, "version": 2},
     "version: unknown key 'version' (known: description, name, sections)"),
    ([{"name": "S"}], "expected a mapping (a schema dict), got list [{'name': 'S'}]"),
    ({1: "x"}, "keys must be strings, got 1"),
])
def test_schema_errors_name_the_key_path(schema, message):
    with pytest.raises(h5archive.SchemaError) as e:
        h5archive.schema_from_dict(schema)
    assert isinstance(e.value, ValueError) and isinstance(e.value, h5archive.InvalidValueError)
    assert str(e.value) == message


def test_package_errors_with_section_named():
    package = {"definitions": {"sections": {"A": {"base_sections": ["#/B"]}, "B": {}}}}
    with pytest.raises(h5archive.SchemaError) as e:
        h5archive.schema_from_dict(package, section="A")
    assert str(e.value) == ("definitions.sections.A.base_sections[0]: inheriting from '#/B' of "
                            "this schema is not supported")
    with pytest.raises(h5archive.SchemaError, match=r"^section: no section 'C' in this schema "
                       r"\(known: A, B\)$"):
        h5archive.schema_from_dict(package, section="C")
    recursive = {"definitions": {"sections": {"A": {"sub_sections": {"a": {"section": "A"}}}}}}
    with pytest.raises(h5archive.SchemaError) as e:
        h5archive.schema_from_dict(recursive, section="A")
    assert str(e.value) == ("definitions.sections.A.sub_sections.a.section: recursive section "
                            "definitions are not supported (A -> A)")
    with pytest.raises(TypeError, match="section= names a section of a package"):
        h5archive.schema_from_dict(LARGE_DATA, section="LargeData")


def test_yaml_errors_are_the_dict_errors():
    with pytest.raises(h5archive.SchemaError) as e:
        h5archive.schema_from_yaml("name: S\nquantities:\n  value:\n    type: HDF5Ref\n")
    assert str(e.value) == "quantities.value.type: unknown type 'HDF5Ref'"


def test_h5web_builder_calls_match_the_dict_form(area):
    d = (h5archive.SectionDef("S").h5web(signal="v", axes="t", paths=["runs/0"])
         .quantity(h5archive.QuantityDef.hdf5_reference("v").unit("m").h5web("my v")))
    archive = h5archive.EntryArchive(d, area, "test_upload", "h5web")
    archive.data.v = np.ones(2)
    with h5py.File(archive.hdf5_file, "r") as f:
        attrs = dict(f["/data"].attrs)
        assert (attrs["NX_class"], attrs["signal"], attrs["axes"]) == ("NXdata", "v", "t")
        assert list(attrs["paths"]) == ["runs/0"]
        v = f["/data/v"].attrs
        assert (v["units"], v["long_name"]) == ("m", "my v")
