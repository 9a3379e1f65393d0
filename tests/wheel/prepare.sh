#!/usr/bin/env bash
# CTest fixture of the wheel tests (tests/wheel/CMakeLists.txt): builds the
# wheel (tools/wheel.sh, incremental) into WORK, the connector's unit tests
# and the linked example in the wheel's CMake folder (WORK/cmake, against
# h5py's libhdf5), and a fresh venv WORK/venv holding only PyPI's h5py and
# numpy (pulled by the wheel's pin) plus the wheel; pytest in WORK/pytest.
#
#   H5ARCHIVE_WHEEL_H5PY=<version> tests/wheel/prepare.sh WORK
set -euo pipefail
PYTEST_VERSION=9.2.0  # runs tests/wheel/*_pytest.py (the bindings)
# The bindings' optional dependencies, so that schema_pytest.py runs their
# paths (units as pint Quantities, YAML schemas); it also runs without them.
PINT_VERSION=0.25.3 PYYAML_VERSION=6.0.3  # pint 0.26 needs Python 3.12
# typing_pytest.py type-checks a user's program against the annotations.
MYPY_VERSION=2.4.1
WORK=$1
HERE=$(cd "$(dirname "$0")/../.." && pwd)
H5ARCHIVE_WHEEL_TESTS=ON "$HERE/tools/wheel.sh" "$WORK"
cmake --build "$WORK/cmake" -j "${H5ARCHIVE_JOBS:-2}" --target connector_errors_test \
  connector_info_test connector_names_test connector_stacking_test h5archive_read_entry \
  >"$WORK/tests-build.log" 2>&1 || { cat "$WORK/tests-build.log"; exit 1; }
rm -rf "$WORK/venv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --upgrade pip >/dev/null
"$WORK/venv/bin/pip" install --quiet --only-binary :all: "$WORK"/dist/h5archive-*.whl
# pytest beside the venv, not in it: the venv stays what a user has
# (wheel_test.py checks that), *_pytest.py suites get it on PYTHONPATH.
rm -rf "$WORK/pytest"
# nanobind (the build's version) for its stub generator: stubs_pytest.py
# checks that the shipped _core.pyi is what the module holds.
NANOBIND_VERSION=$(sed -n 's/^NANOBIND_VERSION=\([0-9.]*\).*/\1/p' "$HERE/tools/wheel.sh")
"$WORK/venv/bin/pip" install --quiet --target "$WORK/pytest" "pytest==$PYTEST_VERSION" \
  "pint==$PINT_VERSION" "PyYAML==$PYYAML_VERSION" "nanobind==$NANOBIND_VERSION" \
  "mypy==$MYPY_VERSION"
"$WORK/venv/bin/python" -m h5archive version
