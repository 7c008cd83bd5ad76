#!/usr/bin/env bash
# Benchmark (not a test): what the metrics bundle costs on the hot path. The built runtime runs
# with the metrics bundle in bundle/ ("present", its lag probe and every counter on) and without
# it ("absent": each event site is one volatile read); for each, the server JVM's CPU time
# (utime + stime from /proc/PID/stat) is read around
#
#  1. wrk -t1 -c20 -d<seconds>s against a small static file, keep-alive: CPU per HTTP request;
#  2. WsBench mirror (lws-mirror-protocol, <clients> clients in one group, one sender): CPU per
#     message delivered.
#
#  3. MetricsHotPathBench.java: the sink's calls for one request and one delivery, timed alone
#     (thread CPU time, one and two threads): a figure the machine's load moves far less.
#
# Each variant runs <rounds> times, alternating (absent, present, absent, ...) so that the load of
# a shared machine falls on both alike; the medians and the overhead are printed last.
#
#   runtime/bench/metrics-bench.sh [seconds] [rounds] [mirror-clients] [port]
#
# Builds nothing: needs runtime/target/lws4j (mvn -o -DskipTests install), wrk and a JDK (javac).
# The demo bundle is taken out of each copy; a vhost of its own on <port> (default 7791) serves.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
secs=${1:-10}
rounds=${2:-3}
clients=${3:-20}
port=${4:-7791}
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -o -DskipTests install" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
hz=$(getconf CLK_TCK)

classes=$(mktemp -d)
javac -d "$classes" "$here/WsBench.java" "$here/BenchWs.java"
mjar=$(ls "$dist"/bundle/org.lws4j.metrics-*.jar)
ajar=$(ls "$dist"/bundle/org.lws4j.api-*.jar)
javac -nowarn -cp "$mjar:$ajar" -d "$classes" "$here/MetricsHotPathBench.java" 2>/dev/null
work=""
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; wait "$pid" 2>/dev/null || true
  fi
  if [ -n "$work" ]; then rm -rf "$work"; fi
  pid=""; work=""
}
trap 'cleanup; rm -rf "$classes"' EXIT

# start_server present|absent: a fresh copy; sets work and pid (bin/lws4j execs java)
start_server() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use: stop whatever listens there first, or give another" >&2; exit 1
  fi
  work=$(mktemp -d)
  cp -r "$dist/." "$work/"
  rm -f "$work"/bundle/org.lws4j.test-server-*.jar
  [ "$1" = present ] || rm -f "$work"/bundle/org.lws4j.metrics-*.jar
  mkdir -p "$work/www"
  head -c 1024 /dev/zero | tr '\0' 'x' > "$work/www/index.html"
  printf '{ "global": { "count-threads": "1", "server-string": "lws4j" } }\n' > "$work/conf/lws4j.json"
  cat > "$work/conf/conf.d/bench.json" <<EOF
{ "vhosts": [{ "name": "localhost", "port": "$port", "interface": "127.0.0.1",
    "mounts": [{ "mountpoint": "/", "origin": "file://$work/www", "default": "index.html" },
               { "mountpoint": "/metrics", "origin": "metrics://" }],
    "ws-protocols": [{ "lws-mirror-protocol": {} }] }] }
EOF
  "$work/bin/lws4j" run > "$work/run.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    if grep -q "protocol lws-mirror-protocol bound" "$work/run.log" && curl -fs -o /dev/null "http://127.0.0.1:$port/"; then
      if [ "$1" = absent ] || grep -q "metrics: counting for" "$work/run.log"; then
        return 0
      fi
    fi
    kill -0 "$pid" 2>/dev/null || { echo "the server died:" >&2; cat "$work/run.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "the server did not come up (pid $pid):" >&2; tail -20 "$work/run.log" >&2; exit 1
}

# the server's CPU time so far, in clock ticks
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

declare -A http mirror
for r in $(seq 1 "$rounds"); do
  for v in absent present; do
    start_server "$v"
    wrk -t1 -c20 -d3s "http://127.0.0.1:$port/" > /dev/null   # JIT warm-up
    c0=$(cpu)
    out=$(wrk -t1 -c20 -d"${secs}s" "http://127.0.0.1:$port/")
    c1=$(cpu)
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    us=$(awk -v c="$((c1 - c0))" -v n="$n" -v hz="$hz" 'BEGIN {printf "%.2f", c / hz * 1e6 / n}')
    http[$v]+="$us "
    java -cp "$classes" WsBench mirror "$port" "$clients" 3 > /dev/null   # warm-up
    c0=$(cpu)
    out=$(java -cp "$classes" WsBench mirror "$port" "$clients" "$secs")
    c1=$(cpu)
    d=$(grep -o 'total-delivered=[0-9]*' <<<"$out" | tr -dc '0-9')
    usm=$(awk -v c="$((c1 - c0))" -v n="$d" -v hz="$hz" 'BEGIN {printf "%.3f", c / hz * 1e6 / n}')
    mirror[$v]+="$usm "
    echo "round $r  metrics $v  http: $n requests, $us us CPU each  mirror: $d deliveries, $usm us CPU each  (load $(cut -d' ' -f1 /proc/loadavg))"
    cleanup
  done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for kind in http mirror; do
  declare -n m=$kind
  a=$(median <<<"${m[absent]}")
  p=$(median <<<"${m[present]}")
  awk -v k="$kind" -v a="$a" -v p="$p" 'BEGIN {printf "%-6s median us CPU per %s: absent %s  present %s  overhead %+.1f%%\n", k, (k == "http" ? "request" : "delivery"), a, p, (p - a) / a * 100}'
done
java -cp "$classes:$mjar:$ajar" MetricsHotPathBench "$secs"
