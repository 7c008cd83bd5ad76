#!/usr/bin/env bash
# Benchmark (not a test): how often lws-status pushes, and how big its reports get, while the
# server is busy. The built runtime with a 127.0.0.1 vhost offering dumb-increment-protocol and
# lws-status; for each N, N dumb-increment clients (each counter pushed at 20 Hz, so something
# changes all the time) and one lws-status viewer for the given seconds (status-bench.cjs).
#
#   runtime/bench/status-bench.sh [seconds] [N ...]      (default: 10 s, N = 10 500)
#
# Needs the build (mvn -DskipTests package), node and npm (ws is installed into target/peers).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
secs=${1:-10}
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10 500)
port=9170
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -DskipTests package" >&2; exit 1; }

peers="$here/../target/peers"
if [ ! -f "$peers/node_modules/ws/package.json" ]; then
  npm install --prefix "$peers" --no-audit --no-fund --loglevel=error ws@8.23.0 >/dev/null
fi
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r "$dist/." "$work/"
rm -f "$work"/bundle/org.lws4j.test-server-*.jar
printf '{ "vhosts": [ { "name": "status-bench", "port": "%s", "interface": "127.0.0.1",
  "ws-protocols": [ { "dumb-increment-protocol": {}, "lws-status": {} } ] } ] }\n' "$port" > "$work/conf/conf.d/status-bench.json"
"$work/bin/lws4j" run > "$work/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "protocol lws-status bound" "$work/run.log" 2>/dev/null && break; sleep 0.2; done
sleep 1
for n in "${counts[@]}"; do
  echo "== $n dumb-increment clients, one lws-status viewer for $secs s"
  NODE_PATH="$peers/node_modules" node "$here/status-bench.cjs" "ws://127.0.0.1:$port/" "$n" "$secs"
done
