#!/usr/bin/env bash
# The example of docs/examples/read_entry.c links the connector and reads
# /uploads/test_upload/archive/test_entry:/data/value with no environment
# variable at all; it must print the 5x5 identity.
set -euo pipefail
mkdir -p "$E2E_TMP"
tmp=$(mktemp -d "$E2E_TMP/connector_linked_example.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root="$tmp/staging"
"$H5ARCHIVE_PYTHON" - "$root" <<'PY'
import os, sys, h5py, numpy as np
archive = os.path.join(sys.argv[1], "te", "test_upload", "archive")
os.makedirs(archive)
os.makedirs(os.path.join(sys.argv[1], "te", "test_upload", "raw"))
with h5py.File(os.path.join(archive, "test_entry.h5"), "w") as f:
    f["/data/value"] = np.eye(5)
PY
out=$(env -u HDF5_VOL_CONNECTOR -u HDF5_PLUGIN_PATH -u H5ARCHIVE_ROOT "$H5ARCHIVE_BIN/h5archive_read_entry" "$root")
expected=$'1 0 0 0 0\n0 1 0 0 0\n0 0 1 0 0\n0 0 0 1 0\n0 0 0 0 1'
if [[ "$out" != "$expected" ]]; then
  echo "FAIL: unexpected output:"; echo "$out"; exit 1
fi
echo "ok   linked example prints eye(5)"
# A root without the entry: the example fails, and HDF5's printed error stack
# carries the connector's message (the example leaves automatic printing on).
rc=0
err=$(env -u HDF5_VOL_CONNECTOR "$H5ARCHIVE_BIN/h5archive_read_entry" "$tmp/empty" 2>&1 >/dev/null) || rc=$?
if [[ $rc -eq 0 || "$err" != *"unknown upload 'test_upload'"* ]]; then
  echo "FAIL: rc=$rc, stderr:"; echo "$err"; exit 1
fi
echo "ok   linked example reports the connector's message"
