#!/usr/bin/env bash
# Runs an end-to-end test (tests/wheel/wheel_test.py, a tests/wheel/*_pytest.py
# suite, or one of tests/e2e)
# with the wheel's venv, plugin folder and 2.x-linked programs instead of the
# bootstrap's (tests/wheel/CMakeLists.txt):
#   tests/wheel/with_wheel.sh WORK <test.py | test.sh>
set -euo pipefail
WORK=$1 script=$2
export H5ARCHIVE_PYTHON=$WORK/venv/bin/python
H5ARCHIVE_PLUGINS=$("$H5ARCHIVE_PYTHON" -c "import h5archive; print(h5archive.PLUGIN_DIR)")
export H5ARCHIVE_PLUGINS H5ARCHIVE_BIN=$WORK/cmake/bin
unset HDF5_BIN H5ARCHIVE_ENV_SH LD_LIBRARY_PATH HDF5_PLUGIN_PATH HDF5_VOL_CONNECTOR
case $script in
  *_pytest.py) PYTHONPATH=$WORK/pytest exec "$H5ARCHIVE_PYTHON" -m pytest -q -p no:cacheprovider \
    "$script" ;;
  *.py) exec "$H5ARCHIVE_PYTHON" "$script" ;;
  *) exec bash "$script" ;;
esac
