#!/usr/bin/env bash
# Benchmark (not a test): TLS on the demo of the built runtime (https on 7682 with its generated
# EC P-256 certificate, plain http on 7681), one service thread. Prints one line per measure:
#
#   1. full handshakes per second, one client: openssl s_time -new, TLS 1.3 and TLS 1.2
#   2. handshake-bound request rate, 50 clients: wrk with "Connection: close" (a new connection,
#      so a full handshake, for every request), https against plain http
#   3. static request rate, keep-alive, 50 connections: wrk on the demo page, https against http
#
#   runtime/bench/tls-bench.sh [seconds] [path]
#
# Needs the runtime built (mvn -DskipTests package), openssl, curl and wrk. Ports 7681 and 7682
# must be free. The machine's cores are shared by the clients and the server: the numbers compare
# https with http on one machine, they are not the server's ceiling. Each line also gives the
# server's own CPU time per handshake or request (from /proc), which other load on the machine
# does not change much.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
secs=${1:-10}
path=${2:-/}
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -DskipTests package" >&2; exit 1; }
for t in openssl curl wrk; do
  command -v "$t" >/dev/null || { echo "$t is not installed (apt-get install $t)" >&2; exit 1; }
done

work=$(mktemp -d)
cp -r "$dist/." "$work/"
printf '{ "global": { "count-threads": "1", "server-string": "lws4j" } }\n' > "$work/conf/lws4j.json"
"$work/bin/lws4j" run > "$work/run.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do
  curl -fsk -o /dev/null "https://127.0.0.1:7682$path" && curl -fs -o /dev/null "http://127.0.0.1:7681$path" && break
  sleep 0.2
done

# warm the JIT on both paths
wrk -t2 -c50 -d5s "https://127.0.0.1:7682$path" > /dev/null
wrk -t2 -c50 -d10s -H "Connection: close" "https://127.0.0.1:7682$path" > /dev/null  # handshake code paths JIT-compiled
wrk -t2 -c50 -d3s "http://127.0.0.1:7681$path" > /dev/null

tick=$(getconf CLK_TCK)
cpu_ms() { # the server's user+system CPU time so far, in ms
  awk -v t="$tick" '{ print ($14 + $15) * 1000 / t }' "/proc/$pid/stat"
}

for v in tls1_3 tls1_2; do
  c0=$(cpu_ms)
  out=$(openssl s_time -connect 127.0.0.1:7682 -new -time "$secs" "-$v" 2>&1 || true)
  c1=$(cpu_ms)
  n=$(awk '/connections in [0-9]+ real seconds/ {print $1; exit}' <<<"$out")
  real=$(awk '/connections in [0-9]+ real seconds/ {print $4; exit}' <<<"$out")
  if [ -n "$n" ] && [ "$n" -gt 0 ]; then
    awk -v n="$n" -v r="$real" -v a="$c0" -v b="$c1" -v v="$v" -v s="$secs" \
      'BEGIN { printf "full handshakes, 1 client, %s (openssl s_time -new -time %s): %d in %d s = %.0f/s, server CPU %.2f ms per handshake\n", v, s, n, r, n / r, (b - a) / n }'
  else
    echo "full handshakes, $v: openssl s_time failed: $out"
  fi
done

wrkline() {
  local what=$1; shift
  local out rps p50 p99 errs reqs c0 c1 per
  c0=$(cpu_ms)
  out=$(wrk -t2 -c50 -d"${secs}s" --latency "$@")
  c1=$(cpu_ms)
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' ' || true)
  per=$(awk -v a="$c0" -v b="$c1" -v n="$reqs" 'BEGIN { if (n > 0) printf "%.3f", (b - a) / n; else print "?" }')
  echo "$what  req/s=$rps  p50=$p50  p99=$p99  server CPU ${per} ms/request${errs:+  ($errs)}"
}
wrkline "new connection per request, 50 clients, https $path" -H "Connection: close" "https://127.0.0.1:7682$path"
wrkline "new connection per request, 50 clients, http  $path" -H "Connection: close" "http://127.0.0.1:7681$path"
wrkline "keep-alive, 50 connections, https $path" "https://127.0.0.1:7682$path"
wrkline "keep-alive, 50 connections, http  $path" "http://127.0.0.1:7681$path"
