"""The wheel's typing and documentation: the shipped ``h5archive/_core.pyi``
is what nanobind's stub generator makes of the installed module (so it
cannot drift from the bindings), ``py.typed`` marks the package as typed,
and every public name has a docstring of its own."""
import inspect
import pathlib
import subprocess
import sys

import h5archive

PACKAGE = pathlib.Path(h5archive.__file__).parent


def test_core_stub_is_shipped_and_matches_the_module(tmp_path):
    shipped = PACKAGE / "_core.pyi"
    assert shipped.is_file(), f"{shipped} is not in the wheel"
    generated = tmp_path / "_core.pyi"
    run = subprocess.run([sys.executable, "-m", "nanobind.stubgen", "-q", "-m", "h5archive._core",
                          "-o", str(generated)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert generated.read_text() == shipped.read_text(), (
        "python/h5archive/_core.pyi is stale: regenerate it with "
        "`python -m nanobind.stubgen -m h5archive._core -o python/h5archive/_core.pyi`")


def test_stub_declares_the_bound_classes():
    text = (PACKAGE / "_core.pyi").read_text()
    for name in ("StagingArea", "StagingConfig", "QuantityDef", "SectionDef", "EntryArchive"):
        assert f"class {name}" in text, name


def test_package_is_marked_typed():
    assert (PACKAGE / "py.typed").is_file()


def _own_doc(obj):
    code = obj.fget if isinstance(obj, property) else obj
    native = type(code).__name__ in ("nb_func", "nb_method")
    doc = (obj.__doc__ if isinstance(obj, property) and not native else inspect.getdoc(code))
    doc = doc or ""
    # nanobind puts the signature on the first line: the text is what follows.
    if native:
        doc = "\n".join(doc.splitlines()[1:])
    return doc.strip()


def _public_members(cls):
    for name, value in vars(cls).items():
        if not name.startswith("_") and (callable(value) or isinstance(value, property)):
            yield name, value


def test_every_public_name_has_a_docstring():
    missing = []
    for name in h5archive.__all__:
        obj = getattr(h5archive, name)
        if isinstance(obj, (str, int, type(None))):
            continue
        if not _own_doc(obj):
            missing.append(name)
        if inspect.isclass(obj):
            missing += [f"{name}.{member}" for member, value in _public_members(obj)
                        if not _own_doc(value)]
    assert missing == []
