#!/usr/bin/env bash
# Benchmark (not a test): what a group broker carries between nodes. GroupBench.java is the driver
# (compiled here by javac against the broker bundles, which hold their clients). Broker instances in
# one JVM play the nodes: one publishes, RECEIVERS others receive, through a real redis-server and a
# real nats-server started here on 127.0.0.1 (free ports, temp folder, stopped at the end).
#
#   runtime/bench/group-bench.sh [receivers...] (default "1 2")
#   MESSAGES (200000) SIZE (bytes, 64) RATE (latency phase, messages/s, 10000)
#
# Per broker and receiver count: the rate phase (as fast as the broker takes it, at most 5000
# messages ahead of the slowest receiver, so nothing is dropped) gives messages/s and
# deliveries/s; the latency phase (RATE messages/s for 10 s at most) gives p50/p99/max from
# publish() to delivery on another node; both give the broker's CPU (/proc/PID/stat) as % of one
# core. Builds nothing: needs bundles/group-*/target and bundles/api/target (mvn -o -q -B install
# -DskipTests). Bounded: each driver run gives up after 120 s without progress.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="$here/../.."
receivers=("$@")
[ ${#receivers[@]} -gt 0 ] || receivers=(1 2)
messages=${MESSAGES:-200000}
size=${SIZE:-64}
rate=${RATE:-10000}
api=$(ls "$root"/bundles/api/target/api-*.jar | grep -v sources | head -1)
redis_jar=$(ls "$root"/bundles/group-redis/target/group-redis-*.jar | head -1)
nats_jar=$(ls "$root"/bundles/group-nats/target/group-nats-*.jar | head -1)
for t in javac redis-server nats-server; do command -v "$t" >/dev/null || { echo "$t not found (Debian: ${t/javac/openjdk-17-jdk-headless})" >&2; exit 1; }; done

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
trap "exit 1" INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# waits for a line in a log (the server's "ready"), 20 s at most
await_line() { timeout 20 bash -c "until grep -q '$2' '$1'; do sleep 0.05; done" || { echo "no '$2' in $1:" >&2; cat "$1" >&2; exit 1; }; }

rport=$(free_port)
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
  --client-output-buffer-limit pubsub 0 0 0 >"$work/redis.log" 2>&1 &
rpid=$!; pids+=("$rpid")
await_line "$work/redis.log" "Ready to accept connections"
nport=$(free_port)
nats-server -a 127.0.0.1 -p "$nport" >"$work/nats.log" 2>&1 &
npid=$!; pids+=("$npid")
await_line "$work/nats.log" "Server is ready"

mkdir -p "$work/classes"
javac -d "$work/classes" -cp "$api:$redis_jar" "$here/GroupBench.java"
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); redis $(redis-server --version | grep -o 'v=[^ ]*'), nats-server $(nats-server --version)"
for r in "${receivers[@]}"; do
  echo "## Redis, $r receiver(s)"
  java -cp "$work/classes:$api:$redis_jar" GroupBench org.lws4j.group.redis.RedisRelay "redis://127.0.0.1:$rport" "$rpid" "$r" "$messages" "$size" "$rate"
  echo "## NATS, $r receiver(s)"
  java -cp "$work/classes:$api:$nats_jar" GroupBench org.lws4j.group.nats.NatsRelay "nats://127.0.0.1:$nport" "$npid" "$r" "$messages" "$size" "$rate"
done
