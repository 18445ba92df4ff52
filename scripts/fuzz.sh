#!/usr/bin/env bash
# Runs every libFuzzer harness (test/fuzz) for a bounded time, from its seeds
# in test/fuzz/corpus/NAME plus what earlier runs here found, and prints the
# executions and findings of each. Any crash, leak, timeout or sanitizer
# report is a finding: it is saved under build-sanitize/fuzz/findings/ and the
# script fails.
# Usage: scripts/fuzz.sh [SECONDS-PER-HARNESS (default 60)] [HARNESS...]
#   CI runs a minute each; a long campaign is, say, scripts/fuzz.sh 3600, or
#   FUZZ_RUNS=1000000 scripts/fuzz.sh 7200 to stop each harness after 10^6
#   executions (or the time, whichever comes first).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
harnesses=("$@")
((${#harnesses[@]})) || harnesses=(safetensors mlir options library)

./scripts/setup.sh --sanitize
source scripts/sanitizer-env.sh

work=build-sanitize/fuzz
mkdir -p "$work/findings"
status=0
printf '%-12s %12s %10s %9s\n' harness executions "exec/s" findings
for name in "${harnesses[@]}"; do
  binary=build-sanitize/bin/fuzz-$name
  [[ -x $binary ]] || { echo "fuzz: no harness $binary" >&2; exit 1; }
  corpus=$work/corpus/$name
  # A run's findings are its own: those of an earlier run are cleared (copy
  # them away first to keep them); its corpus carries over.
  rm -rf "$work/findings/$name"
  mkdir -p "$corpus" "$work/findings/$name"
  log=$work/$name.log
  # -timeout: one input may take 30 s; -rss_limit_mb: 3 GB (the harnesses
  # set memory limits of their own well below it).
  set +e
  runs=()
  [[ -n ${FUZZ_RUNS:-} ]] && runs=(-runs="$FUZZ_RUNS")
  "$binary" "$corpus" "test/fuzz/corpus/$name" "${runs[@]}" \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=3072 \
    -print_final_stats=1 -artifact_prefix="$work/findings/$name/" \
    >"$log" 2>&1
  code=$?
  set -e
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  findings=$(find "$work/findings/$name" -type f | wc -l)
  printf '%-12s %12s %10s %9s\n' "$name" "${executions:-?}" "${speed:-?}" "$findings"
  if ((code != 0 || findings != 0)); then
    status=1
    echo "fuzz: $name found a problem (exit $code); its log: $log" >&2
    grep -m5 -E 'ERROR|SUMMARY|runtime error' "$log" >&2 || true
  fi
done
exit $status
