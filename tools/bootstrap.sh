#!/usr/bin/env bash
# Installs everything h5archive needs on a fresh Debian 12 machine; a second run
# only checks. Called by `make demo` and `make test`.
#
#   H5ARCHIVE_CACHE        cache folder (default $HOME/.cache/h5archive)
#   H5ARCHIVE_HDF5_PREFIX  HDF5 1.14.5 install prefix (default $CACHE/hdf5-1.14.5)
#   H5ARCHIVE_VENV         Python venv with numpy + h5py on that HDF5 (+ pytest)
#                          (default $CACHE/venv-hdf5-1.14.5)
#   H5ARCHIVE_JOBS         parallel build jobs (default 2)
#   H5ARCHIVE_HDF5_2_HEADERS  HDF5 2.x headers for the Python wheel (default
#                          $CACHE/hdf5-headers-<version>, from Debian sid's libhdf5-dev)
set -euo pipefail

HDF5_VERSION=1.14.5
HDF5_DEBIAN_VERSION=1.14.5+repack-3
CACHE=${H5ARCHIVE_CACHE:-$HOME/.cache/h5archive}
PREFIX=${H5ARCHIVE_HDF5_PREFIX:-$CACHE/hdf5-$HDF5_VERSION}
VENV=${H5ARCHIVE_VENV:-$CACHE/venv-hdf5-$HDF5_VERSION}
JOBS=${H5ARCHIVE_JOBS:-2}
SRC_DIR=$CACHE/src/hdf5-$HDF5_DEBIAN_VERSION

say() { printf '[bootstrap] %s\n' "$*"; }
die() { printf '[bootstrap] error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@";
  else die "need root (or sudo) to run: $*"; fi
}

# --- 1. Debian packages ----------------------------------------------------
PACKAGES=(cmake ninja-build g++ pkg-config zlib1g-dev nlohmann-json3-dev libfmt-dev
          libgtest-dev libgmock-dev libcli11-dev dpkg-dev python3-venv clang-format make
          strace valgrind clang libclang-rt-14-dev libcpp-httplib-dev chromium
          linux-perf   # perf: where streaming time goes (docs/benchmarks.md)
          python3-dev)  # Python.h: the bindings of the wheel (python/src/)
