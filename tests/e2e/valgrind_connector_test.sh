#!/usr/bin/env bash
# The connector under valgrind memcheck: h5dump and h5ls by /uploads name and
# by whole reference (reading, following the external link, refusing bad
# names), h5dump writing nothing but opening a raw file, and the linked C
# example. Each run must exit as it does without valgrind and valgrind must
# report no error and no definite, indirect or possible leak
# (--error-exitcode). No suppression is needed on this HDF5 build; should one
# become necessary, it goes in tools/valgrind.supp with the reason.
set -euo pipefail
# valgrind cannot run programs that have AddressSanitizer preloaded (make
# test-asan): skipped there (ctest reports it as skipped, not passed).
if [[ "${H5ARCHIVE_UNDER_ASAN:-}" == 1 ]]; then
  echo "skipped under AddressSanitizer"
  exit 77
fi
mkdir -p "$E2E_TMP"
tmp=$(mktemp -d "$E2E_TMP/valgrind_connector.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root="$tmp/staging"
"$H5ARCHIVE_BIN/h5archive" --root "$root" demo >/dev/null

supp=$(dirname "$0")/../../tools/valgrind.supp
vg=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99
    --suppressions="$supp")
export HDF5_PLUGIN_PATH="$H5ARCHIVE_PLUGINS" HDF5_VOL_CONNECTOR="h5archive root=$root"
failures=0
run() {  # run EXPECTED_RC PROGRAM ARGS...
  local expected=$1 rc=0
  shift
  "${vg[@]}" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if [[ $rc -ne $expected ]] || grep -q '^==[0-9]*==' "$tmp/err"; then
    echo "FAIL (exit $rc, expected $expected): $*"
    grep '^==[0-9]*==' "$tmp/err" | head -40
    failures=$((failures + 1))
  else
    echo "ok   clean under memcheck (exit $rc): ${*##*/}"
  fi
}
entry=/uploads/test_upload/archive/test_entry
run 0 "$HDF5_BIN/h5dump" -d /data/value "$entry"
run 0 "$HDF5_BIN/h5dump" -d /data/value_external "$entry"
run 0 "$HDF5_BIN/h5dump" -d /data/value "$entry#/data/value"
run 0 "$HDF5_BIN/h5ls" -r "$entry"
run 0 "$HDF5_BIN/h5dump" /uploads/test_upload/raw/external.h5
run 1 "$HDF5_BIN/h5dump" /uploads/no_such_upload/raw/x.h5
run 1 "$HDF5_BIN/h5dump" /uploads/test_upload/raw/../../outside.h5
run 1 "$HDF5_BIN/h5dump" /uploads/test_upload/archive/missing_entry
unset HDF5_VOL_CONNECTOR
run 0 "$H5ARCHIVE_BIN/h5archive_read_entry" "$root"
[[ $failures -eq 0 ]] || { echo "$failures run(s) not clean"; exit 1; }
echo "valgrind connector test passed"
