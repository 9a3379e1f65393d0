"""The package's annotations (PEP 561: the wheel ships ``py.typed``, and
``_core.pyi`` for the extension, stubs_pytest.py): every public function,
method and property written in Python annotates its parameters and return,
and mypy checks a user's program against them: the seed example of
docs/python.md passes, wrong argument types are reported where they are."""
import importlib
import inspect
import re
import subprocess
import sys


#: The modules whose ``__all__`` is public (``h5archive`` re-exports most of it).
MODULES = ["h5archive", "h5archive._entry", "h5archive._stream", "h5archive._files",
           "h5archive._schema", "h5archive._units", "h5archive._literals", "h5archive._errors"]
#: Public without an ``__all__``: ``python -m h5archive`` and the console script.
ENTRY_POINTS = [("h5archive.__main__", "main"), ("h5archive._cli", "main")]


def _from_python(obj):
    """A function or class defined in the package's Python modules (not in _core)."""
    module = getattr(obj, "__module__", None) or ""
    return ((inspect.isfunction(obj) or inspect.isclass(obj)) and
            module.split(".")[0] == "h5archive" and module != "h5archive._core")


def _public_python_names():
    names = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if _from_python(obj):
                names[f"{obj.__module__}.{obj.__qualname__}"] = obj
    for module_name, name in ENTRY_POINTS:
        obj = getattr(importlib.import_module(module_name), name)
        names[f"{module_name}.{name}"] = obj
    return names


def _functions(qualname, obj):
    """(name, function, bound) of a function, or of a class's own methods,
    properties (getter and setter) and dunders; single-underscore names are private."""
    if not inspect.isclass(obj):
        yield qualname, obj, False
        return
    for name, value in vars(obj).items():
        if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
            continue
        where = f"{qualname}.{name}"
        if isinstance(value, property):
            for accessor in (value.fget, value.fset, value.fdel):
                if accessor is not None:
                    yield where, accessor, True
        elif isinstance(value, (staticmethod, classmethod)):
            yield where, value.__func__, isinstance(value, classmethod)
        elif inspect.isfunction(value):
            yield where, value, True


def _missing(where, function, bound):
    """What of ``function``'s signature has no annotation: 'f(x)', 'f -> return'."""
    signature = inspect.signature(function)
    parameters = list(signature.parameters.values())[1 if bound else 0:]
    missing = [f"{where}({p.name})" for p in parameters if p.annotation is p.empty]
    if signature.return_annotation is signature.empty:
        missing.append(f"{where} -> return")
    return missing


def test_the_check_names_what_is_not_annotated():
    def partly(a, b: int, *args, **kwds: str):
        pass

    class Partly:
        def method(self, a: int):
            pass

        @property
        def value(self) -> int:
            return 1

        @value.setter
        def value(self, v) -> None:
            pass

    assert _missing("partly", partly, False) == ["partly(a)", "partly(args)", "partly -> return"]
    found = [m for where, f, bound in _functions("Partly", Partly)
             for m in _missing(where, f, bound)]
    assert found == ["Partly.method -> return", "Partly.value(v)"]


def test_every_public_python_function_is_annotated():
    names = _public_python_names()
    checked, missing = [], []
    for qualname, obj in names.items():
        for where, function, bound in _functions(qualname, obj):
            checked.append(where)
            missing += _missing(where, function, bound)
    assert missing == [], "not annotated: " + ", ".join(missing)
    # Not vacuous: the walk reaches the functions, methods and properties users call.
    for where in ("h5archive.File", "h5archive.info_string", "h5archive._files.get",
                  "h5archive._files.put", "h5archive._schema.schema_from_dict",
                  "h5archive._units.set_unit_registry", "h5archive._entry.EntryArchive.load",
                  "h5archive._entry.EntryArchive.read", "h5archive._entry.EntryArchive.upload_id",
                  "h5archive._entry.Section.stream", "h5archive._entry.SubSectionList.append",
                  "h5archive._stream.QuantityStream.__exit__",
                  "h5archive._stream.QuantityStream.rows",
                  "h5archive.__main__.main", "h5archive._cli.main"):
        assert where in checked, where
    assert len(checked) > 40, checked


# PyPI's h5py ships neither stubs nor py.typed: its names are Any to mypy, as
# they are in any user's program that imports it.
MYPY_CONFIG = """\
[mypy]
[mypy-h5py.*]
ignore_missing_imports = True
"""

