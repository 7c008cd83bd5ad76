#!/usr/bin/env bash
# Benchmark (not a test): the live-change soak. Plug-in bundles are updated through deploy/ and a
# vhost's .cfg is edited, again and again, on a running copy of the runtime under load; the report
# says what every client saw, how long each rebind took and whether anything leaks. Soak.java is
# the driver and SoakClients.java its JDK-only HTTP and WebSocket clients, compiled here by javac.
#
#   runtime/bench/soak.sh [protocol-updates] [plugin-updates] [vhost-edits] [ws-clients]
#                         (defaults 1000 200 1000 100; e.g. "soak.sh 20 5 20 20" for a short run)
#
#  1. <protocol-updates> updates of lws-mirror-protocol's bundle (protocol-mirror) while
#     <ws-clients> WebSocket clients of other protocols (half dumb-increment-protocol, half
#     lws-echo) and an HTTP load (keep-alive and new-connection loops of GETs of a static file and
#     of a CALLBACK mount of lws4j-dynamic) run, with 10 lws-mirror clients of its own;
#  2. <plugin-updates> updates each of the tls, vfs-zip, cgi and ext-deflate bundles, with the
#     same load plus clients of every plug-in running all the time (wss and https; GETs into a
#     zip mount; a CGI mount; permessage-deflate lws-echo clients);
#  3. <vhost-edits> edits of deploy/org.lws4j.vhost-live.cfg (each changes the X-Edit response
#     header; the next is written once the previous shows in a response) under the same load,
#     while a poller GETs / of that vhost on a new connection every 10 ms.
# A client of the plug-in being updated may see its own connection closed, a 503 with
# Retry-After, a refused TLS handshake or deflate not negotiated: counted as "own". Anything a
# client of anything else sees, and anything else at all (a 404, a gap in a dumb-increment
# counter, a lost echo...) is an ERROR. Expected: 0 failed updates, 0 edits that never took
# effect, 0 errors, and flat leak figures.
#
# Updates: each jar is rewritten with one more entry (META-INF/lws4j-soak-revision.txt naming the
# revision), staged in the copy's staging/ and moved over the jar in deploy/ with ATOMIC_MOVE;
# FileInstall (felix.fileinstall.poll set to $POLL_MS, 100 ms, in the copy) updates the bundle.
# Rebind time: from the move to the first success of a fresh client of the plug-in made after the
# server's log says the new revision is bound.
#
# Leak figures, before each set of updates, every 100 updates and after, after a full GC:
#  - loaders: live instances of org.apache.felix.framework.BundleWiringImpl$BundleClassLoader
#    (jcmd PID GC.class_histogram, which runs a full GC first): one per bundle revision that has
#    loaded a class;
#  - old-revs: live BundleRevisionImpl minus live BundleImpl instances. Every installed bundle
#    has one current revision, so the difference counts revisions of updated bundles still
#    reachable: a leaked class loader holds its revision, so a leak shows here and in loaders;
#  - classes: loaded minus unloaded classes (jcmd PerfCounter.print);
#  - live-MiB: live heap (the histogram's total); used-MiB and meta-MiB: heap and metaspace used
#    (jcmd GC.heap_info); threads: /proc/PID/status; fds: entries of /proc/PID/fd; cpu-s: the
#    server's CPU seconds so far; load1: the machine's load average (the cores are shared).
#
# Last full run (defaults; 2 cores shared with other builds, load average 10-18; 11 min, and the
# same with THREADS=2): 0 failed rebinds, 0 edits that never took effect, 0 client errors;
# rebind median/p99/max in ms: protocol-mirror 127/392/684, tls 242/626/746, vfs-zip 115/161/183,
# cgi 125/490/656, ext-deflate 125/210/225, .cfg edit shown 106/160/357; at every snapshot 31
# bundle class loaders and 0 old revisions alive, 41-45 threads, 176-193 fds, 15.5-18.0 MiB live
# heap. The full table is in README.md, "Benchmarks".
#
# Builds nothing: needs runtime/target/lws4j and bundles/protocol-dynamic/target/*.jar
# (mvn -o -q -B package -DskipTests -Dlws4j.autobahn.skip=true) and a JDK (javac, jcmd). Runs a copy
# of the runtime in a temp folder on 127.0.0.1:$PORT (7791, plain), PORT+1 (TLS) and PORT+2 (the
# edited vhost), without the demo bundle, with THREADS service threads (count-threads, default 1).
# JAVA_OPTS is passed to the server (default -Xmx512m).
# Bounded: the driver stops by itself after LIMIT_MIN minutes (default: from the counts), and is
# killed 5 minutes after that. The copy is deleted, or kept (and named) when the run found errors.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dist="$here/../target/lws4j"
updates=${1:-1000}
plugin_updates=${2:-200}
edits=${3:-1000}
clients=${4:-100}
port=${PORT:-7791}
tls_port=$((port + 1))
live_port=$((port + 2))
poll=${POLL_MS:-100}
threads=${THREADS:-1}
limit=${LIMIT_MIN:-$((10 + (updates * 3 + plugin_updates * 4 * 5 + edits * 3) / 60))}
[ -x "$dist/bin/lws4j" ] || { echo "build the runtime first: mvn -o -q -B package -DskipTests" >&2; exit 1; }
dyn=$(ls "$here"/../../bundles/protocol-dynamic/target/protocol-dynamic-*.jar 2>/dev/null | grep -v sources | head -1 || true)
[ -n "$dyn" ] || { echo "no bundles/protocol-dynamic/target/protocol-dynamic-*.jar: build first" >&2; exit 1; }
for t in javac jcmd unzip; do command -v "$t" >/dev/null || { echo "$t not found" >&2; exit 1; }; done
for p in "$port" "$tls_port" "$live_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "port $p is in use: set PORT" >&2; exit 1; fi
done

