#!/usr/bin/env bash
# End-to-end: `h5archive demo` and `h5archive resolve`, checked with h5dump.
set -euo pipefail
work="$(mktemp -d "${E2E_TMP:-/tmp}/demo_test.XXXXXX" 2>/dev/null || { mkdir -p "${E2E_TMP:-/tmp}"; mktemp -d "${E2E_TMP:-/tmp}/demo_test.XXXXXX"; })"
trap 'rm -rf "$work"' EXIT
cli="$H5ARCHIVE_BIN/h5archive"
root="$work/staging"
fail() { echo "FAIL: $*" >&2; exit 1; }

out="$("$cli" --root "$root" demo)" || fail "demo exited with $?"
upload="$root/te/test_upload"
for f in raw/external.h5 archive/test_entry.h5 archive/test_entry.json; do
  [[ -f "$upload/$f" ]] || fail "missing $upload/$f"
  grep -q "$upload/$f" <<<"$out" || fail "demo output does not name $f"
done
grep -q "/uploads/test_upload/archive/test_entry#/data/value" <<<"$out" || fail "no value reference in output"
grep -q "external.h5#/path/to/data" <<<"$out" || fail "no value_external reference in output"
# --root after the subcommand, and a second run (reassignment keeps shape/dtype).
"$cli" demo --root "$root" >/dev/null || fail "second demo run failed"

dump="$("$HDF5_BIN/h5dump" "$upload/archive/test_entry.h5")"
grep -q 'DATASET "value"' <<<"$dump" || fail "no /data/value"
grep -q 'SIMPLE { ( 5, 5 ) / ( 5, 5 ) }' <<<"$dump" || fail "/data/value is not 5x5"
grep -q '(0,0): 1, 0, 0, 0, 0,' <<<"$dump" || fail "row 0 of eye(5)"
grep -q '(4,0): 0, 0, 0, 0, 1' <<<"$dump" || fail "row 4 of eye(5)"
grep -q 'EXTERNAL_LINK "value_external"' <<<"$dump" || fail "no external link"
grep -q 'TARGETFILE "../raw/external.h5"' <<<"$dump" || fail "link target file is not relative"
grep -q 'TARGETPATH "/path/to/data"' <<<"$dump" || fail "link target path"
grep -q '(2,0): 8, 9, 10, 11' <<<"$dump" || fail "external data not read through the link"
attr="$("$HDF5_BIN/h5dump" -a /data/value/long_name "$upload/archive/test_entry.h5")"
grep -q '"value"' <<<"$attr" || fail "long_name attribute"

json="$("$cli" --root "$root" resolve external.h5#/path/to/data --upload test_upload)"
for kv in '"upload_id": "test_upload"' '"directory": "raw"' '"file": "external.h5"' \
          '"path": "/path/to/data"' '"dataset": "/path/to/data"' \
          "\"os_path\": \"$upload/raw/external.h5\""; do
  grep -qF "$kv" <<<"$json" || fail "resolve output lacks $kv: $json"
done
json="$("$cli" resolve /uploads/test_upload/archive/test_entry#/data/value --root "$root")"
grep -qF "\"os_path\": \"$upload/archive/test_entry.h5\"" <<<"$json" || fail "archive resolve: $json"

set +e
"$cli" --root "$root" resolve >/dev/null 2>&1; rc=$?
[[ $rc -eq 2 ]] || fail "missing REF exits $rc, not 2"
"$cli" --root "$root" frobnicate >/dev/null 2>&1; rc=$?
[[ $rc -eq 2 ]] || fail "unknown subcommand exits $rc, not 2"
err="$("$cli" --root "$root" resolve 'raw.h5' 2>&1 >/dev/null)"; rc=$?
[[ $rc -eq 1 ]] || fail "bad reference exits $rc, not 1"
[[ "$err" == "h5archive: error: Invalid HDF5 reference: raw.h5." ]] || fail "bad reference message: $err"
err="$("$cli" --root "$root" resolve '../../etc/passwd#/x' --upload test_upload 2>&1 >/dev/null)"; rc=$?
[[ $rc -eq 1 ]] || fail "escaping reference exits $rc, not 1"
"$cli" --help >/dev/null; rc=$?
[[ $rc -eq 0 ]] || fail "--help exits $rc"
set -e
echo "demo_test: ok"
