#!/usr/bin/env bash
# Benchmark (not a test): what permessage-deflate costs and saves for a typical 2 KiB JSON message.
#  1. in process (DeflateMicroBench.java): compressed size and CPU time to deflate and to inflate
#     one message, per parameter set;
#  2. end to end (deflate-bench.cjs): the built runtime with lws-echo, the npm ws client echoing
#     messages one at a time: bytes on the wire each way and the server's CPU time per message,
#     without and with the extension.
#
#   runtime/bench/deflate-bench.sh [messages]
#
# Needs the build (mvn -DskipTests install), node and npm (ws is installed into target/peers).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="$here/../.."
dist="$here/../target/lws4j"
n=${1:-20000}
port=7799
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -DskipTests install" >&2; exit 1; }
m2=${M2_REPO:-$HOME/.m2/repository} # Maven's local repository, for JZlib and the annotations

cp="$root/bundles/api/target/classes:$root/bundles/ext-deflate/target/classes"
cp="$cp:$m2/com/jcraft/jzlib/1.1.3/jzlib-1.1.3.jar"
cp="$cp:$m2/org/osgi/org.osgi.service.component.annotations/1.5.1/org.osgi.service.component.annotations-1.5.1.jar"
cp="$cp:$m2/org/osgi/org.osgi.service.metatype.annotations/1.4.1/org.osgi.service.metatype.annotations-1.4.1.jar"
echo "== in process: the extension alone (one thread)"
java -cp "$cp" "$here/DeflateMicroBench.java" "$n"

peers="$here/../target/peers"
if [ ! -f "$peers/node_modules/ws/package.json" ]; then
  npm install --prefix "$peers" --no-audit --no-fund --loglevel=error ws@8.23.0 >/dev/null
fi
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r "$dist/." "$work/"
rm -f "$work"/bundle/org.lws4j.test-server-*.jar
printf '{ "vhosts": [ { "name": "bench", "port": "%s", "interface": "127.0.0.1", "mounts": [],
  "ws-protocols": [ { "lws-echo": { "default": "1" } } ] } ] }\n' "$port" > "$work/conf/conf.d/bench.json"
"$work/bin/lws4j" run > "$work/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "protocol lws-echo bound" "$work/run.log" 2>/dev/null && break; sleep 0.2; done
sleep 1
# bin/lws4j execs java, so $pid is the server's JVM
echo "== end to end: lws-echo on the runtime, npm ws $(node -p "require('$peers/node_modules/ws/package.json').version") client"
NODE_PATH="$peers/node_modules" node "$here/deflate-bench.cjs" "ws://127.0.0.1:$port/" "$pid" "$n"
