#!/usr/bin/env bash
# Benchmark (not a test): WebSocket throughput and idle memory of the built runtime, driven by
# WsBench.java and BenchWs.java (a dependency-free NIO client in this folder, compiled here with
# javac). Prints one line per measurement.
#
#   runtime/bench/ws-bench.sh [mirror-clients] [mirror-seconds] [idle-connections]
#
#  1. lws-mirror-protocol: <mirror-clients> (100) clients in one ?mirror= group, one sender, for
#     <mirror-seconds> (10), with count-threads 1 and then 2: messages sent/s and delivered/s.
#  2. idle memory (count-threads 1): the server JVM's heap after a full GC with no connection and
#     with <idle-connections> (10000) idle lws-echo connections, and the difference per connection.
#     Two figures: "used" from jcmd GC.heap_info after jcmd GC.run (G1 counts whole regions, so it
#     is coarse), and the live bytes jcmd GC.class_histogram counts after its own full GC (exact).
#
# Builds nothing: needs runtime/target/lws4j (mvn -o -DskipTests install) and a JDK (java, jcmd).
# Each run uses a copy of the runtime in a temp folder; port 7681 must be free. JAVA_OPTS is passed
# to the server. The fd limit is raised here, for the server and the client alike.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
clients=${1:-100}
secs=${2:-10}
idle=${3:-10000}
port=7681
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -o -DskipTests install" >&2; exit 1; }
command -v jcmd >/dev/null || { echo "jcmd not found: a JDK is needed" >&2; exit 1; }

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((idle + 512)) ]; then
  echo "fd limit $(ulimit -n) is too low for $idle connections" >&2; exit 1
fi

# the client, compiled once for both measurements
classes=$(mktemp -d)
javac -d "$classes" "$here/WsBench.java" "$here/BenchWs.java"

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

# start_server <count-threads>: a fresh copy of the runtime; sets work and pid (the java process)
start_server() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use: stop whatever listens there first" >&2; exit 1
  fi
  work=$(mktemp -d)
  cp -r "$dist/." "$work/"
  printf '{ "global": { "count-threads": "%s", "server-string": "lws4j" } }\n' "$1" > "$work/conf/lws4j.json"
  "$work/bin/lws4j" run > "$work/run.log" 2>&1 &
  pid=$!
  # bin/lws4j ends in 'exec java', so $! is the JVM; make sure jcmd sees it as this copy's Felix
  for _ in $(seq 1 150); do
    if jcmd -l 2>/dev/null | grep -q "^$pid .*$work/lib/org.apache.felix.main"; then
      if grep -q "protocol lws-echo bound" "$work/run.log" && grep -q "protocol lws-mirror-protocol bound" "$work/run.log" \
          && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        return 0
      fi
    fi
    kill -0 "$pid" 2>/dev/null || { echo "the server died:" >&2; cat "$work/run.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "the server did not come up (pid $pid):" >&2; tail -20 "$work/run.log" >&2; exit 1
}

# heap: prints "<used-bytes> <live-bytes>" of the server after full GCs
heap() {
  jcmd "$pid" GC.run > /dev/null
  sleep 1
  jcmd "$pid" GC.run > /dev/null
  local used live
  used=$(jcmd "$pid" GC.heap_info | grep -m1 -o 'used [0-9]*K' | tr -dc '0-9')
  live=$(jcmd "$pid" GC.class_histogram | awk '$1 == "Total" {print $3}')
  echo "$((used * 1024)) $live"
}

load() { awk '{print $1}' /proc/loadavg; }

# ---- 1. mirror throughput, count-threads 1 and 2 -----------------------------------------------
for threads in 1 2; do
  start_server "$threads"
  l=$(load)
  out=$(java -cp "$classes" WsBench mirror "$port" "$clients" "$secs")
  echo "count-threads=$threads  $out  (load before: $l)"
  cleanup
done

# ---- 2. idle connections: heap per connection --------------------------------------------------
start_server 1
sleep 2
read -r used0 live0 <<<"$(heap)"
java -cp "$classes" WsBench idle "$port" "$idle" lws-echo "$work/trigger" 900 < /dev/null > "$work/idle.log" 2>&1 &
cpid=$!
for _ in $(seq 1 1500); do
  grep -q '^ready' "$work/idle.log" && break
  kill -0 "$cpid" 2>/dev/null || { echo "the idle client died:" >&2; cat "$work/idle.log" >&2; exit 1; }
  sleep 0.2
done
ready=$(grep '^ready' "$work/idle.log" || true)
[ -n "$ready" ] || { echo "the idle client never got ready:" >&2; cat "$work/idle.log" >&2; kill "$cpid"; exit 1; }
sleep 2
read -r used1 live1 <<<"$(heap)"
touch "$work/trigger"
wait "$cpid" || true
closed=$(grep '^closed' "$work/idle.log" || true)
echo "idle: $ready; $closed"
n=$(awk '{print $2}' <<<"$ready")
[ "$n" -gt 0 ] || { echo "no idle connection was opened" >&2; exit 1; }
awk -v n="$n" -v u0="$used0" -v u1="$used1" -v l0="$live0" -v l1="$live1" 'BEGIN {
  printf "idle heap (count-threads=1): GC.heap_info used %.1f MiB -> %.1f MiB = %.0f bytes per idle lws-echo connection\n", u0/1048576, u1/1048576, (u1-u0)/n
  printf "idle heap (count-threads=1): live objects    %.1f MiB -> %.1f MiB = %.0f bytes per idle lws-echo connection\n", l0/1048576, l1/1048576, (l1-l0)/n
}'
cleanup
