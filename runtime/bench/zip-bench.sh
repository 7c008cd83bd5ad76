#!/usr/bin/env bash
# Benchmark (not a test): the book page served from inside book.zip, gzip pass-through against
# inflate-on-the-fly, with the same page as a plain file for reference. wrk, keep-alive, 2 threads,
# 50 connections, count-threads 1. Prints per case: req/s, p50/p99 latency, response bytes/s, the
# server's CPU (% of one core, from /proc/PID/stat) and CPU time per request.
#
#   runtime/bench/zip-bench.sh [seconds] [entry]      (entry: index.html, images/network.png, ...)
#
#  gzip:     Accept-Encoding: gzip  -> the entry's DEFLATE bytes out of the zip in a gzip wrapper
#  inflate:  no Accept-Encoding     -> the entry inflated as it is sent (java.util.zip.Inflater)
#  file:     no Accept-Encoding     -> the same bytes from a plain file (sendfile path for big files)
#
# Builds nothing: needs runtime/target/lws4j (mvn -o -DskipTests install) and wrk. The copy of
# the runtime runs without the test-server bundle, on its own vhost at 127.0.0.1:$PORT (7690).
# wrk runs on the same machine and takes CPU too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
secs=${1:-15}
entry=${2:-index.html}
port=${PORT:-7690}
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -o -DskipTests install" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "port $port is in use: set PORT" >&2; exit 1
fi
ts=$(ls "$dist"/bundle/org.lws4j.test-server-*.jar)

work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cp -r "$dist/." "$work/"
rm "$work"/bundle/org.lws4j.test-server-*.jar
mkdir -p "$work/www/plain"
unzip -q -p "$ts" site/book.zip > "$work/www/book.zip"
unzip -q "$work/www/book.zip" -d "$work/www/plain"
printf '{ "global": { "count-threads": "1", "server-string": "lws4j" } }\n' > "$work/conf/lws4j.json"
cat > "$work/conf/conf.d/zip-bench.json" <<JSON
{ "vhosts": [ { "name": "bench", "port": "$port", "interface": "127.0.0.1", "mounts": [
  { "mountpoint": "/book", "origin": "file://$work/www/book.zip", "default": "index.html" },
  { "mountpoint": "/plain", "origin": "file://$work/www/plain", "default": "index.html" } ] } ] }
JSON
"$work/bin/lws4j" run > "$work/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/book/$entry" && break
  sleep 0.2
done
curl -fs -o /dev/null "http://127.0.0.1:$port/book/$entry" || { echo "the runtime does not serve /book/$entry:"; cat "$work/run.log"; exit 1; }

tick=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

# run <label> <path> [header]
run() {
  local label=$1 path=$2 hdr=${3:-}
  local args=(-t2 -c50 --latency)
  [ -n "$hdr" ] && args+=(-H "$hdr")
  wrk "${args[@]}" -d5s "http://127.0.0.1:$port$path" > /dev/null # warm the JIT
  local c0 t0 c1 t1 out
  c0=$(cpu_ticks); t0=$(date +%s.%N)
  out=$(wrk "${args[@]}" -d"${secs}s" "http://127.0.0.1:$port$path")
  c1=$(cpu_ticks); t1=$(date +%s.%N)
  local rps p50 p99 xfer reqs errs size enc
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  xfer=$(awk '/Transfer\/sec/ {print $2}' <<<"$out")
  errs=$(grep -E 'Non-2xx|Socket errors' <<<"$out" || true)
  size=$(curl -s ${hdr:+-H "$hdr"} -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port$path")
  enc=$(curl -s ${hdr:+-H "$hdr"} -o /dev/null -D - "http://127.0.0.1:$port$path" | awk -F': ' 'tolower($1)=="content-encoding" {print $2}' | tr -d '\r')
  awk -v l="$label" -v p="$path" -v rps="$rps" -v reqs="$reqs" -v p50="$p50" -v p99="$p99" -v x="$xfer" \
      -v c="$((c1 - c0))" -v tick="$tick" -v t0="$t0" -v t1="$t1" -v size="$size" -v enc="${enc:-identity}" -v e="$errs" \
      'BEGIN { cpu = c / tick; wall = t1 - t0;
               printf "%-8s %-28s body=%6d B %-8s req/s=%9s  p50=%7s p99=%7s  %9s/s  server CPU=%5.1f%% of a core  %5.1f us/req%s\n",
                      l, p, size, enc, rps, p50, p99, x, 100 * cpu / wall, 1e6 * cpu / reqs, (e != "" ? "  (" e ")" : "") }'
}

echo "zip-bench: $(nproc) CPUs, $secs s per case, wrk -t2 -c50, count-threads 1, entry $entry"
run gzip "/book/$entry" "Accept-Encoding: gzip"
run inflate "/book/$entry"
run file "/plain/$entry"
