#!/usr/bin/env bash
# Benchmark (not a test): wrk against the demo page of the built runtime, keep-alive, 50
# connections, with 1 and then 2 service threads. Prints one line per run.
#
#   runtime/bench/wrk-demo.sh [seconds] [path]
#
# Needs the runtime built (mvn -DskipTests package) and wrk (apt-get install wrk).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
secs=${1:-15}
path=${2:-/}
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -DskipTests package" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

for threads in 1 2; do
  work=$(mktemp -d)
  cp -r "$dist/." "$work/"
  printf '{ "global": { "count-threads": "%s", "server-string": "lws4j" } }\n' "$threads" > "$work/conf/lws4j.json"
  "$work/bin/lws4j" run > "$work/run.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fs -o /dev/null "http://127.0.0.1:7681$path" && break
    sleep 0.2
  done
  # warm the JIT, then measure
  wrk -t2 -c50 -d5s "http://127.0.0.1:7681$path" > /dev/null
  out=$(wrk -t2 -c50 -d"${secs}s" --latency "http://127.0.0.1:7681$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  echo "count-threads=$threads  wrk -t2 -c50 -d${secs}s $path  req/s=$rps  p50=$p50  p99=$p99 ${errs:+ ($errs)}"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$work"
done
