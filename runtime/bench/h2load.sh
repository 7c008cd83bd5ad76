#!/usr/bin/env bash
# Benchmark (not a test): h2load against lws4j's HTTP/2 (h2 by ALPN on TLS, and h2c by prior
# knowledge) and its HTTP/1.1, against libwebsockets' C test server (Debian's lws 4.1.6, -s: TLS,
# h2 by ALPN) and against Jetty 12 (jakarta/JettyH2Static.java: ResourceHandler, h2 on TLS and
# h2c), all serving lws's own test.html (7.2 KB). One line per run: req/s, p99 of the request
# times (from h2load --log-file), and the server's CPU per request (utime+stime from /proc).
#
#   runtime/bench/h2load.sh [requests] [connections] [streams...]    (default 50000 10 1 100)
#
# Each server is measured with every <streams> (h2load -m) on <connections> connections; HTTP/1.1
# with -m 1 only (more would be pipelining). Needs the runtime built (mvn -DskipTests package), h2load
# (apt-get install nghttp2-client), libwebsockets-test-server (apt-get install
# libwebsockets-test-server), keytool, and Maven to resolve Jetty from jakarta/jetty-h2-pom.xml
# (bench only; MVN_ARGS is passed to it, e.g. MVN_ARGS=-Dmaven.repo.local=...). The JVMs are warmed
# first. Every server is stopped at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="${LWS4J_DIST:-$here/../target/lws4j}"
n=${1:-50000}; c=${2:-10}; shift $(( $# > 2 ? 2 : $# )) || true
streams=("$@"); [ ${#streams[@]} -gt 0 ] || streams=(1 100)
site=/usr/share/libwebsockets-test-server
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -DskipTests package" >&2; exit 1; }
command -v h2load >/dev/null || { echo "h2load is not installed (apt-get install nghttp2-client)" >&2; exit 1; }
command -v libwebsockets-test-server >/dev/null || { echo "apt-get install libwebsockets-test-server" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Jetty: its class path from Maven, the peer compiled, a PKCS#12 key for its TLS port
mvn -q -B ${MVN_ARGS:-} -f "$here/jakarta/jetty-h2-pom.xml" dependency:build-classpath -Dmdep.outputFile="$work/jetty.cp" >/dev/null 2>&1 \
  || { echo "Maven could not resolve Jetty (jakarta/jetty-h2-pom.xml)" >&2; exit 1; }
mkdir -p "$work/jetty"
javac -d "$work/jetty" -cp "$(cat "$work/jetty.cp")" "$here/jakarta/JettyH2Static.java"
keytool -genkeypair -keyalg RSA -keysize 2048 -alias bench -dname CN=localhost -validity 2 -keystore "$work/jetty.p12" \
  -storetype PKCS12 -storepass benchpass -keypass benchpass >/dev/null 2>&1

cp -r "$dist/." "$work/lws4j"
rm -f "$work"/lws4j/bundle/org.lws4j.test-server-*.jar   # no demo vhost on 7681: only ours
cat > "$work/lws4j/conf/conf.d/h2bench.json" <<JSON
{ "vhosts": [
  { "name": "localhost", "port": "18681", "interface": "127.0.0.1",
    "mounts": [{ "mountpoint": "/", "origin": "file://$site", "default": "test.html" }] },
  { "name": "localhost", "port": "18682", "interface": "127.0.0.1", "host-ssl-cert": "bench.crt.pem",
    "host-ssl-key": "bench.key.pem", "generate-self-signed": "1",
    "mounts": [{ "mountpoint": "/", "origin": "file://$site", "default": "test.html" }] } ] }
JSON
# lws 4.1.6's bundled key is too small for OpenSSL 3's default security level
printf 'openssl_conf = i\n[i]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nCipherString = DEFAULT@SECLEVEL=0\n' > "$work/openssl.cnf"
"$work/lws4j/bin/lws4j" run > "$work/run.log" 2>&1 &
jpid=$!; pids+=("$jpid")
OPENSSL_CONF="$work/openssl.cnf" libwebsockets-test-server -s -p 18683 -r "$site/" > "$work/lws.log" 2>&1 &
cpid=$!; pids+=("$cpid")
java -cp "$work/jetty:$(cat "$work/jetty.cp")" JettyH2Static "$site" 18691 18692 "$work/jetty.p12" benchpass > "$work/jetty.log" 2>&1 &
jettypid=$!; pids+=("$jettypid")
for _ in $(seq 1 150); do
  curl -fsk -o /dev/null https://127.0.0.1:18682/ && curl -fsk -o /dev/null https://127.0.0.1:18683/ \
    && curl -fsk -o /dev/null https://127.0.0.1:18692/test.html && break
  sleep 0.2
done
# the JVM's pid is the java child of the launcher script
jvm=$(pgrep -P "$jpid" java || echo "$jpid")

printf '%-24s %-4s %10s %9s %9s %12s  %s\n' server "-m" "req/s" "mean ms" "p99 ms" "CPU us/req" "ok/failed"
run() { # pid url label streams [h2load args...]
  local pid=$1 url=$2 label=$3 m=$4; shift 4
  local c0 c1 out tck ok log=$work/requests.log
  tck=$(getconf CLK_TCK)
  c0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  rm -f "$log"; touch "$log"
  out=$(h2load "$@" -n "$n" -c "$c" -m "$m" --log-file="$log" "$url" 2>&1)
  c1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  ok=$(awk '/^requests:/ {print $8}' <<<"$out")
  printf '%-24s %-4s %10s %9s %9s %12s  %s/%s\n' "$label" "$m" "$(awk '/^finished in/ {print $4}' <<<"$out")" \
    "$(awk '{ s += $3; k++ } END { if (k) printf "%.2f", s / k / 1000 }' "$log")" \
    "$(awk '{print $3}' "$log" | sort -n | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < NR * 0.99) i++; if (NR) printf "%.2f", v[i] / 1000 }')" \
    "$(awk -v c=$((c1 - c0)) -v t="$tck" -v n="${ok:-0}" 'BEGIN { if (n > 0) printf "%.1f", c * 1e6 / t / n; else print "-" }')" \
    "${ok:-0}" "$(awk '/^requests:/ {print $10}' <<<"$out")"
}
# warm the JITs
for url in http://127.0.0.1:18681/test.html https://127.0.0.1:18682/test.html http://127.0.0.1:18691/test.html \
    https://127.0.0.1:18692/test.html; do
  h2load -n 20000 -c "$c" -m 10 "$url" > /dev/null 2>&1
done
h2load --h1 -n 20000 -c "$c" http://127.0.0.1:18681/test.html > /dev/null 2>&1
for m in "${streams[@]}"; do
  run "$jvm" https://127.0.0.1:18682/test.html "lws4j h2 (TLS)" "$m"
  run "$jvm" http://127.0.0.1:18681/test.html "lws4j h2c" "$m"
  [ "$m" = 1 ] && run "$jvm" http://127.0.0.1:18681/test.html "lws4j HTTP/1.1" "$m" --h1
  run "$cpid" https://127.0.0.1:18683/test.html "lws C 4.1.6 h2 (TLS)" "$m"
  run "$jettypid" https://127.0.0.1:18692/test.html "Jetty 12.1.14 h2 (TLS)" "$m"
  run "$jettypid" http://127.0.0.1:18691/test.html "Jetty 12.1.14 h2c" "$m"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
