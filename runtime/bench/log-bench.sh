#!/usr/bin/env bash
# Benchmark (not a test): what a disabled log level costs on a hot path (LogGuardBench.java, on
# core's own LogImpl). Prints ns per loop iteration (a ~1 ns xorshift step plus the log statement),
# the median of three JVMs per row, each the best of seven timed rounds.
#
#   runtime/bench/log-bench.sh [millions-per-round]
#
# Rows: no statement; a guarded statement whose level is compiled out (LogBuild flag false); the
# guard with the level compiled in but off at run time (-d 7); the bare call with the level off;
# the same two with LogImpl.log kept from being inlined (what a call from a method too big for the
# JIT's inlining budget gets); and the level on, formatting into an emitter that drops the line.
#
# Builds nothing: needs bundles/api and bundles/core compiled (mvn -o -DskipTests install).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="$here/../.."
millions=${1:-200}
cp="$root/bundles/api/target/classes:$root/bundles/core/target/classes"
[ -f "$root/bundles/core/target/classes/org/lws4j/core/log/LogImpl.class" ] \
  || { echo "build core first: mvn -o -DskipTests install" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
javac -nowarn -cp "$cp" -d "$work" "$here/LogGuardBench.java"

# javac leaves a compiled-out statement out of the bytecode: the loop is the same as "none"
body() { javap -c -cp "$work:$cp" LogGuardBench | awk -v m="static long $1(" '
  index($0, m) { on = 1; next } on && /^$/ { exit } on { sub(/^ *[0-9]+: /, ""); print }'; }
if [ "$(body compiledOut | grep -c invoke)" = "$(body none | grep -c invoke)" ]; then
  echo "bytecode: compiledOut() calls nothing but step(), like none(): the statement is not there"
else
  echo "bytecode: compiledOut() still calls the log (javac kept it)" >&2
fi

noinline="-XX:CompileCommand=quiet -XX:CompileCommand=dontinline,org.lws4j.core.log.LogImpl::log"
row() { # label, variant, shape, extra JVM options
  local label=$1 variant=$2 shape=$3 opts=$4 runs=()
  for _ in 1 2 3; do
    # shellcheck disable=SC2086  # opts is a list of words
    runs+=("$(java $opts -cp "$work:$cp" LogGuardBench "$variant" "$shape" "$millions" | awk '{print $3}')")
  done
  printf '%-40s %-7s %8s ns   (forks: %s)\n' "$label" "$shape" \
    "$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)" "${runs[*]}"
}
echo "java: $(java -version 2>&1 | head -n 1); $(nproc) CPUs; $millions million iterations per round"
for shape in closed boxed; do
  row "no log statement" none "$shape" ""
  row "guarded, level compiled out" compiled-out "$shape" ""
  row "guarded, compiled in, off at run time" guarded-off "$shape" ""
  row "unguarded call, off at run time" unguarded-off "$shape" ""
  row "guarded, off, LogImpl.log not inlined" guarded-off "$shape" "$noinline"
  row "unguarded, off, LogImpl.log not inlined" unguarded-off "$shape" "$noinline"
  row "level on (formatted, emitter drops it)" enabled "$shape" ""
done
