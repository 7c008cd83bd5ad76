#!/usr/bin/env bash
# Benchmark (not a test): lws4j side by side with libwebsockets C (Debian's libwebsockets-test-
# server, lws 4.1.6) on lws's own test workloads, in one run, alternating A B A B (issue 23).
#
#   runtime/bench/compare.sh [report-file]          (default ./compare-report.md)
#
# Both servers serve lws's test files (/usr/share/libwebsockets-test-server) and its protocols
# (lws-mirror-protocol, dumb-increment-protocol, lws-status) on 127.0.0.1 only, on ports of their
# own (LWS_PORT 17681, LWS4J_PORT 17691: nothing clashes with the demo's 7681/7682). lws4j runs as
# a copy of runtime/target/lws4j in a temp folder, without the demo bundle, with conf/conf.d/bench.json
# for that vhost (count-threads 1, as lws's test server has one service thread). Each workload runs
# ROUNDS times per server, alternately; the table shows medians and lws4j/lws C ratios:
#
#  - static: wrk -t1 -c50 -d SECS --latency /test.html: req/s, p50/p99, and the server's CPU per
#    request (utime+stime from /proc/PID/stat over the run, divided by the requests wrk counted);
#  - mirror fan-out: WsBench mirror, 1 sender and CLIENTS-1 more receivers in one ?mirror= group,
#    at most 32 messages in flight: deliveries/s, p50/p99 delivery latency, server CPU per delivery;
#  - window-1 round trip: EchoBench, one lws-mirror-protocol client alone in its group with one
#    message in flight: p50/p99 of the round trip;
#  - paced C client: lws's own libwebsockets-test-client (a circle per CLIENT_WRITEABLE) for 8 s
#    with a second client (WsBench idle) listening on the mirror: circles written (its -d 1024
#    line per write) and circles received back through the mirror by the listener;
#  - idle memory: IDLE (10000) lws-mirror-protocol connections held open by WsBench idle on a
#    freshly started server: RSS per connection (VmRSS from /proc before and after) and, for lws4j,
#    heap per connection (jcmd GC.heap_info "used" after two full GCs; G1 counts whole regions, so
#    the live bytes from GC.class_histogram are shown too);
#  - start to first byte: FirstByte starts the server and polls 127.0.0.1 every millisecond until
#    the first byte of the answer to GET /test.html; STARTS (5) starts each, alternately, median.
#
# Environment: ROUNDS (3), SECS (8), CLIENTS (100), IDLE (10000), STARTS (5), PACED (8, seconds), LWS_PORT, LWS4J_PORT,
# PARTS (which workloads, default "static fanout rtt paced start idle"), THREADS (lws4j's count-threads,
# default 1: lws's test server has one service thread), SERVER_CPUS and CLIENT_CPUS (taskset CPU lists
# for the servers and for every client, e.g. SERVER_CPUS=1 CLIENT_CPUS=0, so that with THREADS=2 the
# figures are not a measurement of the clients competing for the same cores),
# JAVA_OPTS (passed to the lws4j server). Needs: runtime/target/lws4j (mvn -o -DskipTests install),
# a JDK (javac, jcmd), and the Debian packages wrk and libwebsockets-test-server (which also brings
# libwebsockets-test-client). Run it on a quiet machine: the ratios are what count; the load average
# is printed with the table. Bounded: every client stops by itself, every process started here is
# stopped on exit (trap). Benchmarks are not run by CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
report=${1:-$PWD/compare-report.md}
rounds=${ROUNDS:-3}
secs=${SECS:-8}
clients=${CLIENTS:-100}
idle=${IDLE:-10000}
starts=${STARTS:-5}
paced=${PACED:-8}
parts=" ${PARTS:-static fanout rtt paced start idle} "
threads=${THREADS:-1}
srv_pin=() cli_pin=()
if [ -n "${SERVER_CPUS:-}" ]; then srv_pin=(taskset -c "$SERVER_CPUS"); fi
if [ -n "${CLIENT_CPUS:-}" ]; then cli_pin=(taskset -c "$CLIENT_CPUS"); fi
want() { [[ "$parts" == *" $1 "* ]]; }
lws_port=${LWS_PORT:-17681}
j_port=${LWS4J_PORT:-17691}
www=/usr/share/libwebsockets-test-server
tck=$(getconf CLK_TCK)

