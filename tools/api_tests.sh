#!/usr/bin/env bash
# Runs HDF5's own VOL API test suite (test/API of the 1.14.5 source that
# tools/bootstrap.sh downloaded) natively and through the h5archive connector
# (alone, over HDF5's pass_through connector, and with every test file named
# /uploads/api_tests/raw/<file> so the name mapping is exercised too), and
# prints passed / failed / skipped for each. Figures: docs/benchmarks.md.
#
#   tools/api_tests.sh <build-dir>        (make apitests)
#
# The suite is built from the cached HDF5 source into the cache's HDF5 build
# folder; nothing of it enters this repository.
set -euo pipefail
BUILD=${1:-build}
BUILD=$(cd "$BUILD" && pwd)
CACHE=${H5ARCHIVE_CACHE:-$HOME/.cache/h5archive}
HDF5_BUILD=$CACHE/build/hdf5-1.14.5
RESULTS=${API_TEST_RESULTS:-$BUILD/api-tests}

die() { printf 'api_tests: error: %s\n' "$*" >&2; exit 1; }
[ -f "$HDF5_BUILD/CMakeCache.txt" ] || die "no HDF5 build folder at $HDF5_BUILD; run tools/bootstrap.sh first"
[ -f "$BUILD/plugins/libh5archive_vol.so" ] || die "no connector in $BUILD/plugins; build the project first"

runner=$HDF5_BUILD/bin/h5_api_test
if [ ! -x "$runner" ]; then
  echo "api_tests: building h5_api_test from the HDF5 source (once)"
  cmake "$HDF5_BUILD" -DBUILD_TESTING=ON -DHDF5_TEST_API=ON -DHDF5_TEST_SERIAL=ON \
    -DHDF5_TEST_PARALLEL=OFF -DHDF5_TEST_TOOLS=OFF -DHDF5_TEST_EXAMPLES=OFF -DHDF5_TEST_CPP=OFF \
    -DHDF5_TEST_FORTRAN=OFF -DHDF5_TEST_JAVA=OFF -DHDF5_TEST_VFD=OFF \
    -DHDF5_TEST_PASSTHROUGH_VOL=OFF >"$CACHE/api-tests-configure.log" 2>&1 \
    || die "configure failed; see $CACHE/api-tests-configure.log"
  cmake --build "$HDF5_BUILD" -j "${H5ARCHIVE_JOBS:-2}" --target h5_api_test \
    >"$CACHE/api-tests-build.log" 2>&1 || die "build failed; see $CACHE/api-tests-build.log"
fi

mkdir -p "$RESULTS"
run() {  # name, connector string ("" = native), test file prefix ("" = working folder)
  local name=$1 conn=$2 prefix=${3:-} dir=$RESULTS/$1
  rm -rf "$dir"; mkdir -p "$dir/staging"
  # Upload api_tests (shard folder "ap": prefix_size 2) receives the files
  # named /uploads/api_tests/raw/... when a prefix is given.
  mkdir -p "$dir/staging/ap/api_tests/raw" "$dir/staging/ap/api_tests/archive"
  (cd "$dir" && env HDF5_PLUGIN_PATH="$BUILD/plugins" ${conn:+HDF5_VOL_CONNECTOR="$conn"} \
     ${prefix:+HDF5_API_TEST_PATH_PREFIX="$prefix"} "$runner" >output.log 2>&1) || true
  local passed failed skipped
  passed=$(sed -nE 's|^([0-9]+)/([0-9]+) .* tests passed with VOL connector.*|\1/\2|p' "$dir/output.log")
  failed=$(sed -nE 's|^([0-9]+)/([0-9]+) .* tests did not pass with VOL connector.*|\1|p' "$dir/output.log")
  skipped=$(sed -nE 's|^([0-9]+)/([0-9]+) .* tests were skipped with VOL connector.*|\1|p' "$dir/output.log")
  printf '%-28s passed %-10s failed %-5s skipped %s\n' "$name" "${passed:-?}" "${failed:-?}" "${skipped:-?}"
  # Name the failing tests (the summary only counts them).
  grep -F '*FAILED*' "$dir/output.log" | sed -E 's/^ *(.*[^ ]) *\*FAILED\*$/    FAILED: \1/' || true
}
run native ""
run h5archive "h5archive root=$RESULTS/h5archive/staging"
run h5archive_over_passthrough \
  "h5archive root=$RESULTS/h5archive_over_passthrough/staging;under_vol=1;under_info={under_vol=0;under_info={}}"
# Every test file named /uploads/api_tests/raw/<file>: the name mapping itself
# under the whole suite (file create, open, is_accessible, delete, get_name).
run h5archive_uploads_names "h5archive root=$RESULTS/h5archive_uploads_names/staging" \
  /uploads/api_tests/raw/
echo "logs: $RESULTS/<name>/output.log"
