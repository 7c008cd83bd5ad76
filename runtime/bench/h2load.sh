#!/usr/bin/env bash
# Benchmark (not a test): h2load against lws4j's HTTP/2 (h2c by prior knowledge, and h2 by ALPN
# on TLS) and HTTP/1.1, serving lws's own test.html, and against libwebsockets' C test server
# (Debian's lws 4.1.6, -s: TLS, h2 by ALPN) on the same file. Prints one line per run with
# req/s, request times, and the server's CPU per request (utime+stime from /proc).
#
#   runtime/bench/h2load.sh [requests] [connections] [streams]     (default 100000 10 10)
#
# Needs the runtime built (mvn -DskipTests package), h2load (apt-get install nghttp2-client) and
# libwebsockets-test-server (apt-get install libwebsockets-test-server).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="${LWS4J_DIST:-$here/../target/lws4j}"
n=${1:-100000}; c=${2:-10}; m=${3:-10}
site=/usr/share/libwebsockets-test-server
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -DskipTests package" >&2; exit 1; }
command -v h2load >/dev/null || { echo "h2load is not installed (apt-get install nghttp2-client)" >&2; exit 1; }
command -v libwebsockets-test-server >/dev/null || { echo "apt-get install libwebsockets-test-server" >&2; exit 1; }

work=$(mktemp -d)
cp -r "$dist/." "$work/"
rm -f "$work"/bundle/org.lws4j.test-server-*.jar   # no demo vhost on 7681: only ours
cat > "$work/conf/conf.d/h2bench.json" <<JSON
{ "vhosts": [
  { "name": "localhost", "port": "18681", "interface": "127.0.0.1",
    "mounts": [{ "mountpoint": "/", "origin": "file://$site", "default": "test.html" }] },
  { "name": "localhost", "port": "18682", "interface": "127.0.0.1", "host-ssl-cert": "bench.crt.pem",
    "host-ssl-key": "bench.key.pem", "generate-self-signed": "1",
    "mounts": [{ "mountpoint": "/", "origin": "file://$site", "default": "test.html" }] } ] }
JSON
# lws 4.1.6's bundled key is too small for OpenSSL 3's default security level
printf 'openssl_conf = i\n[i]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nCipherString = DEFAULT@SECLEVEL=0\n' > "$work/openssl.cnf"
"$work/bin/lws4j" run > "$work/run.log" 2>&1 &
jpid=$!
OPENSSL_CONF="$work/openssl.cnf" libwebsockets-test-server -s -p 18683 -r "$site/" > "$work/lws.log" 2>&1 &
cpid=$!
trap 'kill $jpid $cpid 2>/dev/null || true; wait 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fsk -o /dev/null https://127.0.0.1:18682/ && curl -fsk -o /dev/null https://127.0.0.1:18683/ && break
  sleep 0.2
done
# the JVM's pid is the java child of the script
jvm=$(pgrep -P "$jpid" java || echo "$jpid")

run() { # pid url label h2load-args...
  local pid=$1 url=$2 label=$3; shift 3
  local c0 c1 out tck done
  tck=$(getconf CLK_TCK)
  c0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  out=$(h2load "$@" "$url" 2>&1)
  c1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  done=$(awk '/^requests:/ {print $8}' <<<"$out")
  printf '%-22s h2load %-28s %s | %s | %s | CPU %s us/req\n' "$label" "$*" \
    "$(grep -o '[0-9.]* req/s' <<<"$out")" "$(grep '^requests:' <<<"$out" | cut -d, -f4-6)" \
    "$(grep 'time for request' <<<"$out" | awk '{print "mean " $6 " max " $5}')" \
    "$(awk -v c=$((c1 - c0)) -v t="$tck" -v n="${done:-0}" 'BEGIN { if (n > 0) printf "%.0f", c * 1e6 / t / n; else print "-" }')"
}
# warm the JIT
h2load -n 20000 -c "$c" -m "$m" http://127.0.0.1:18681/test.html > /dev/null 2>&1
h2load -n 20000 -c "$c" -m "$m" https://127.0.0.1:18682/test.html > /dev/null 2>&1
run "$jvm" http://127.0.0.1:18681/test.html "lws4j h2c" -n "$n" -c "$c" -m "$m"
run "$jvm" http://127.0.0.1:18681/test.html "lws4j http/1.1" --h1 -n "$n" -c "$c" -m 1
run "$jvm" https://127.0.0.1:18682/test.html "lws4j h2 (TLS)" -n "$n" -c "$c" -m "$m"
run "$cpid" https://127.0.0.1:18683/test.html "lws C 4.1.6 h2 (TLS)" -n "$n" -c "$c" -m "$m"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
