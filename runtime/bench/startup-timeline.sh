#!/usr/bin/env bash
# Benchmark aid (not a test): where a start of lws4j goes, up to its first answer (issue 23).
#
#   runtime/bench/startup-timeline.sh <home> <port> [path]
#
# Starts <home>/bin/lws4j run (a copy of runtime/target/lws4j, e.g. the one compare.sh makes, or
# the demo itself on 7681) once through FirstByte, with the JVM logging every class it loads
# (-Xlog:class+load, wall clock and uptime) and lws4j logging at -d 15, and prints:
#  - FirstByte's line (wall time and CPU to the first byte of GET <path>, default /test.html) and
#    the CPU time of each thread by then (JIT compiler threads, FelixStartLevel, main, ...);
#  - a timeline in seconds of JVM uptime: Felix created, bundles installed, each bundle's first
#    class (about when it starts), core's context and listeners, the gate opening ("accepting
#    connections"), from the first class of each kind and lws4j's own log lines;
#  - how many classes were loaded before the first answer and how many came from the CDS archive.
# Run it two or three times: the first start records the CDS archive, the second keeps it. Needs
# python3 and a JDK (javac). Starts one server, which FirstByte stops; talks to 127.0.0.1 only.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 <home> <port> [path]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$1" && pwd)
port=$2
path=${3:-/test.html}
[ -x "$home/bin/lws4j" ] || { echo "no bin/lws4j under $home" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is not installed (apt-get install python3)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
javac -d "$work" "$here/FirstByte.java"
JAVA_OPTS="${JAVA_OPTS:-} -Xlog:class+load=info:file=$work/classes.log:time,uptime" \
    java -Dfirstbyte.threads=true -Dwsbench.clktck="$(getconf CLK_TCK)" -cp "$work" FirstByte "$port" "$path" 60 \
    "$work/server.log" "$home/bin/lws4j" -d 15 run
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/classes.log" "$work/server.log" <<'PY'
import datetime, re, sys
marks = [
    ("org.apache.felix.main.Main ", "Felix Main (the launcher) loaded"),
    ("org.apache.felix.framework.Felix ", "Felix framework created"),
    ("org.apache.felix.resolver.ResolverImpl ", "Felix init: resolver ready, bundles being installed"),
    ("org.apache.felix.framework.StartLevelImpl ", "start level thread: bundles being resolved and started"),
    ("org.apache.felix.cm.", "ConfigAdmin starts"), ("org.apache.felix.fileinstall.", "FileInstall starts"),
    ("org.apache.felix.gogo.runtime.", "Gogo starts"), ("org.apache.felix.scr.impl.Activator ", "SCR starts"),
    ("org.lws4j.core.osgi.LwsComponent ", "core: LwsComponent activated"), ("org.lws4j.core.config.ConfigLoader ", "core: reading the config"),
    ("org.lws4j.cgi.", "cgi"), ("org.lws4j.ext.deflate.", "ext-deflate"), ("org.lws4j.group.nats.", "group-nats"),
    ("org.lws4j.group.redis.", "group-redis"), ("org.lws4j.jakarta.websocket.", "jakarta-websocket"),
    ("org.lws4j.example.jakarta.", "jakarta-chat-example"), ("org.lws4j.metrics.", "metrics"),
    ("org.lws4j.protocol.dumbincrement.", "protocol-dumb-increment"), ("org.lws4j.protocol.echo.", "protocol-echo"),
    ("org.lws4j.protocol.fraggle.", "protocol-fraggle"), ("org.lws4j.protocol.mirror.", "protocol-mirror"),
    ("org.lws4j.protocol.postdemo.", "protocol-post-demo"), ("org.lws4j.protocol.status.", "protocol-status"),
    ("org.lws4j.tls.", "tls"), ("org.bouncycastle.jce.provider.BouncyCastleProvider ", "BouncyCastle being set up"),
    ("org.lws4j.vfs.zip.", "vfs-zip"),
]
events, seen, t0, total, shared = [], set(), None, 0, 0
for line in open(sys.argv[1]):
    m = re.match(r"\[([^\]]+)\]\[([0-9.]+)s\] (\S+) ", line)
    if not m:
        continue
    up, cls = float(m.group(2)), m.group(3) + " "
    total += 1
    shared += "shared objects file" in line
    if t0 is None:
        t0 = datetime.datetime.fromisoformat(m.group(1)[:23]) - datetime.timedelta(seconds=up)
    for prefix, label in marks:
        if label not in seen and cls.startswith(prefix):
            seen.add(label)
            events.append((up, label))
keep = ("lws4j context", "listening on", "TLS on", "on port", "accepting connections")
for line in open(sys.argv[2]):
    m = re.match(r"\[(\d+)/(\d+)/(\d+) (\d+):(\d+):(\d+):(\d+)\] \w: (.*)", line)
    if m and t0 is not None and any(k in m.group(8) for k in keep) and "removed" not in m.group(8):
        g = [int(x) for x in m.groups()[:7]]
        t = datetime.datetime(*g[:6], g[6] * 1000)
        events.append(((t - t0).total_seconds(), "log: " + m.group(8)[:100]))
        if "accepting connections" in m.group(8):
            break
for up, label in sorted(events):
    print("%7.3f s  %s" % (up, label))
print("%d classes loaded by the time it stopped, %d of them from the CDS archive" % (total, shared))
PY
