#!/usr/bin/env bash
# `make wheel`: builds the Python wheel (pyproject.toml, python/) against the
# libhdf5 inside PyPI's h5py wheel, into WORK/dist (WORK: default build/wheel).
#
#   tools/wheel.sh [WORK]
#
#   H5ARCHIVE_CACHE            cache folder (default $HOME/.cache/h5archive)
#   H5ARCHIVE_WHEEL_H5PY       h5py version to build for (default below)
#   H5ARCHIVE_WHEEL_TESTS=ON   also configure the connector's unit tests in the
#                              wheel's CMake build folder (tests/wheel/run.sh)
#
# The build venv ($CACHE/venv-wheel-h5py-<version>) holds PyPI's h5py, numpy,
# scikit-build-core and nanobind; the headers are the bootstrap's (HDF5 2.x: Debian
# sid's, 1.14: the 1.14.5 build). CMake's build folder stays in WORK/cmake,
# so a second run only recompiles what changed.
set -euo pipefail
H5PY_VERSION=${H5ARCHIVE_WHEEL_H5PY:-3.16.0}
SKBUILD_VERSION=1.1.2
NANOBIND_VERSION=3.1.0  # the bindings (python/src/): a build requirement
CACHE=${H5ARCHIVE_CACHE:-$HOME/.cache/h5archive}
HERE=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mkdir -p "${1:-$HERE/build/wheel}" && cd "${1:-$HERE/build/wheel}" && pwd)
OUT=$WORK/dist
VENV=$CACHE/venv-wheel-h5py-$H5PY_VERSION

say() { printf '[wheel] %s\n' "$*"; }
die() { printf '[wheel] error: %s\n' "$*" >&2; exit 1; }

# The bootstrap's (tools/bootstrap.sh; the Makefile passes the same defaults).
HDF5_2_HEADERS=${H5ARCHIVE_HDF5_2_HEADERS:-$CACHE/hdf5-headers-2.2.0}
HDF5_1_14_PREFIX=${H5ARCHIVE_HDF5_PREFIX:-$CACHE/hdf5-1.14.5}

venv_ok() {
  "$VENV/bin/python" -c "import h5py, scikit_build_core, sys
sys.exit(h5py.__version__ != '$H5PY_VERSION' or scikit_build_core.__version__ != '$SKBUILD_VERSION')" 2>/dev/null
}
if ! venv_ok; then
  say "build venv $VENV: h5py $H5PY_VERSION, numpy, scikit-build-core $SKBUILD_VERSION from PyPI"
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed"
  "$VENV/bin/pip" install --quiet --upgrade pip >/dev/null
  # --only-binary: the HDF5 to link is the one inside h5py's wheel.
  "$VENV/bin/pip" install --quiet --only-binary h5py "h5py==$H5PY_VERSION" numpy \
    "scikit-build-core==$SKBUILD_VERSION" || die "pip install into $VENV failed"
  venv_ok || die "$VENV does not hold h5py $H5PY_VERSION"
fi
# Added to the venv when missing, so that venvs made before the bindings keep
# their h5py (and the build folder its compiled objects).
if ! "$VENV/bin/python" -c "import nanobind, sys
sys.exit(nanobind.__version__ != '$NANOBIND_VERSION')" 2>/dev/null; then
  say "build venv $VENV: nanobind $NANOBIND_VERSION from PyPI"
  "$VENV/bin/pip" install --quiet "nanobind==$NANOBIND_VERSION" || die "pip install nanobind failed"
fi

hdf5=$("$VENV/bin/python" -c "import h5py; print(h5py.version.hdf5_version)")
case $hdf5 in
  2.*) include=$HDF5_2_HEADERS/include ;;
  1.14.*) include=$HDF5_1_14_PREFIX/include ;;
  *) die "h5py $H5PY_VERSION bundles HDF5 $hdf5; h5archive builds against 1.14 or 2.x" ;;
esac
[ -f "$include/H5public.h" ] || die "no HDF5 headers in $include: run tools/bootstrap.sh (make setup)"
say "h5py $H5PY_VERSION (HDF5 $hdf5), headers $include"
rm -f "$OUT"/h5archive-*.whl
# Inside the venv: no build isolation, so the wheel is built for its h5py.
(cd "$HERE" && "$VENV/bin/pip" wheel . --quiet --no-build-isolation --no-deps -w "$OUT" \
  -C "build-dir=$WORK/cmake" -C "cmake.define.H5ARCHIVE_HDF5_INCLUDE_DIR=$include" \
  -C "cmake.define.H5ARCHIVE_BUILD_TESTS=${H5ARCHIVE_WHEEL_TESTS:-OFF}") \
  || die "building the wheel failed"
ls "$OUT"/h5archive-*.whl
