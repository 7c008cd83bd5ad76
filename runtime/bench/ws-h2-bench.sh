#!/usr/bin/env bash
# Benchmark (not a test): a WebSocket echo (lws4j's lws-echo) over HTTP/2 (RFC 8441, h2c with
# prior knowledge) against the same over HTTP/1.1: round trips per second, the p99 round trip, and
# the server's CPU per message (utime+stime from /proc). One client for both (WsH2Bench.java, one
# blocking thread per connection, one 24-byte message in flight each), one runtime, one run each.
#
#   runtime/bench/ws-h2-bench.sh [clients] [seconds]      (default 16 10)
#
# Needs the runtime built (mvn -DskipTests package). Serves on 127.0.0.1:18685 (no demo vhost).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="${LWS4J_DIST:-$here/../target/lws4j}"
clients=${1:-16}; secs=${2:-10}
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -DskipTests package" >&2; exit 1; }
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/classes"
javac -d "$work/classes" "$here/WsH2Bench.java"
cp -r "$dist/." "$work/lws4j"
rm -f "$work"/lws4j/bundle/org.lws4j.test-server-*.jar   # no demo vhost on 7681: only ours
cat > "$work/lws4j/conf/conf.d/wsh2bench.json" <<JSON
{ "vhosts": [ { "name": "localhost", "port": "18685", "interface": "127.0.0.1", "ws-protocols": [ { "lws-echo": {} } ] } ] }
JSON
"$work/lws4j/bin/lws4j" run > "$work/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/18685) 2>/dev/null && break; sleep 0.2; done
jvm=$(pgrep -P "$pid" java || echo "$pid")
tck=$(getconf CLK_TCK)
# warm the JIT on both paths, then measure each
java -cp "$work/classes" -Dclktck="$tck" WsH2Bench h1 18685 lws-echo "$clients" 3 > /dev/null
java -cp "$work/classes" -Dclktck="$tck" WsH2Bench h2 18685 lws-echo "$clients" 3 > /dev/null
java -cp "$work/classes" -Dclktck="$tck" WsH2Bench h2 18685 lws-echo "$clients" "$secs" "$jvm"
java -cp "$work/classes" -Dclktck="$tck" WsH2Bench h1 18685 lws-echo "$clients" "$secs" "$jvm"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
