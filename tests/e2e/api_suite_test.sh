#!/usr/bin/env bash
# Conformance: HDF5's own API test suite passes through the connector exactly
# as it does natively — by plain names, over the built-in pass_through
# connector, and with every test file named /uploads/<id>/raw/<file>.
set -euo pipefail
build="$(cd "$H5ARCHIVE_BIN/.." && pwd)"
mkdir -p "$E2E_TMP"
results="$(mktemp -d "$E2E_TMP/api_suite.XXXXXX")"
trap 'rm -rf "$results"' EXIT
out="$(API_TEST_RESULTS="$results" "$(dirname "$0")/../../tools/api_tests.sh" "$build")"
echo "$out"
native="$(grep -E '^native ' <<<"$out")"
[[ "$native" =~ passed\ ([0-9]+)/([0-9]+)\ +failed\ 0 ]] || { echo "FAIL: native run: $native" >&2; exit 1; }
expected="${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
for run in h5archive h5archive_over_passthrough h5archive_uploads_names; do
  line="$(grep -E "^$run " <<<"$out")" || { echo "FAIL: no $run run" >&2; exit 1; }
  [[ "$line" =~ passed\ ([0-9]+)/[0-9]+\ +failed\ 0 ]] || { echo "FAIL: $line" >&2; exit 1; }
  [[ "${BASH_REMATCH[1]}" -ge "${expected%/*}" ]] || { echo "FAIL: $run passed fewer than native ($expected): $line" >&2; exit 1; }
done
echo "api_suite_test: ok"
