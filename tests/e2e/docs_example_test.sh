#!/usr/bin/env bash
# docs/library.md's worked example is real code: the page shows exactly the
# body of docs/examples/library_example.cpp, and that program runs.
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$E2E_TMP"
work="$(mktemp -d "$E2E_TMP/docs_example.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The first cpp block of the page, without its #include / using lines.
awk '/^```cpp/{on=1; next} on && /^```/{exit} on' "$top/docs/library.md" \
  | grep -vE '^(#include|using namespace)' | sed '/./,$!d' >"$work/page.txt"
sed -n '/BEGIN docs\/library.md/,/END docs\/library.md/p' "$top/docs/examples/library_example.cpp" \
  | sed '1d;$d' >"$work/example.txt"
diff -u "$work/page.txt" "$work/example.txt" || fail "docs/library.md and docs/examples/library_example.cpp differ"

out="$("$H5ARCHIVE_BIN/library_example" "$work/staging")" || fail "library_example exited with $?"
expected="value float64 (5, 5), value[1][1] 1
row (1, 5), external (3, 4), reloaded /uploads/test_upload/archive/test_entry#/data/value"
[[ "$out" == "$expected" ]] || fail "library_example printed: $out"
[[ -f "$work/staging/te/test_upload/archive/test_entry.json" ]] || fail "no archive JSON"
echo "docs_example_test: ok"
