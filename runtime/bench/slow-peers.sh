#!/usr/bin/env bash
# Benchmark (not a test): slow peers against the header pool. N connections on one port each send
# one byte of a request head every P seconds for D seconds, while a normal client requests a page
# every 20 ms on that port and on another, a new connection each (SlowPeers.java, compiled here).
# Prints the normal client's p50/p99/max per port, its failures, and what the slow peers got.
#
#   runtime/bench/slow-peers.sh [peers] [period-secs] [duration-secs]     (1000 5 60)
#
# Builds nothing: needs runtime/target/lws4j (mvn -o -DskipTests install). Each run uses a copy of
# the runtime in a temp folder, two free ports of 127.0.0.1, the default limits (timeout-secs 20,
# max-http-header-pool 32, one service thread).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
peers=${1:-1000}
period=${2:-5}
secs=${3:-60}
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -o -DskipTests install" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
p1=$(free_port); p2=$(free_port)
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$dist/." "$work/"
rm -f "$work"/bundle/org.lws4j.test-server-*.jar
mkdir -p "$work/www"
head -c 10000 /dev/zero | tr '\0' 'a' > "$work/www/index.html"
cat > "$work/conf/conf.d/slow.json" <<JSON
{ "vhosts": [
  { "name": "one", "port": "$p1", "interface": "127.0.0.1", "mounts": [ { "mountpoint": "/", "origin": "file://$work/www", "default": "index.html" } ] },
  { "name": "two", "port": "$p2", "interface": "127.0.0.1", "mounts": [ { "mountpoint": "/", "origin": "file://$work/www", "default": "index.html" } ] } ] }
JSON
"$work/bin/lws4j" run > "$work/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  grep -q "accepting connections" "$work/run.log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/run.log" >&2; exit 1; }
  sleep 0.1
done
echo "lws4j $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), ports $p1 (slow peers) and $p2"
java "$here/SlowPeers.java" "$p1" "$p2" "$peers" "$period" "$secs"
