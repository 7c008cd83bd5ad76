#!/usr/bin/env bash
# Benchmark (not a test): mirror fan-out across nodes. ClusterBench.java is the driver (JDK only,
# compiled here). One node on its own, then 2 and 3 nodes sharing a real redis-server, then a real
# nats-server (started here on 127.0.0.1, free ports, temp folder): RECEIVERS (30) mirror clients
# spread round robin over the nodes, one sender on the first node sending MESSAGES (5000), at most
# 32 ahead of the slowest receiver (deliveries/s, CPU of each node and of the broker from
# /proc/PID/stat), then 1000 messages one at a time (p50/p99 from send to receive on the
# same node and on another node).
#
#   runtime/bench/cluster-bench.sh        RECEIVERS, MESSAGES
#
# Builds nothing: needs runtime/target/lws4j (mvn -o -q -B install -DskipTests). Copies of it in a
# temp folder, without the demo bundle, count-threads 1, JAVA_OPTS -Xmx512m unless set; every
# process started here is stopped when the script ends. Bounded: each driver run gives up after
# 120 s without progress.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
receivers=${RECEIVERS:-30}
messages=${MESSAGES:-5000}
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -o -q -B install -DskipTests" >&2; exit 1; }
for t in javac redis-server nats-server python3; do command -v "$t" >/dev/null || { echo "$t not found" >&2; exit 1; }; done
export JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"
work=$(mktemp -d)
pids=()
nodes=()
cleanup() {
  for n in "${nodes[@]}"; do "$n/bin/lws4j" stop >/dev/null 2>&1 || true; done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 1" INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
await_line() { timeout 20 bash -c "until grep -q '$2' '$1'; do sleep 0.05; done" || { echo "no '$2' in $1" >&2; cat "$1" >&2; exit 1; }; }

rport=$(free_port)
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
rpid=$!; pids+=("$rpid"); await_line "$work/redis.log" "Ready to accept connections"
nport=$(free_port)
nats-server -a 127.0.0.1 -p "$nport" >"$work/nats.log" 2>&1 &
npid=$!; pids+=("$npid"); await_line "$work/nats.log" "Server is ready"
mkdir -p "$work/classes" "$work/www"; echo ok >"$work/www/index.html"
javac -d "$work/classes" "$here/ClusterBench.java"

# run COUNT BROKER_URL BROKER_PID: starts COUNT nodes, runs the driver, stops them
run() {
  local count=$1 url=$2 bpid=$3 ports=() npids=()
  nodes=()
  for i in $(seq 1 "$count"); do
    local home="$work/node$i" port; port=$(free_port)
    rm -rf "$home"; cp -r "$dist" "$home"; rm -f "$home"/bundle/org.lws4j.test-server-*.jar
    local global='"count-threads": "1"'
    [ -n "$url" ] && global="$global, \"group-broker\": \"$url\""
    cat >"$home/conf/conf.d/bench.json" <<JSON
{ "global": { $global },
  "vhosts": [{ "name": "localhost", "port": "$port", "interface": "127.0.0.1",
    "mounts": [{ "mountpoint": "/", "origin": "file://$work/www", "default": "index.html" }],
    "ws-protocols": [{ "lws-mirror-protocol": {} }] }] }
JSON
    "$home/bin/lws4j" start >/dev/null
    nodes+=("$home"); ports+=("$port"); npids+=("$(cat "$home/run/lws4j.pid")")
    [ -n "$url" ] && await_line "$home/logs/lws4j.log" "group broker subscribed"
  done
  local all_pids; all_pids=$(IFS=,; echo "${npids[*]}${bpid:+,$bpid}")
  java -cp "$work/classes" ClusterBench "$(IFS=,; echo "${ports[*]}")" "$all_pids" "$receivers" "$messages"
  for n in "${nodes[@]}"; do "$n/bin/lws4j" stop >/dev/null; done
  nodes=()
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $receivers receivers, $messages messages"
echo "## local (no broker)"; run 1 "" ""
echo "## Redis"; run 2 "redis://127.0.0.1:$rport" "$rpid"; run 3 "redis://127.0.0.1:$rport" "$rpid"
echo "## NATS"; run 2 "nats://127.0.0.1:$nport" "$npid"; run 3 "nats://127.0.0.1:$nport" "$npid"
