#!/usr/bin/env bash
# `bench` with tiny sizes: it prints the machine and one table with every
# part's rows, exits 0, and leaves no file behind in its temporary folder.
set -euo pipefail

work="$E2E_TMP/bench_smoke.$$"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- stdout" >&2
  cat "$work/out" >&2
  echo "--- stderr" >&2
  cat "$work/err" >&2
  exit 1
}

status=0
TMPDIR="$work/tmp" && mkdir -p "$TMPDIR" && export TMPDIR
"$H5ARCHIVE_BIN/bench" --size-mib 8 --reps 1 --stream-reps 1 --calls 1000 --cycles 100 \
  --python "$H5ARCHIVE_PYTHON" >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 0 ] || fail "bench exited with $status"

for expected in "hdf5     1.14" "cpu      " "ram      " \
  "measurement" \
  "write 8 MiB float64 vs raw HDF5 C API" \
  "write 8 MiB float64 vs write() calls" \
  "write 8 MiB float64 vs h5py (NOMAD settings)" \
  "stream 8 MiB in 16 MiB blocks vs write() calls" \
  "stream 32 MiB in 16 MiB blocks vs write() calls" \
  "stream 32 MiB: peak resident memory vs limit" \
  "stream 8 MiB vs h5py resize+append (maxshape=None)" \
  "stream 1 MiB deflate 4+shuffle vs h5py, same filters" \
  "connector read 8 MiB vs native" \
  "connector H5Lexists per call vs native" \
  "Reference::parse, mixed references" \
  "StagingArea::resolve" \
  "serve /meta vs h5grove app" \
  "serve /data 1 MiB bin vs h5grove app" \
  "Python: assign 8 MiB float64 + save vs h5py create_dataset"; do
  grep -qF -- "$expected" "$work/out" || fail "no line with '$expected'"
done
# One table: its header appears once.
[ "$(grep -c '^measurement ' "$work/out")" -eq 1 ] || fail "not exactly one table header"
# Every temporary file is gone.
leftover=$(find "$TMPDIR" -mindepth 1 | head -5)
[ -z "$leftover" ] || fail "files left behind: $leftover"

# A bad option is refused with the usage and exit code 2.
status=0
"$H5ARCHIVE_BIN/bench" --size-mib zero >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 2 ] || fail "bad option exited with $status, not 2"
grep -qF -- "usage: bench" "$work/err" || fail "no usage on a bad option"
echo "bench smoke test passed"
