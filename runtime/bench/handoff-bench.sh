#!/usr/bin/env bash
# Benchmark (not a test): what a client sees of a protocol update that keeps its connections
# (handoff), and what a parked connection costs. HandoffBench.java is the driver (JDK only,
# compiled here by javac).
#
#   runtime/bench/handoff-bench.sh [connections...] (default "200 10000") [updates] (UPDATES, 20)
#
# For each count N: N WebSocket connections of lws-mirror-protocol on a copy of the runtime (N-1
# idle members of one group, and a sender alone in another that sends its next message as soon as
# the previous comes back); lws-mirror's bundle is then updated UPDATES times through deploy/
# (FileInstall polling every 100 ms), each once the previous has been taken over. Pause: for each
# update, the longest wait of the sender for a message of its own between the jar's move and the
# first message after the server's log says the new version took the connections over. Then the
# bundle is removed with the connections parked (handoff-grace-ms is 60 s here) and put back, and
# the live heap (jcmd GC.class_histogram: after a full GC) is taken with N connections bound, with
# N parked and with none: per connection, (bound - none) / N and (parked - none) / N.
#
# Builds nothing: needs runtime/target/lws4j (mvn -o -q -B package -DskipTests) and a JDK. One
# copy of the runtime per N in a temp folder on 127.0.0.1:$PORT (7795), without the demo bundle,
# count-threads 1, JAVA_OPTS -Xmx1g unless set. The fd limit is raised to the hard limit (at
# least N + 300: server and driver are separate processes, each holds N sockets). Bounded: the
# driver gives up after LIMIT_MIN minutes (default 15), the server is stopped (its pid, started
# here) when the script ends. The copy is deleted, or kept (and named) when the driver failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(200 10000)
updates=${UPDATES:-20}
port=${PORT:-7795}
limit=${LIMIT_MIN:-15}
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -o -q -B package -DskipTests" >&2; exit 1; }
for t in javac jcmd timeout; do command -v "$t" >/dev/null || { echo "$t not found" >&2; exit 1; }; done
ulimit -n "$(ulimit -Hn)" || true
for n in "${counts[@]}"; do
  [ $((n + 300)) -le "$(ulimit -n)" ] || { echo "fd limit $(ulimit -n) too low for $n connections" >&2; exit 1; }
done
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "port $port is in use: set PORT" >&2; exit 1; fi

classes=$(mktemp -d)
work=""
pid=""
keep=0
stop_server() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  pid=""
}
cleanup() {
  stop_server
  rm -rf "$classes"
  if [ -n "$work" ]; then
    if [ "$keep" = 1 ]; then echo "the runtime's copy and its log are kept in $work"; else rm -rf "$work"; fi
  fi
}
trap cleanup EXIT
javac -d "$classes" "$here/HandoffBench.java"

for n in "${counts[@]}"; do
  work=$(mktemp -d /tmp/lws4j-handoff.XXXXXX)
  cp -r "$dist/." "$work/"
  rm "$work"/bundle/org.lws4j.test-server-*.jar
  mv "$work"/bundle/org.lws4j.protocol-mirror-*.jar "$work/deploy/protocol-mirror.jar"
  sed -i "s/^felix.fileinstall.poll=.*/felix.fileinstall.poll=100/" "$work/conf/config.properties"
  cat > "$work/conf/conf.d/handoff-bench.json" <<JSON
{ "global": { "count-threads": "1", "handoff-grace-ms": "60000" },
  "vhosts": [ { "name": "bench", "port": "$port", "interface": "127.0.0.1",
    "ws-protocols": [ { "lws-mirror-protocol": {} } ] } ] }
JSON
  export JAVA_OPTS=${JAVA_OPTS:--Xmx1g}
  "$work/bin/lws4j" run > "$work/run.log" 2>&1 &
  pid=$! # bin/lws4j ends in 'exec java': this is the server JVM
  ready=0
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { echo "the server died:" >&2; cat "$work/run.log" >&2; exit 1; }
    if grep -q "protocol lws-mirror-protocol bound" "$work/run.log" && grep -q "listening on /127.0.0.1:$port" "$work/run.log"; then
      ready=1; break
    fi
    sleep 0.2
  done
  [ "$ready" = 1 ] || { echo "the server did not start:" >&2; cat "$work/run.log" >&2; keep=1; exit 1; }
  if ! timeout $((limit * 60 + 60)) java -Xmx2g -cp "$classes" HandoffBench "$port" "$pid" "$work" "$n" "$updates" "$limit"; then
    keep=1
    echo "the driver failed for $n connections" >&2
    exit 1
  fi
  stop_server
  rm -rf "$work"
  work=""
done
