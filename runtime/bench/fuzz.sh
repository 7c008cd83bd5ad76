#!/usr/bin/env bash
# Fuzzing (not a test): runs Jazzer @FuzzTest harnesses, one at a time, each for a set time, and
# prints for each the executions, executions per second, corpus size and findings.
#
#   runtime/bench/fuzz.sh [seconds] [harness...]     (default: 600 seconds, every harness)
#   runtime/bench/fuzz.sh list
#
# Each run is `JAZZER_FUZZ=1 mvn -o test -Dtest=CLASS -Djazzer.max_duration=Ns` on its bundle;
# its log goes to target/fuzz/HARNESS.log. What the fuzzer keeps:
#   bundles/B/.cifuzz-corpus/CLASS/METHOD/          the corpus it grew (not in git; reused next run)
#   bundles/B/src/test/resources/PACKAGE/CLASSInputs/METHOD/crash-*
#                                                   an input that failed: a regression input, which
#                                                   `mvn verify` replays from then on (rename it to
#                                                   say what it is, and commit it with the fix)
# Without JAZZER_FUZZ the same classes replay their saved inputs as ordinary tests.
# A run goes on after a finding, up to FUZZ_KEEP_GOING distinct ones (default 10), so one crash
# does not end the time given to the rest. Extra Maven options: MVN_ARGS (default -o); JVM options
# of the fuzzed test: FUZZ_JVM (default -Xmx1g).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# harness: bundle, test class, what Jazzer instruments for coverage besides the project's classes
declare -A bundle class extra
add() { bundle[$1]=$2; class[$1]=$3; extra[$1]=${4:-}; }
add head      bundles/core               org.lws4j.core.http.RequestHeadParserFuzzTest
add body      bundles/core               org.lws4j.core.http.BodyDecoderFuzzTest
add ws        bundles/core               org.lws4j.core.ws.WsReceiverFuzzTest
add utf8      bundles/core               org.lws4j.core.ws.Utf8ValidatorFuzzTest
add json      bundles/core               org.lws4j.core.config.ConfigLoaderFuzzTest
add cfg       bundles/core               org.lws4j.core.osgi.FlatVhostConfigFuzzTest
add inflate   bundles/ext-deflate        org.lws4j.ext.deflate.MessageInflaterFuzzTest 'com.jcraft.jzlib.**'
add multipart bundles/api                org.lws4j.api.util.MultipartParserFuzzTest
add zip       bundles/vfs-zip            org.lws4j.vfs.zip.CentralDirectoryReaderFuzzTest
order=(head body ws utf8 json cfg inflate multipart zip)

if [ "${1:-}" = list ]; then
  for h in "${order[@]}"; do printf '%-10s %-27s %s\n' "$h" "${bundle[$h]}" "${class[$h]}"; done
  exit 0
fi
seconds=${1:-600}
shift || true
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=("${order[@]}")
for h in "${harnesses[@]}"; do
  [ -n "${bundle[$h]:-}" ] || { echo "no harness '$h' (see: $0 list)" >&2; exit 2; }
done

mkdir -p "$root/target/fuzz"
summary=()
for h in "${harnesses[@]}"; do
  log="$root/target/fuzz/$h.log"
  instrument='org.lws4j.**'
  [ -z "${extra[$h]}" ] || instrument="$instrument,${extra[$h]}"
  echo "== $h: ${class[$h]} for ${seconds}s (log: $log)"
  start=$(date +%s)
  status=0
  # shellcheck disable=SC2086  # MVN_ARGS is a list of words
  (cd "$root" && JAZZER_FUZZ=1 mvn ${MVN_ARGS:--o} -B -pl "${bundle[$h]}" -am test \
      -Dtest="${class[$h]}" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.max_duration="${seconds}s" -Djazzer.instrument="$instrument" \
      -Djazzer.keep_going="${FUZZ_KEEP_GOING:-10}" \
      -DargLine="${FUZZ_JVM:--Xmx1g}") > "$log" 2>&1 || status=$?
  took=$(( $(date +%s) - start ))
  # libFuzzer's last status line: "#N DONE cov: .. ft: .. corp: FILES/SIZE .. exec/s: E rss: .."
  last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 || true)
  execs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<< "$last")
  rate=$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<< "$last")
  corpus=$(sed -nE 's/.* corp: ([0-9]+\/[0-9]+[bKM]?b?).*/\1/p' <<< "$last")
  crashes=$(sed -nE 's/.*Test unit written to (.*)$/\1/p' "$log" | sed "s|$root/||")
  findings=$( [ -z "$crashes" ] && echo 0 || wc -l <<< "$crashes")
  if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then
    findings="build or harness failure (exit $status), see the log"
  fi
  line=$(printf '%-10s %5ss  execs %-10s %6s exec/s  corpus %-12s findings: %s' \
    "$h" "$took" "${execs:-?}" "${rate:-?}" "${corpus:-?}" "$findings")
  echo "$line"
  if [ -n "$crashes" ]; then
    echo "$crashes" | sed 's/^/   input: /'
    grep -m1 -E 'Caused by|FuzzTestFindingException|== Java Exception' "$log" | cut -c1-400 | sed 's/^/   /' || true
  fi
  summary+=("$line")
done
echo
echo "== summary (${seconds}s each)"
printf '%s\n' "${summary[@]}"
