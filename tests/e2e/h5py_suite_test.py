"""End to end: h5py's own test suite (`python -m pytest --pyargs h5py`, the
venv's h5py built on the project's HDF5) gives the same outcome, test by test,
in every environment build/env.sh sets up as it does natively:

  native     the venv's python, no HDF5 variables, env.sh not sourced
  env.sh     `source build/env.sh`: HDF5 stays native (python from its PATH)
  connector  env.sh + `h5archive_vol_on ROOT`: HDF5_VOL_CONNECTOR and
             HDF5_PLUGIN_PATH, every file opened through the connector
  probe      env.sh + `h5archive_vol_on` without HDF5_VOL_CONNECTOR: HDF5
             asks the plugin about every file its native open fails on

Before its suite each shell checks that it is the environment it claims to be
(the connector opens an /uploads/ name, the probe finds one under
$H5ARCHIVE_ROOT, a missing plain file is FileNotFoundError). Native failures
(test_append_permissions fails as root) are allowed only if every environment
has them too. h5py's MPI tests need an MPI build and pytest-mpi: deselected.

A test whose outcome differs is run again, alone, natively and in that
environment: only a difference that comes back fails (h5py's suite has a few
timing-dependent multiprocess tests, and this machine may be busy).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from checks import check, finish

PYTHON = os.environ.get("H5ARCHIVE_PYTHON") or sys.executable
ENV_SH = os.environ["H5ARCHIVE_ENV_SH"]
PYTEST = ["-m", "pytest", "--pyargs", "-q", "-p", "no:cacheprovider", "-m", "not mpi"]

# Shell lines run after `source env.sh`, before the suite, per environment.
UNSET = ('test -z "${HDF5_VOL_CONNECTOR+x}${HDF5_PLUGIN_PATH+x}" '
         '|| { echo "an HDF5 variable is set" >&2; exit 3; }\n')
SETUP = {
    # env.sh sets no HDF5 variable; h5archive_vol_on sets both, _off unsets both.
    "env.sh": UNSET + 'h5archive_vol_on "$ROOT"\n'
              'test -n "$HDF5_VOL_CONNECTOR"\ntest -n "$HDF5_PLUGIN_PATH"\n'
              'h5archive_vol_off\n' + UNSET + 'python -c "$CHECK_NATIVE"',
    "connector": 'h5archive_vol_on "$ROOT"\n'
                 'python -c "$CHECK_CONNECTOR"',
    "probe": 'h5archive_vol_on "$ROOT"\nunset HDF5_VOL_CONNECTOR\n'
             'export H5ARCHIVE_ROOT="$ROOT"\n'
             'python -c "$CHECK_PROBE"',
}

CHECK_COMMON = """
import os, sys, h5py
assert os.path.realpath(sys.prefix) == os.path.realpath(os.environ['VENV_PREFIX']), sys.prefix
try:
    h5py.File(os.path.join(os.environ['WORK'], 'missing.h5'), 'r')
    raise SystemExit('a missing plain file opened')
except FileNotFoundError:
    pass
"""
CHECK_NATIVE = CHECK_COMMON + """
assert 'HDF5_VOL_CONNECTOR' not in os.environ and 'HDF5_PLUGIN_PATH' not in os.environ
"""
CHECK_UPLOADS = CHECK_COMMON + """
with h5py.File('/uploads/up/raw/x.h5', 'r') as f:
    assert f['v'][()] == 7.0
"""
CHECK_CONNECTOR = CHECK_UPLOADS + """
assert os.environ['HDF5_VOL_CONNECTOR'].startswith('h5archive root=')
"""
CHECK_PROBE = CHECK_UPLOADS + """
assert 'HDF5_VOL_CONNECTOR' not in os.environ and os.environ['HDF5_PLUGIN_PATH']
"""


def base_env(work, name):
    """os.environ without HDF5's variables, with a temporary folder per run."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("HDF5_VOL_CONNECTOR", "HDF5_PLUGIN_PATH", "H5ARCHIVE_ROOT")}
    tmp = os.path.join(work, "tmp-" + name)
    os.makedirs(tmp, exist_ok=True)
    env.update(H5ARCHIVE_ENV_SH=ENV_SH, TMPDIR=tmp, WORK=work, ROOT=os.path.join(work, "staging"),
               VENV_PREFIX=os.path.dirname(os.path.dirname(PYTHON)),  # <venv>/bin/python
               CHECK_NATIVE=CHECK_NATIVE, CHECK_CONNECTOR=CHECK_CONNECTOR,
               CHECK_PROBE=CHECK_PROBE)
    return env, tmp