# The seed example of docs/python.md (its first code block), with the staging
# root from the command line and the refused reassignment caught, so that it
# runs as well as type-checks; the annotated names check the inferred types.
SEED = """\
import sys

import h5py, numpy as np, h5archive

area = h5archive.StagingArea(sys.argv[1])            # prefix_size=2
area.create_upload("test_upload")
with h5py.File(area.raw_file_path("test_upload", "external.h5"), "w") as f:
    f["/path/to/data"] = np.arange(12.0).reshape(3, 4)

large_data = (h5archive.SectionDef("LargeData")
              .quantity(h5archive.QuantityDef.hdf5_reference("value_external"))
              .quantity(h5archive.QuantityDef.hdf5_reference("value")))
archive = h5archive.EntryArchive(large_data, area, "test_upload", "test_entry")
archive.data.value = np.eye(5)            # written to archive/test_entry.h5 at once
reference: str = archive.data.value
archive.data.value_external = "external.h5#/path/to/data"   # a link, not a copy
value = archive.read("data/value")        # numpy array, float64 (5, 5)
try:
    archive.data.value = np.eye(3)
except h5archive.TypeMismatchError as e:
    print("refused:", str(e).split(" (")[0])
archive.save()                            # archive/test_entry.json
again = h5archive.EntryArchive.load(area, large_data, "test_upload", "test_entry")
column: np.ndarray = h5archive.get(area, again.data.value, np.s_[1:3, 2])
hdf5_file: str = str(again.hdf5_file)
print(reference, value.shape, column.tolist(), again.entry_id)
"""

# Lines added to the seed: each a type error mypy must report on its line.
WRONG = [
    ('h5archive.get(area, 5)',
     'error: No overload variant of "get" matches argument types "StagingArea", "int"'),
    ('h5archive.EntryArchive.load(area, large_data, 5, "test_entry")',
     'error: Argument 3 to "load" of "EntryArchive" has incompatible type "int"; expected "str"'),
]


def _mypy(tmp_path, *args, config=MYPY_CONFIG, cwd=None):
    (tmp_path / "mypy.ini").write_text(config)
    # The venv's python (with mypy from PYTHONPATH, tests/wheel/prepare.sh)
    # finds h5archive, numpy and h5py in the venv, as a user's mypy would.
    return subprocess.run([sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir",
                           str(tmp_path / "mypy-cache"), "--config-file",
                           str(tmp_path / "mypy.ini"), "--show-error-codes", *args],
                          capture_output=True, text=True, cwd=cwd)


def test_mypy_accepts_the_seed_example_and_it_runs(tmp_path):
    program = tmp_path / "seed.py"
    program.write_text(SEED)
    run = _mypy(tmp_path, "--strict", str(program))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("Success: no issues found in 1 source file"), run.stdout
    (tmp_path / "staging").mkdir()
    run = subprocess.run([sys.executable, str(program), str(tmp_path / "staging")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "refused: Shapes do not match",
        "/uploads/test_upload/archive/test_entry#/data/value (5, 5) [0.0, 1.0] test_entry"]


def test_mypy_reports_wrong_argument_types_on_their_lines(tmp_path):
    program = tmp_path / "wrong.py"
    program.write_text(SEED + "".join(line + "\n" for line, _ in WRONG))
    first = SEED.count("\n") + 1
    run = _mypy(tmp_path, str(program))
    assert run.returncode == 1, run.stdout + run.stderr
    errors = [line for line in run.stdout.splitlines() if ": error: " in line]
    assert len(errors) == len(WRONG), run.stdout
    for i, (error, (_, message)) in enumerate(zip(errors, WRONG)):
        assert error.startswith(f"{program}:{first + i}: {message}"), (error, message)
    assert run.stdout.rstrip().endswith(f"Found {len(WRONG)} errors in 1 file (checked 1 source "
                                        f"file)"), run.stdout


def test_mypy_checks_the_package_against_its_stub(tmp_path):
    # The installed modules' bodies against their annotations and _core.pyi
    # (mypy reports what it finds in a package named with -p, installed or
    # not). The optional dependencies may be missing; errors in the generated
    # stub itself (nanobind's __eq__ signature) are nanobind's.
    config = MYPY_CONFIG.replace("[mypy-h5py.*]", "[mypy-h5py.*,yaml,pint]") + (
        "[mypy-h5archive._core]\nignore_errors = True\n")
    run = _mypy(tmp_path, "-p", "h5archive", config=config, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.match(r"Success: no issues found in \d+ source files", run.stdout), run.stdout
