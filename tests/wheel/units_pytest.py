"""Units as pint Quantities (python/h5archive/_units.py; docs/python.md), in
the wheel's venv: tests/wheel/prepare.sh puts pint (and PyYAML) on
PYTHONPATH; the paths without them run in a fresh interpreter that cannot
import them. Units come from the definition (schema_from_dict)."""
import subprocess
import sys
import textwrap

import h5py
import numpy as np
import pint
import pytest

import h5archive

UREG = pint.get_application_registry()


# Units: one shared registry (pint's application registry), opt-out with units=False.
UNITS = {"name": "U", "quantities": {
    "value": {"type": "HDF5Reference", "unit": "eV"},
    "plain": {"type": "HDF5Reference"},
    "speed": {"type": "float64", "shape": ["*"], "unit": "m / s"},
    "ratio": {"type": "float64", "unit": "dimensionless"}},
    "sub_sections": {"runs": {"repeats": True, "section": {
        "name": "Run", "quantities": {"t": {"type": "HDF5Reference", "unit": "ms"}}}}}}


@pytest.fixture
def units_archive(area):
    return h5archive.EntryArchive(h5archive.schema_from_dict(UNITS), area, "test_upload", "u")


def test_read_gives_pint_quantities_in_the_shared_registry(units_archive):
    assert h5archive.unit_registry() is UREG
    units_archive.data.value = np.eye(3)
    for q in (units_archive.read("data/value"), units_archive.read("/data/value"),
              units_archive.data.read("value")):
        assert isinstance(q, UREG.Quantity) and q.units == UREG.eV
        np.testing.assert_array_equal(q.magnitude, np.eye(3))
    assert units_archive.data.value == "/uploads/test_upload/archive/u#/data/value"  # a string
    plain = units_archive.read("data/value", units=False)
    assert type(plain) is np.ndarray and plain.dtype == np.float64
    assert type(units_archive.data.read("value", units=False)) is np.ndarray


def test_paths_without_unit_read_plain_arrays(units_archive):
    units_archive.data.plain = np.ones(2)
    units_archive.data.runs.append().t = np.arange(4)
    assert type(units_archive.read("data/plain")) is np.ndarray
    t = units_archive.read("data/runs/0/t")
    assert t.units == UREG.ms and t.magnitude.tolist() == [0, 1, 2, 3]
    with pytest.raises(h5archive.Error):
        units_archive.read("data/runs/x/t")  # no unit found, and the library refuses the path


def test_in_memory_quantities_carry_units_and_dimensionless(units_archive):
    units_archive.data.speed = np.array([1.0, 2.0])
    units_archive.data.ratio = 0.5
    speed = units_archive.data.speed
    assert speed.units == UREG.meter / UREG.second and speed.magnitude.tolist() == [1.0, 2.0]
    assert units_archive.data.ratio.units == UREG.dimensionless
    assert units_archive.data.ratio.magnitude == 0.5


def test_assigning_pint_values_converts_to_the_definition_unit(units_archive):
    units_archive.data.value = UREG.Quantity(np.array([1.0, 2.0]), "J")
    back = units_archive.read("data/value")
    assert back.units == UREG.eV
    np.testing.assert_allclose(back.magnitude, np.array([1.0, 2.0]) / 1.602176634e-19)
    units_archive.data.speed = UREG.Quantity(np.array([3.6]), "km / h")
    np.testing.assert_allclose(units_archive.data.speed.magnitude, [1.0])
    units_archive.data.plain = UREG.Quantity(np.ones(2), "m")  # no definition unit: it is kept
    with h5py.File(units_archive.hdf5_file, "r") as f:
        assert f["/data/plain"].attrs["units"] == "m"
        assert f["/data/value"].attrs["units"] == "eV"
    with pytest.raises(h5archive.InvalidValueError, match="Cannot convert s to eV"):
        units_archive.data.value = UREG.Quantity(np.ones(2), "s")


def test_set_unit_registry_chooses_the_registry(units_archive):
    other = pint.UnitRegistry()
    units_archive.data.value = np.ones(1)
    h5archive.set_unit_registry(other)
    try:
        assert isinstance(units_archive.read("data/value"), other.Quantity)
        assert h5archive.unit_registry() is other
    finally:
        h5archive.set_unit_registry(None)
    assert h5archive.unit_registry() is UREG


# The paths without the optional dependencies: a fresh interpreter in which
# pint and yaml cannot be imported (PYTHONPATH still holds them).
HIDDEN = """
import importlib.abc, sys
class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pint", "yaml"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Hide())
"""


def run_without_pint_and_yaml(code, tmp_path):
    result = subprocess.run([sys.executable, "-c", HIDDEN + textwrap.dedent(code)],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_without_pint_reads_give_numpy_arrays(area, tmp_path):
    out = run_without_pint_and_yaml(f"""
        import numpy as np, h5archive
        area = h5archive.StagingArea({str(area.root)!r})
        d = h5archive.schema_from_dict({UNITS!r})
        a = h5archive.EntryArchive(d, area, "test_upload", "nopint")
        a.data.value = np.eye(2)
        a.data.speed = np.ones(2)
        print(h5archive.unit_registry(), "pint" in sys.modules)
        print(type(a.read("data/value")).__name__, type(a.data.read("value")).__name__,
              type(a.data.speed).__name__, a.read("data/value").sum())
        try:
            h5archive.schema_from_yaml("name: X")
        except ImportError as e:
            print(str(e).replace(" ", "_"))
    """, tmp_path)
    assert out == ["None", "False", "ndarray", "ndarray", "ndarray", "2.0",
                   "h5archive.schema_from_yaml_needs_PyYAML_(pip_install_pyyaml);_without_it,"
                   "_use_schema_from_dict"]


def test_hartree_is_written_in_pints_notation(area):
    d = h5archive.schema_from_dict({"name": "H", "quantities": {"e": {"type": "HDF5Reference",
                                                                      "unit": "Ha"}}})
    archive = h5archive.EntryArchive(d, area, "test_upload", "hartree")
    archive.data.e = np.ones(2)
    with h5py.File(archive.hdf5_file, "r") as f:
        assert f["/data/e"].attrs["units"] == "E_h"  # pint's symbol, as NOMAD writes it
    assert archive.read("data/e").units == UREG.hartree


def test_a_unit_the_registry_lacks_names_the_quantity(units_archive):
    units_archive.data.value = np.ones(1)
    h5archive.set_unit_registry(pint.UnitRegistry(None))  # a real registry without units
    try:
        with pytest.raises(h5archive.InvalidValueError) as e:
            units_archive.read("data/value")
    finally:
        h5archive.set_unit_registry(None)
    assert str(e.value) == ("pint cannot read the unit 'eV' of data/value ('eV' is not defined "
                            "in the unit registry); read it with units=False")
    np.testing.assert_array_equal(units_archive.read("data/value", units=False), np.ones(1))
