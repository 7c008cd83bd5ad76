#!/usr/bin/env bash
# Benchmark (not a test): lws-mirror-protocol's fan-out with lws4j embedded, on a free port (so it
# runs next to anything on 7681), against the build on the classpath given: compare two builds of
# core and the mirror (say before and after a change to the broadcast groups) on one machine.
#
#   runtime/bench/mirror-embed-bench.sh <classpath> [clients] [seconds] [threads]
#
# <classpath>: core, api and protocol-mirror jars (or classes folders) and core's dependencies
# (mvn -o dependency:build-classpath -pl bundles/core). Runs WsBench mirror (one sender, <clients>
# (100) receivers in one group, <seconds> (10)) against MirrorEmbedServer with <threads> (1)
# service threads, and prints WsBench's line and the server's CPU per delivered message
# (user+system time of the server JVM from the first connection to the end, over every delivery).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cp=$1
clients=${2:-100}
secs=${3:-10}
threads=${4:-1}
classes=$(mktemp -d)
javac -cp "$cp" -d "$classes" "$here/MirrorEmbedServer.java" "$here/WsBench.java" "$here/BenchWs.java"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
out=$(mktemp)
java -cp "$cp:$classes" MirrorEmbedServer "$port" "$threads" > "$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$classes" "$out"' EXIT
for _ in $(seq 1 300); do
  grep -q '^listening' "$out" && break
  kill -0 $pid 2>/dev/null || { cat "$out" >&2; exit 1; }
  sleep 0.1
done
grep -q '^listening' "$out" || { echo "the server did not start" >&2; cat "$out" >&2; exit 1; }
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
c0=$(ticks)
line=$(java -cp "$classes" WsBench mirror "$port" "$clients" "$secs")
c1=$(ticks)
echo "$line"
total=$(echo "$line" | sed -n 's/.*total-delivered=\([0-9]*\).*/\1/p')
awk -v c=$((c1 - c0)) -v hz="$hz" -v n="$total" -v t="$threads" \
  'BEGIN { printf "server cpu=%.2fs  deliveries=%d  cpu/delivery=%.0f ns  (threads=%d)\n", c/hz, n, c/hz*1e9/n, t }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
