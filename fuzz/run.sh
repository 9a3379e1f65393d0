#!/usr/bin/env bash
# Runs the libFuzzer targets built in <build>/bin (make fuzz; docs/reliability.md
# "Fuzzing"):
#
#   fuzz/run.sh <build> [seconds] [target...]
#
# 1. Regression pass: every target runs once over each file of its seed corpus
#    fuzz/corpus/<target>/ (crash-* files there are inputs of bugs that were
#    fixed and must stay fixed).
# 2. Fuzzing: every target runs for <seconds> (default 10), one after the other
#    (one core), on a fresh COPY of its seed corpus (without crash-* files) in
#    <build>/fuzz-corpus/<target>/: new inputs never land in the repository. Crash, leak, timeout and OOM
#    inputs go to <build>/artifacts/<target>-crash-<sha1> (or leak-/timeout-/oom-);
#    logs to <build>/fuzz-logs/<target>.{regression,fuzz}.log.
#
# Exits non-zero if any target failed either pass, printing the artifact path.
# Environment: FUZZ_TIMEOUT (seconds one input may take, default 25),
# FUZZ_RSS_MB (default 2048), FUZZ_FLAGS (extra libFuzzer flags).
set -uo pipefail

build=${1:?usage: fuzz/run.sh <build> [seconds] [target...]}
seconds=${2:-10}
shift $(($# >= 2 ? 2 : $#))
here=$(cd "$(dirname "$0")" && pwd)
timeout_s=${FUZZ_TIMEOUT:-25}
rss_mb=${FUZZ_RSS_MB:-2048}
read -r -a extra <<<"${FUZZ_FLAGS:-}"

bin=$build/bin
artifacts=$build/artifacts
logs=$build/fuzz-logs
work=$build/fuzz-corpus
mkdir -p "$artifacts" "$logs" "$work"

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for t in "$bin"/fuzz_*; do [ -x "$t" ] && targets+=("$(basename "$t")"); done
fi
[ ${#targets[@]} -gt 0 ] || { echo "[fuzz] no fuzz_* programs in $bin (build fuzz_all first)" >&2; exit 2; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common=(-rss_limit_mb="$rss_mb" -timeout="$timeout_s" "${extra[@]}")

failed=()
report_failure() {  # <target> <pass> <log>
  local artifact input
  artifact=$(grep -o 'Test unit written to .*' "$3" | tail -1 | sed 's/^Test unit written to //')
  # Given files, libFuzzer writes no artifact: the input is the last one run.
  [ -n "$artifact" ] || input=$(grep -o '^Running: .*' "$3" | tail -1 | sed 's/^Running: //')
  echo "[fuzz] FAILED: $1 ($2), log $3"
  grep -m1 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error:|property violated:|.*deadly signal|ALARM|.*out-of-memory)' "$3" | sed 's/^/[fuzz]   /'
  if [ -n "$artifact" ]; then
    echo "[fuzz]   artifact: $artifact"
  elif [ -n "$input" ]; then
    artifact=$input
    echo "[fuzz]   input: $artifact"
  fi
  if [ -n "$artifact" ]; then
    echo "[fuzz]   reproduce: $bin/$1 $artifact"
  fi
  failed+=("$1 ($2)${artifact:+: $artifact}")
}

# --- 1. regression pass over the repository's corpus -----------------------
# The seeds in one run, then each crash-* input on its own (so that every one
# that fails again is named, not only the first).
for t in "${targets[@]}"; do
  seeds=$here/corpus/$t
  if [ ! -d "$seeds" ]; then
    echo "[fuzz] $t: regression: no seed corpus in $seeds"
    continue
  fi
  runs=() files=() crashes=()
  while IFS= read -r -d '' f; do files+=("$f"); done \
    < <(find "$seeds" -maxdepth 1 -type f ! -name 'crash-*' -print0 | sort -z)
  while IFS= read -r -d '' f; do crashes+=("$f"); done \
    < <(find "$seeds" -maxdepth 1 -type f -name 'crash-*' -print0 | sort -z)
  ok=1
  if [ ${#files[@]} -gt 0 ]; then
    log=$logs/$t.regression.log
    "$bin/$t" "${common[@]}" -artifact_prefix="$artifacts/$t-" "${files[@]}" >"$log" 2>&1 ||
      { report_failure "$t" regression "$log"; ok=0; }
  fi
  for f in "${crashes[@]}"; do
    log=$logs/$t.regression.$(basename "$f").log
    "$bin/$t" "${common[@]}" -artifact_prefix="$artifacts/$t-" "$f" >"$log" 2>&1 ||
      { report_failure "$t" "regression, $(basename "$f")" "$log"; ok=0; }
  done
  [ $ok -eq 1 ] && echo "[fuzz] $t: regression: ${#files[@]} seeds + ${#crashes[@]} crash inputs ok"
done

# --- 2. fuzzing, on a copy of each seed corpus ------------------------------
final_stat() { grep -o "$1 *[0-9]*" "$2" | tail -1 | grep -o '[0-9]*$'; }
for t in "${targets[@]}"; do
  corpus=$work/$t
  log=$logs/$t.fuzz.log
  rm -rf "$corpus"
  mkdir -p "$corpus"
  # crash-* inputs are for the regression pass: a still-open bug would stop
  # fuzzing at once.
  [ -d "$here/corpus/$t" ] &&
    find "$here/corpus/$t" -maxdepth 1 -type f ! -name 'crash-*' -exec cp -p {} "$corpus"/ \;
  start=$(date +%s)
  "$bin/$t" "${common[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$artifacts/$t-" "$corpus" >"$log" 2>&1
  rc=$?
  took=$(($(date +%s) - start))
  done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$done_line")
  ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$done_line")
  execs=$(final_stat 'stat::number_of_executed_units:' "$log")
  per_s=$(final_stat 'stat::average_exec_per_sec:' "$log")
  files_now=$(find "$corpus" -maxdepth 1 -type f | wc -l)
  printf '[fuzz] %s: %ss, %s execs (%s/s), cov %s ft %s, corpus %s files\n' \
    "$t" "$took" "${execs:-?}" "${per_s:-?}" "${cov:-?}" "${ft:-?}" "$files_now"
  [ $rc -eq 0 ] || report_failure "$t" fuzz "$log"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "[fuzz] ${#failed[@]} failure(s):"
  printf '[fuzz]   %s\n' "${failed[@]}"
  exit 1
fi
echo "[fuzz] all ${#targets[@]} targets ok"