# A pytest plugin, loaded with -p: writes {node id: [outcome, test]} to
# $H5PY_SUITE_REPORT, a test named by the absolute path of its file (the same
# in every run, and what a rerun is given).
PLUGIN = """
import json, os
RESULTS = {}
RANK = {"passed": 0, "skipped": 1, "xfailed": 1, "xpassed": 2, "failed": 3, "error": 4}

def pytest_collection_finish(session):  # the tests that run: none deselected
    for item in session.items:
        RESULTS[item.nodeid] = ["passed", str(item.path) + "::" + item.nodeid.split("::", 1)[1]]

def pytest_runtest_logreport(report):
    xfail = hasattr(report, "wasxfail")
    if report.failed:
        outcome = "failed" if report.when == "call" else "error"
    elif report.skipped:
        outcome = "xfailed" if xfail else "skipped"
    elif report.when == "call" and xfail:
        outcome = "xpassed"
    else:
        return
    entry = RESULTS.setdefault(report.nodeid, ["passed", report.nodeid])
    if RANK[outcome] > RANK[entry[0]]:
        entry[0] = outcome

def pytest_sessionfinish(session):
    with open(os.environ["H5PY_SUITE_REPORT"], "w") as f:
        json.dump(RESULTS, f)
"""


def pytest(work, name, select=()):
    """Runs the suite (or the tests in `select`) in environment `name`;
    returns {test: outcome} and the elapsed seconds."""
    env, tmp = base_env(work, name)
    report = os.path.join(tmp, "report.json")
    if os.path.exists(report):
        os.remove(report)
    env.update(H5PY_SUITE_REPORT=report, PYTHONPATH=work)
    args = PYTEST + ["-p", "h5py_suite_outcomes"] + (list(select) or ["h5py"])
    if name == "native":
        cmd = [PYTHON] + args
    else:
        script = ('set -e\nsource "$H5ARCHIVE_ENV_SH"\n' + SETUP[name] +
                  '\nexec python "$@"')
        cmd = ["bash", "-c", script, "bash"] + args
    start = time.monotonic()
    # The suite runs from its temporary folder: pytest's rootdir, h5py's files.
    p = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=500)
    elapsed = time.monotonic() - start
    if not os.path.exists(report):
        print(p.stdout[-3000:], p.stderr[-3000:])
        raise SystemExit(f"{name}: the suite did not run (exit {p.returncode})")
    with open(report) as f:
        return {test: outcome for outcome, test in json.load(f).values()}, elapsed


def outcome_of(results, test):
    return results.get(test, "absent")


def make_staging(root):
    """One upload `up` with raw/x.h5 (v = 7.0), in the default layout."""
    import h5py
    raw = os.path.join(root, "up", "up", "raw")
    os.makedirs(raw)
    os.makedirs(os.path.join(root, "up", "up", "archive"))
    with h5py.File(os.path.join(raw, "x.h5"), "w") as f:
        f["v"] = 7.0


def main():
    base = os.environ.get("E2E_TMP") or tempfile.gettempdir()
    os.makedirs(base, exist_ok=True)
    work = tempfile.mkdtemp(prefix="h5py_suite-", dir=base)
    try:
        probe = subprocess.run([PYTHON, "-c", "import pytest"], capture_output=True)
        if probe.returncode != 0:
            raise SystemExit(f"pytest is not installed for {PYTHON}: run tools/bootstrap.sh")
        make_staging(os.path.join(work, "staging"))
        with open(os.path.join(work, "h5py_suite_outcomes.py"), "w") as f:
            f.write(PLUGIN)
        native, seconds = pytest(work, "native")
        counts = {o: list(native.values()).count(o) for o in sorted(set(native.values()))}
        print(f"native: {len(native)} tests in {seconds:.0f} s: {counts}")
        for test in sorted(t for t, o in native.items() if o in ("failed", "error")):
            print(f"  natively {native[test]}: {test}")  # e.g. permission tests as root
        check(len(native) > 500 and counts.get("passed", 0) > 500,
              "h5py's suite ran natively (more than 500 tests passed)")
        for name in ("env.sh", "connector", "probe"):
            results, seconds = pytest(work, name)
            print(f"{name}: {len(results)} tests in {seconds:.0f} s")
            differ = sorted(t for t in set(native) | set(results)
                            if outcome_of(native, t) != outcome_of(results, t))
            if differ:
                print(f"{name}: {len(differ)} outcome(s) differ; running them again")
                again_native, _ = pytest(work, "native", differ)
                again, _ = pytest(work, name, differ)
                for t in differ:
                    print(f"  {t}: native {outcome_of(native, t)}, then "
                          f"{outcome_of(again_native, t)}; {name} {outcome_of(results, t)}, then "
                          f"{outcome_of(again, t)}")
                # A test the rerun does not find counts as a difference.
                differ = [t for t in differ if t not in again_native or
                          outcome_of(again_native, t) != outcome_of(again, t)]
            check(not differ, f"{name}: every h5py test has its native outcome")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
