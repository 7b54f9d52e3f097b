#!/usr/bin/env bash
# Runs every Kafka test (the default run's: Category!=Long) N times in a row while two busy loops keep both
# cores of the box busy, counting passing and failing runs; each run's log is kept.
#   perf/soak/kafka-under-load.sh [RUNS=20] [LOG_DIR=artifacts/kafka-under-load] [TESTS=Kafka]
# TESTS narrows the run to the tests whose full name contains it (e.g. Zombie_Paused: one test, many times).
# Exit 0 only when every run passed.
set -u
runs=${1:-20}
logs=${2:-artifacts/kafka-under-load}
tests=${3:-Kafka}
cd "$(dirname "$0")/../.."

# A shell without job control starts background jobs with SIGINT ignored, and children inherit that: the lab
# processes the Ctrl+C tests interrupt would then never see the signal (the test fails after 30 s of feeding).
if (( 0x$(awk '/^SigIgn/ {print $2}' /proc/$$/status) & 0x2 )); then
  echo "SIGINT is ignored in this shell (a background job without job control?): the Ctrl+C tests cannot pass; run it in the foreground or after 'set -m'." >&2
  exit 2
fi
mkdir -p "$logs"
summary="$logs/summary.txt"

dotnet build tests/LowLatency.Adapters.Tests -c Release -warnaserror >"$logs/build.log" 2>&1 || { echo "build failed: $logs/build.log"; exit 1; }

hogs=()
for _ in 1 2; do
  sh -c 'while :; do :; done' &
  hogs+=($!)
done
stop_hogs() { kill "${hogs[@]}" 2>/dev/null; wait "${hogs[@]}" 2>/dev/null; }
trap stop_hogs EXIT

passed=0
failed=0
echo "$(date -u +%FT%TZ) start: $runs runs, CPU hogs ${hogs[*]}, $(uptime)" | tee "$summary"
for i in $(seq 1 "$runs"); do
  started=$(date +%s)
  if dotnet test tests/LowLatency.Adapters.Tests -c Release --no-build \
       --filter "FullyQualifiedName~$tests&Category!=Long" >"$logs/run-$i.log" 2>&1; then
    passed=$((passed + 1)); verdict=passed
  else
    failed=$((failed + 1)); verdict=FAILED
  fi
  line=$(grep -E "^(Passed|Failed)!" "$logs/run-$i.log" | tail -1)
  echo "$(date -u +%FT%TZ) run $i/$runs $verdict in $(( $(date +%s) - started )) s: ${line:-no summary line} | $(uptime | sed 's/.*load/load/')" | tee -a "$summary"
done
echo "passed $passed/$runs, failed $failed" | tee -a "$summary"
[ "$failed" -eq 0 ]