work=$(mktemp -d /tmp/lws4j-soak.XXXXXX)
classes=$(mktemp -d)
pid=""
keep=0
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$classes"
  if [ "$keep" = 1 ]; then echo "the runtime's copy and its log are kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

javac -d "$classes" "$here/Soak.java" "$here/SoakClients.java"

# ---- the copy: no demo; the plug-ins in deploy/ (FileInstall updates them there); a site --------
cp -r "$dist/." "$work/"
ts=$(ls "$work"/bundle/org.lws4j.test-server-*.jar)
mkdir -p "$work/www"
unzip -q -p "$ts" site/book.zip > "$work/www/book.zip"
rm "$ts"
printf '<!DOCTYPE html><title>soak</title><p>static page of the soak</p>\n' > "$work/www/index.html"
cat > "$work/www/hello.cgi" <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\nhello %s\n' "$PATH_INFO"
CGI
chmod +x "$work/www/hello.cgi"
for b in protocol-mirror tls vfs-zip cgi ext-deflate; do mv "$work"/bundle/org.lws4j.$b-*.jar "$work/deploy/"; done
cp "$dyn" "$work/deploy/"
sed -i "s/^felix.fileinstall.poll=.*/felix.fileinstall.poll=$poll/" "$work/conf/config.properties"
grep -q "^felix.fileinstall.poll=$poll\$" "$work/conf/config.properties" || { echo "could not set felix.fileinstall.poll" >&2; exit 1; }
printf '{ "global": { "count-threads": "%s", "server-string": "lws4j" } }\n' "$threads" > "$work/conf/lws4j.json"
cat > "$work/conf/conf.d/soak.json" <<JSON
{ "vhosts": [
  { "name": "soak", "port": "$port", "interface": "127.0.0.1",
    "mounts": [
      { "mountpoint": "/", "origin": "file://$work/www", "default": "index.html" },
      { "mountpoint": "/dyn", "origin": "callback://lws4j-dynamic" },
      { "mountpoint": "/ziptest", "origin": "file://$work/www/book.zip", "default": "index.html" },
      { "mountpoint": "/cgi", "origin": "cgi://$work/www/hello.cgi" } ],
    "ws-protocols": [ { "dumb-increment-protocol": {} }, { "lws-echo": {} }, { "lws-mirror-protocol": {} } ] },
  { "name": "soak-tls", "port": "$tls_port", "interface": "127.0.0.1",
    "host-ssl-cert": "soak.crt.pem", "host-ssl-key": "soak.key.pem", "generate-self-signed": "1",
    "mounts": [ { "mountpoint": "/", "origin": "file://$work/www", "default": "index.html" } ],
    "ws-protocols": [ { "lws-echo": {} } ] } ] }
JSON

export JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
"$work/bin/lws4j" run > "$work/run.log" 2>&1 &
pid=$! # bin/lws4j ends in 'exec java': this is the server JVM
ready=0
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || { echo "the server died:" >&2; cat "$work/run.log" >&2; exit 1; }
  if grep -q "accepting connections" "$work/run.log" && grep -q "protocol lws-mirror-protocol bound" "$work/run.log" \
      && grep -q "protocol lws4j-dynamic bound" "$work/run.log" && grep -q "TLS on /127.0.0.1:$tls_port" "$work/run.log" \
      && grep -q 'file ops for ".zip/" available' "$work/run.log" && grep -q "mount origin cgi:// available" "$work/run.log" \
      && grep -q "extension permessage-deflate available" "$work/run.log"; then
    ready=1; break
  fi
  sleep 0.2
done
[ "$ready" = 1 ] || { echo "the server did not come up:" >&2; tail -30 "$work/run.log" >&2; exit 1; }

echo "soak: runtime copy $work (pid $pid), ports $port/$tls_port/$live_port, count-threads $threads, FileInstall poll ${poll} ms, JAVA_OPTS=$JAVA_OPTS"
echo "soak: $updates protocol updates, $plugin_updates updates of each plug-in, $edits vhost edits, $clients WebSocket clients; time limit $limit min"
start=$(date +%s)
rc=0
timeout --signal=KILL $(( (limit + 5) * 60 )) \
  java -Xmx256m -XX:+UseSerialGC -cp "$classes" Soak --pid "$pid" --home "$work" --port "$port" --tls-port "$tls_port" \
    --live-port "$live_port" --updates "$updates" --plugin-updates "$plugin_updates" --edits "$edits" \
    --clients "$clients" --minutes "$limit" || rc=$?
echo "soak: driver exit status $rc after $(( $(date +%s) - start )) s; server alive: $(kill -0 "$pid" 2>/dev/null && echo yes || echo NO)"
if [ "$rc" != 0 ]; then keep=1; fi
exit "$rc"
