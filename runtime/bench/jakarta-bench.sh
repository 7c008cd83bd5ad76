#!/usr/bin/env bash
# Benchmark (not a test): echo round trips per second and the server's CPU per message, for one
# @ServerEndpoint class (the example's EchoEndpoint, unchanged) on lws4j, on Jetty 12 (ee10
# Jakarta WebSocket) and on Tomcat 11 embedded, and for lws4j's native lws-echo protocol; the
# same client (EchoBench.java with BenchWs.java, one NIO thread), the same machine, one run.
#
#   runtime/bench/jakarta-bench.sh [clients] [seconds] [window] [size]
#
# <clients> (16) connections each keep <window> (1) messages of <size> (24) bytes in flight for
# <seconds> (10) after a 2 s warm-up. Server CPU: utime+stime of the server JVM over the same
# window (/proc/PID/stat), divided by the echoes. lws4j runs as the built runtime (count-threads 1)
# on 7681; Jetty and Tomcat on 7695 and 7696, default settings, the same JDK.
#
# Builds nothing of lws4j: needs runtime/target/lws4j and bundles/jakarta-chat-example/target (mvn
# -o -DskipTests package). Jetty's and Tomcat's jars are resolved by Maven from jakarta/*-pom.xml
# (bench only: never in the distribution). Every server is stopped at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
example=$(ls "$here"/../../bundles/jakarta-chat-example/target/jakarta-chat-example-*.jar 2>/dev/null | grep -v sources | head -1)
clients=${1:-16}
secs=${2:-10}
window=${3:-1}
size=${4:-24}
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -o -DskipTests package" >&2; exit 1; }
[ -n "$example" ] || { echo "build bundles/jakarta-chat-example first" >&2; exit 1; }
tck=$(getconf CLK_TCK)

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# the client and the two foreign servers
mkdir -p "$work/classes"
javac -d "$work/classes" "$here/EchoBench.java" "$here/BenchWs.java"
for s in jetty tomcat; do
  mvn -q -B -f "$here/jakarta/$s-pom.xml" dependency:build-classpath -Dmdep.outputFile="$work/$s.cp" >/dev/null
  mkdir -p "$work/$s"
  javac -d "$work/$s" -cp "$(cat "$work/$s.cp"):$example" "$here/jakarta/$(tr a-z A-Z <<< ${s:0:1})${s:1}Echo.java"
done

# wait_port <port> <pid>
wait_port() {
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "the server on $1 died" >&2; exit 1; }
    sleep 0.2
  done
  echo "nothing listens on $1" >&2; exit 1
}

run_client() { # <port> <path> <protocol|-> <server pid>
  java -Dwsbench.size="$size" -Dwsbench.pid="$4" -Dwsbench.clktck="$tck" -cp "$work/classes" EchoBench "$1" "$2" "$3" "$clients" "$secs" "$window"
}

# lws4j: the runtime, its demo vhost on 7681 (the example's echo at /jakarta-echo, lws-echo at /)
mkdir -p "$work/lws4j"
cp -r "$dist/." "$work/lws4j/"
printf '{ "global": { "count-threads": "1", "server-string": "lws4j" } }\n' > "$work/lws4j/conf/lws4j.json"
"$work/lws4j/bin/lws4j" run > "$work/lws4j.log" 2>&1 &
pids+=($!); lws=$!
wait_port 7681 "$lws"
for _ in $(seq 1 100); do grep -q "Jakarta endpoint /jakarta-echo" "$work/lws4j.log" && grep -q "protocol lws-echo bound" "$work/lws4j.log" && break; sleep 0.2; done
printf 'lws4j @ServerEndpoint    '; run_client 7681 /jakarta-echo - "$lws"
printf 'lws4j lws-echo           '; run_client 7681 / lws-echo "$lws"
kill "$lws"; wait "$lws" 2>/dev/null || true

java -cp "$(cat "$work/jetty.cp"):$example:$work/jetty" JettyEcho 7695 > "$work/jetty.log" 2>&1 &
pids+=($!); jetty=$!
wait_port 7695 "$jetty"
printf 'Jetty 12 @ServerEndpoint '; run_client 7695 /jakarta-echo - "$jetty"
kill "$jetty"; wait "$jetty" 2>/dev/null || true

java -cp "$(cat "$work/tomcat.cp"):$example:$work/tomcat" TomcatEcho 7696 > "$work/tomcat.log" 2>&1 &
pids+=($!); tomcat=$!
wait_port 7696 "$tomcat"
printf 'Tomcat 11 @ServerEndpoint '; run_client 7696 /jakarta-echo - "$tomcat"
kill "$tomcat"; wait "$tomcat" 2>/dev/null || true