# `h5archive serve`'s H5Web page is bundled from npm (web/): Node.js and npm
# come from Debian unless some other install already provides them.
command -v npm >/dev/null || PACKAGES+=(nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
else
  say "Debian packages: all present"
fi

# --- 2. HDF5 1.14.5 from Debian's own source package ------------------------
fetch_hdf5_source() {
  local apt_dir=$CACHE/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$CACHE/src"
  # A private apt configuration: the system's sources stay untouched.
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    >"$apt_dir/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
              -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::Archives=$apt_dir/archives"
              -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
  say "fetching Debian source package hdf5 $HDF5_DEBIAN_VERSION (trixie)"
  apt-get "${opts[@]}" update >/dev/null || die "apt-get update with the private trixie sources failed (network to deb.debian.org?)"
  (cd "$CACHE/src" && apt-get "${opts[@]}" source --download-only "hdf5=$HDF5_DEBIAN_VERSION") \
    || die "could not download hdf5=$HDF5_DEBIAN_VERSION from trixie"
  rm -rf "$SRC_DIR"
  (cd "$CACHE/src" && dpkg-source --no-check -x "hdf5_${HDF5_DEBIAN_VERSION}.dsc" "$SRC_DIR" >/dev/null) \
    || die "dpkg-source could not unpack hdf5_${HDF5_DEBIAN_VERSION}.dsc"
}

hdf5_ok() { [ -x "$PREFIX/bin/h5dump" ] && "$PREFIX/bin/h5dump" --version 2>/dev/null | grep -q "$HDF5_VERSION"; }

if hdf5_ok; then
  say "HDF5 $HDF5_VERSION: present in $PREFIX"
else
  [ -f "$SRC_DIR/CMakeLists.txt" ] || fetch_hdf5_source
  say "building HDF5 $HDF5_VERSION into $PREFIX (a few minutes)"
  build=$CACHE/build/hdf5-$HDF5_VERSION
  rm -rf "$build"
  cmake -S "$SRC_DIR" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" \
    -DBUILD_SHARED_LIBS=ON -DBUILD_STATIC_LIBS=OFF -DONLY_SHARED_LIBS=ON \
    -DHDF5_BUILD_HL_LIB=ON -DHDF5_BUILD_TOOLS=ON -DHDF5_BUILD_UTILS=ON \
    -DBUILD_TESTING=OFF -DHDF5_BUILD_EXAMPLES=OFF -DHDF5_BUILD_FORTRAN=OFF \
    -DHDF5_BUILD_JAVA=OFF -DHDF5_BUILD_CPP_LIB=OFF -DHDF5_ENABLE_Z_LIB_SUPPORT=ON \
    -DHDF5_ENABLE_SZIP_SUPPORT=OFF -DHDF5_BUILD_DOC=OFF \
    -DCMAKE_INSTALL_RPATH="$PREFIX/lib" >"$CACHE/hdf5-configure.log" 2>&1 \
    || die "HDF5 configure failed; see $CACHE/hdf5-configure.log"
  cmake --build "$build" -j "$JOBS" >"$CACHE/hdf5-build.log" 2>&1 \
    || die "HDF5 build failed; see $CACHE/hdf5-build.log"
  cmake --install "$build" >"$CACHE/hdf5-install.log" 2>&1 \
    || die "HDF5 install failed; see $CACHE/hdf5-install.log"
  hdf5_ok || die "$PREFIX/bin/h5dump --version does not print $HDF5_VERSION; remove $PREFIX and run again"
  say "HDF5 $HDF5_VERSION installed"
fi

# --- 3. Python: numpy + h5py built from source against that HDF5 ----------
h5py_ok() {
  [ -x "$VENV/bin/python" ] &&
    "$VENV/bin/python" -c "import h5py,sys; sys.exit(h5py.version.hdf5_version != '$HDF5_VERSION')" 2>/dev/null
}
if h5py_ok; then
  say "h5py on HDF5 $HDF5_VERSION: present in $VENV"
else
  say "building h5py from source against $PREFIX (a few minutes)"
  python3 -m venv "$VENV" || die "python3 -m venv failed (install python3-venv)"
  "$VENV/bin/pip" install --quiet --upgrade pip >/dev/null
  "$VENV/bin/pip" install --quiet numpy || die "pip install numpy failed"
  HDF5_DIR="$PREFIX" HDF5_VERSION=$HDF5_VERSION "$VENV/bin/pip" install --quiet \
    --no-binary h5py --no-cache-dir --force-reinstall h5py >"$CACHE/h5py-build.log" 2>&1 \
    || die "building h5py failed; see $CACHE/h5py-build.log"
  h5py_ok || die "h5py in $VENV does not report HDF5 $HDF5_VERSION; remove $VENV and run again"
  say "h5py installed"
fi

# pytest runs h5py's own test suite in tests/e2e/h5py_suite_test.py. Pinned,
# so every machine runs the suite the same way.
PYTEST_VERSION=9.2.0
if "$VENV/bin/python" -c "import pytest,sys; sys.exit(pytest.__version__ != '$PYTEST_VERSION')" 2>/dev/null; then
  say "pytest $PYTEST_VERSION: present in $VENV"
else
  say "installing pytest $PYTEST_VERSION into $VENV"
  "$VENV/bin/pip" install --quiet "pytest==$PYTEST_VERSION" || die "pip install pytest==$PYTEST_VERSION failed"
fi

# h5grove (with its Tornado handlers), the reference `h5archive serve` is
# compared with (tests/e2e/serve_api_test.py) and measured against (make bench).
# h5py is already there, so pip leaves it (built against our HDF5) alone.
H5GROVE_VERSION=4.0.0
if "$VENV/bin/python" -c "import tornado,sys,importlib.metadata as m; sys.exit(m.version('h5grove') != '$H5GROVE_VERSION')" 2>/dev/null; then
  say "h5grove $H5GROVE_VERSION: present in $VENV"
else
  say "installing h5grove[tornado]==$H5GROVE_VERSION into $VENV"
  "$VENV/bin/pip" install --quiet "h5grove[tornado]==$H5GROVE_VERSION" \
    || die "pip install h5grove[tornado]==$H5GROVE_VERSION failed"
fi

# --- 4. HDF5 2.x headers for the Python wheel (make wheel) -----------------
# h5py's PyPI wheels carry HDF5 2.0's library but no headers. Debian sid's
# libhdf5-dev is only unpacked into the cache, never installed: its programs
# need a newer glibc than Debian 12's. 2.2's VOL and driver structures are
# those of 2.0 (docs/python.md, "Versions"); the wheel links to 2.0 itself.
HDF5_2_DEBIAN_VERSION=2.2.0+repack-6
HDF5_2_HEADERS=${H5ARCHIVE_HDF5_2_HEADERS:-$CACHE/hdf5-headers-${HDF5_2_DEBIAN_VERSION%%+*}}
if grep -q '#define H5_VERS_MAJOR 2' "$HDF5_2_HEADERS/include/H5public.h" 2>/dev/null; then
  say "HDF5 2.x headers: present in $HDF5_2_HEADERS"
else
  apt_dir=$CACHE/apt-sid
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" \
    >"$apt_dir/sources.list"
  opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
        -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache::Archives=$apt_dir/archives"
        -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
  say "fetching libhdf5-dev $HDF5_2_DEBIAN_VERSION (sid) for its headers"
  apt-get "${opts[@]}" update >/dev/null || die "apt-get update with the private sid sources failed"
  (cd "$apt_dir/archives" && apt-get "${opts[@]}" download "libhdf5-dev=$HDF5_2_DEBIAN_VERSION" >/dev/null) \
    || die "could not download libhdf5-dev=$HDF5_2_DEBIAN_VERSION from sid"
  unpacked=$CACHE/build/libhdf5-dev-$HDF5_2_DEBIAN_VERSION
  rm -rf "$unpacked" "$HDF5_2_HEADERS"
  dpkg -x "$apt_dir/archives/libhdf5-dev_${HDF5_2_DEBIAN_VERSION/:/%3a}_amd64.deb" "$unpacked" \
    || die "dpkg -x of libhdf5-dev failed"
  mkdir -p "$HDF5_2_HEADERS"
  cp -r "$unpacked/usr/include/hdf5/serial" "$HDF5_2_HEADERS/include"
  rm -rf "$unpacked"
  say "HDF5 2.x headers unpacked into $HDF5_2_HEADERS"
fi

# Where the rest of the build finds things.
cat >"$CACHE/paths.mk" <<MK
HDF5_PREFIX := $PREFIX
H5ARCHIVE_VENV := $VENV
HDF5_SOURCE := $SRC_DIR
MK
say "ok"
