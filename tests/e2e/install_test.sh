#!/usr/bin/env bash
# End-to-end: `cmake --install` of the build, then another CMake project finds
# it with find_package(h5archive) and uses the library.
set -euo pipefail
build="$(cd "$H5ARCHIVE_BIN/.." && pwd)"
hdf5_prefix="$(cd "$HDF5_BIN/.." && pwd)"
mkdir -p "$E2E_TMP"
work="$(mktemp -d "$E2E_TMP/install_test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >/dev/null || fail "cmake --install failed"
for f in include/h5archive/h5archive.hpp include/h5archive_vol.h lib/cmake/h5archive/h5archiveConfig.cmake \
         lib/hdf5/plugin/libh5archive_vol.so bin/h5archive; do
  [[ -e "$work/prefix/$f" ]] || fail "install lacks $f"
done
src="$(cd "$(dirname "$0")/consumer" && pwd)"
cmake -S "$src" -B "$work/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix;$hdf5_prefix" \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "consumer configure failed"; }
cmake --build "$work/consumer" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "consumer build failed"; }
out="$("$work/consumer/consumer" "$work/staging")" || fail "consumer exited with $?"
[[ "$out" == "e1.h5 float64 1" ]] || fail "consumer printed '$out'"
# The installed CLI runs from its prefix too.
"$work/prefix/bin/h5archive" --root "$work/staging" resolve /uploads/u1/archive/e1#/data/value \
  | grep -qF "\"os_path\": \"$work/staging/u1/u1/archive/e1.h5\"" || fail "installed h5archive resolve"
echo "install_test: ok"