[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -o -DskipTests install" >&2; exit 1; }
for t in wrk libwebsockets-test-server libwebsockets-test-client javac jcmd curl; do
  command -v "$t" >/dev/null || { echo "$t is not installed (wrk: apt-get install wrk; libwebsockets-test-*: apt-get install libwebsockets-test-server; javac, jcmd: a JDK)" >&2; exit 1; }
done
[ -f "$www/test.html" ] || { echo "no $www/test.html (apt-get install libwebsockets-test-server)" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((idle + 512)) ]; then
  echo "fd limit $(ulimit -n) is too low for $idle connections" >&2; exit 1
fi

work=$(mktemp -d)
declare -A pid=()
cleanup() {
  local s
  for s in "${!pid[@]}"; do
    if kill -0 "${pid[$s]}" 2>/dev/null; then
      kill "${pid[$s]}" 2>/dev/null || true
      wait "${pid[$s]}" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work/classes" "$work/res"
javac -d "$work/classes" "$here/WsBench.java" "$here/BenchWs.java" "$here/EchoBench.java" "$here/FirstByte.java"
bench() { ${cli_pin[@]+"${cli_pin[@]}"} java -Dwsbench.clktck="$tck" -cp "$work/classes" "$@"; }
wrk_bin=$(command -v wrk)
wrk() { ${cli_pin[@]+"${cli_pin[@]}"} "$wrk_bin" "$@"; }

# lws4j's home: the runtime without the demo bundle, one vhost like lws's test server's
home="$work/lws4j"
cp -r "$dist/." "$home/"
rm -f "$home"/bundle/org.lws4j.test-server-*.jar
# lws's test server agrees no extension (its 101 has no Sec-WebSocket-Extensions, though its own C
# client offers permessage-deflate): without ext-deflate lws4j agrees none either, so both mirror
# the same bytes; ext_check below verifies it on each server's first handshake
rm -f "$home"/bundle/org.lws4j.ext-deflate-*.jar
rm -rf "$home/cache" "$home/run" "$home/logs"
cat > "$home/conf/conf.d/bench.json" <<JSON
{ "vhosts": [{
  "name": "localhost", "port": "$j_port", "interface": "127.0.0.1",
  "mounts": [{ "mountpoint": "/", "origin": "file://$www", "default": "test.html" }],
  "ws-protocols": [{ "dumb-increment-protocol": {}, "lws-mirror-protocol": {}, "lws-status": {} }]
}] }
JSON
printf '{ "global": { "count-threads": "%s", "server-string": "lws4j" } }\n' "$threads" > "$home/conf/lws4j.json"

port_of() { if [ "$1" = lws ]; then echo "$lws_port"; else echo "$j_port"; fi; }
# the command line of a server, for FirstByte and start
server_cmd() {
  if [ "$1" = lws ]; then
    echo libwebsockets-test-server "--port=$lws_port" -i lo -d 1
  else
    echo "$home/bin/lws4j" run
  fi
}

# start <lws|lws4j>: the server in the background (bin/lws4j run execs java: $! is the JVM)
start() {
  local s=$1 p
  p=$(port_of "$s")
  if curl -s -o /dev/null "http://127.0.0.1:$p/"; then echo "port $p is in use" >&2; exit 1; fi
  # shellcheck disable=SC2046
  ${srv_pin[@]+"${srv_pin[@]}"} $(server_cmd "$s") > "$work/$s.log" 2>&1 < /dev/null &
  pid[$s]=$!
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "http://127.0.0.1:$p/test.html" && return 0
    kill -0 "${pid[$s]}" 2>/dev/null || { echo "$s died:" >&2; tail -20 "$work/$s.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$s did not answer on $p within 60 s" >&2; tail -20 "$work/$s.log" >&2; exit 1
}
stop() {
  local s=$1
  if [ -n "${pid[$s]:-}" ]; then
    kill "${pid[$s]}" 2>/dev/null || true
    wait "${pid[$s]}" 2>/dev/null || true
    unset "pid[$s]"
  fi
}
cpu_us() { awk -v t="$tck" '{ sub(/.*\) /, ""); split($0, f, " "); printf "%.0f\n", (f[12] + f[13]) * 1e6 / t }' "/proc/$1/stat"; }
rss_kb() { awk '$1 == "VmRSS:" {print $2}' "/proc/$1/status"; }
# record <metric> <server> <value>
record() { echo "$3" >> "$work/res/$1.$2"; }
median() {
  [ -s "$work/res/$1.$2" ] || { echo "-"; return; }
  sort -g "$work/res/$1.$2" | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
# wrk's latency ("812.00us", "3.50ms", "1.02s") in ms
to_ms() { awk -v x="$1" 'BEGIN { n = x + 0; if (x ~ /us$/) n /= 1000; else if (x ~ /ms$/) n = n; else if (x ~ /s$/) n *= 1000; print n }'; }

static_round() {
  local s=$1 p out c0 c1 reqs
  p=$(port_of "$s")
  c0=$(cpu_us "${pid[$s]}")
  out=$(wrk -t1 -c50 -d"${secs}s" --latency "http://127.0.0.1:$p/test.html")
  c1=$(cpu_us "${pid[$s]}")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then echo "$s static: $(grep -E 'Non-2xx|Socket errors' <<<"$out")" >&2; fi
  record static_rps "$s" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  record static_p50 "$s" "$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  record static_p99 "$s" "$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  record static_cpu "$s" "$(awk -v c=$((c1 - c0)) -v r="$reqs" 'BEGIN {printf "%.2f", c / r}')"
  echo "  static $s: $(awk '/Requests\/sec/ {print $2}' <<<"$out") req/s, $((c1 - c0)) us CPU for $reqs requests"
}

fanout_round() {
  local s=$1 out
  out=$(bench -Dwsbench.pid="${pid[$s]}" WsBench mirror "$(port_of "$s")" "$clients" "$secs")
  echo "  fan-out $s: $out"
  record fan_rate "$s" "$(grep -o ' delivered=[0-9.]*' <<<"$out" | cut -d= -f2)"
  record fan_p50 "$s" "$(grep -o 'p50=[0-9]*' <<<"$out" | cut -d= -f2)"
  record fan_p99 "$s" "$(grep -o 'p99=[0-9]*' <<<"$out" | cut -d= -f2)"
  record fan_cpu "$s" "$(grep -o 'server-cpu=[0-9.]*' <<<"$out" | cut -d= -f2)"
}

rtt_round() {
  local s=$1 out
  out=$(bench -Dwsbench.pid="${pid[$s]}" EchoBench "$(port_of "$s")" "/?mirror=rtt" lws-mirror-protocol 1 "$secs" 1)
  echo "  round trip $s: $out"
  record rtt_p50 "$s" "$(grep -o 'p50=[0-9]*' <<<"$out" | cut -d= -f2)"
  record rtt_p99 "$s" "$(grep -o 'p99=[0-9]*' <<<"$out" | cut -d= -f2)"
}

# lws's C test client joins the default mirror group ("/"), a circle per CLIENT_WRITEABLE; an idle
# WsBench client listens in the same group, as a second client does in lws's test
paced_round() {
  local s=$1 p lpid out written received
  p=$(port_of "$s")
  rm -f "$work/trigger"
  bench WsBench idle "$p" 1 lws-mirror-protocol "$work/trigger" 60 > "$work/listener.log" 2>&1 &
  lpid=$!
  for _ in $(seq 1 300); do grep -q '^ready 1 ' "$work/listener.log" && break; sleep 0.1; done
  grep -q '^ready 1 ' "$work/listener.log" || { echo "the listener did not connect:" >&2; cat "$work/listener.log" >&2; exit 1; }
  ${cli_pin[@]+"${cli_pin[@]}"} timeout -s INT "$paced" libwebsockets-test-client 127.0.0.1 --port="$p" --justmirror -d 1039 > "$work/paced.log" 2>&1 || true
  sleep 1 # the last circles on their way to the listener
  touch "$work/trigger"
  wait "$lpid" || true
  written=$(grep -c 'LWS_CALLBACK_CLIENT_WRITEABLE' "$work/paced.log" || true)
  received=$(grep -o 'received [0-9]* messages' "$work/listener.log" | awk '{print $2}')
  echo "  paced C client $s: written $written, received back $received"
  record paced_w "$s" "$written"
  record paced_r "$s" "$received"
}

# idle memory: a fresh server, IDLE idle connections
idle_once() {
  local s=$1 p r0 r1 h0 h1 l0 l1 n cpid
  p=$(port_of "$s")
  start "$s"
  sleep 2
  if [ "$s" = lws4j ]; then read -r h0 l0 <<<"$(heap "${pid[$s]}")"; fi
  r0=$(rss_kb "${pid[$s]}")
  # the last server's idle.log goes first: its "ready" line would end the wait below at once if
  # the client had not truncated the file yet, and the figures would be taken while connecting
  rm -f "$work/trigger" "$work/idle.log"
  bench WsBench idle "$p" "$idle" lws-mirror-protocol "$work/trigger" 600 > "$work/idle.log" 2>&1 &
  cpid=$!
  for _ in $(seq 1 3000); do
    grep -qs '^ready' "$work/idle.log" && break
    kill -0 "$cpid" 2>/dev/null || { echo "the idle client died:" >&2; cat "$work/idle.log" >&2; exit 1; }
    sleep 0.1
  done
  sleep 2
  n=$(awk '/^ready/ {print $2}' "$work/idle.log")
  [ "${n:-0}" -gt 0 ] || { echo "no idle connection opened on $s" >&2; cat "$work/idle.log" >&2; exit 1; }
  if [ "$s" = lws4j ]; then read -r h1 l1 <<<"$(heap "${pid[$s]}")"; fi
  r1=$(rss_kb "${pid[$s]}")
  touch "$work/trigger"
  wait "$cpid" || true
  echo "  idle $s: $(grep '^ready' "$work/idle.log"); RSS $r0 -> $r1 KiB"
  record idle_rss "$s" "$(awk -v a="$r0" -v b="$r1" -v n="$n" 'BEGIN {printf "%.0f", (b - a) * 1024 / n}')"
  if [ "$s" = lws4j ]; then
    record idle_heap "$s" "$(awk -v a="$h0" -v b="$h1" -v n="$n" 'BEGIN {printf "%.0f", (b - a) / n}')"
    record idle_live "$s" "$(awk -v a="$l0" -v b="$l1" -v n="$n" 'BEGIN {printf "%.0f", (b - a) / n}')"
  fi
  stop "$s"
}
# heap <pid>: "<used-bytes> <live-bytes>" after full GCs (as ws-bench.sh)
heap() {
  jcmd "$1" GC.run > /dev/null
  jcmd "$1" GC.run > /dev/null
  local used live
  used=$(jcmd "$1" GC.heap_info | grep -m1 -o 'used [0-9]*K' | tr -dc '0-9')
  live=$(jcmd "$1" GC.class_histogram | awk '$1 == "Total" {print $3}')
  echo "$((used * 1024)) $live"
}

load() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(load)
echo "compare.sh: $rounds rounds of ${secs} s, load average $load_start"

# ---- throughput and latency: both servers up, A B A B --------------------------------------------
# ext_check <server>: the extensions it agrees to the offer lws's C test client makes
ext_check() {
  local p ans line
  p=$(port_of "$1")
  ans=$(exec 3<>"/dev/tcp/127.0.0.1/$p"
    printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: lws-mirror-protocol\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n' >&3
    while IFS= read -r -t 2 line <&3; do line=${line%$'\r'}; [ -z "$line" ] && break; echo "$line"; done)
  grep -qi '^HTTP/1.1 101' <<<"$ans" || { echo "$1 did not upgrade a mirror connection: $ans" >&2; exit 1; }
  if grep -qi '^Sec-WebSocket-Extensions' <<<"$ans"; then
    echo "$1 agrees $(grep -i '^Sec-WebSocket-Extensions' <<<"$ans" | tr -d '\r'): the servers must agree the same extensions" >&2
    exit 1
  fi
}

if want static || want fanout || want rtt || want paced; then
  start lws
  start lws4j
  ext_check lws
  ext_check lws4j
  echo "warm-up (JIT): wrk 5 s and a short fan-out on each"
  for s in lws lws4j; do
    wrk -t1 -c50 -d5s "http://127.0.0.1:$(port_of "$s")/test.html" > /dev/null
    bench WsBench mirror "$(port_of "$s")" "$clients" 3 > /dev/null
  done
  for r in $(seq 1 "$rounds"); do
    echo "round $r (load $(load))"
    if want static; then for s in lws lws4j; do static_round "$s"; done; fi
    if want fanout; then for s in lws lws4j; do fanout_round "$s"; done; fi
    if want rtt; then for s in lws lws4j; do rtt_round "$s"; done; fi
    if want paced; then for s in lws lws4j; do paced_round "$s"; done; fi
  done
  stop lws
  stop lws4j
fi

# ---- start to first byte ---------------------------------------------------------------------------
want start || starts=0
for r in $(seq 1 "$starts"); do
  for s in lws lws4j; do
    # shellcheck disable=SC2046
    out=$(bench FirstByte "$(port_of "$s")" /test.html 60 "$work/$s-start.log" $(server_cmd "$s"))
    echo "  start $r $s: $out (load $(load))"
    record ttfb "$s" "$(awk '{print $2}' <<<"$out")"
  done
done

# ---- idle memory -------------------------------------------------------------------------------
if want idle; then for s in lws lws4j; do idle_once "$s"; done; fi
load_end=$(load)

# ---- the table -------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a + 0 == 0) print "-"; else printf "%.2f", b / a }'; }
row() { # row <label> <metric> <unit>
  local a b
  a=$(median "$2" lws); b=$(median "$2" lws4j)
  echo "| $1 | $a$3 | $b$3 | $(ratio "$a" "$b") |"
}
{
  echo "lws4j $(ls "$dist"/bundle/org.lws4j.core-*.jar | sed 's/.*core-//; s/\.jar$//') vs lws C $(dpkg-query -W -f '${Version}' libwebsockets-test-server 2>/dev/null || echo '?'),"
  echo "$(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), load average before $load_start, after $load_end;"
  echo "$rounds rounds A B A B (starts: $starts), medians; lws4j count-threads $threads; servers on CPUs ${SERVER_CPUS:-any}, clients on ${CLIENT_CPUS:-any}. runtime/bench/compare.sh"
  echo
  echo "| workload | lws C | lws4j | lws4j/lws C |"
  echo "|---|---|---|---|"
  row "static \`/test.html\`, wrk -t1 -c50: server CPU per request (us)" static_cpu ""
  row "same: req/s" static_rps ""
  row "same: p50 (ms)" static_p50 ""
  row "same: p99 (ms)" static_p99 ""
  row "mirror fan-out 1 to $clients: server CPU per delivery (us)" fan_cpu ""
  row "same: deliveries/s" fan_rate ""
  row "same: p50 (us)" fan_p50 ""
  row "same: p99 (us)" fan_p99 ""
  row "window-1 mirror round trip p50 (us)" rtt_p50 ""
  row "same: p99 (us)" rtt_p99 ""
  row "lws's C test client, circles written in $paced s" paced_w ""
  row "same: circles received back" paced_r ""
  row "idle: RSS per connection ($idle connections, bytes)" idle_rss ""
  echo "| same: heap per connection (GC.heap_info used after full GC; live objects), bytes | - | $(median idle_heap lws4j); $(median idle_live lws4j) | - |"
  row "start to first byte (ms)" ttfb ""
} > "$report"
echo
cat "$report"
echo
echo "report: $report"
