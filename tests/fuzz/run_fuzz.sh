#!/usr/bin/env bash
# Runs libFuzzer targets from a SAGSINDEKS_FUZZ build, two at a time, each for SECONDS.
#   tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS [target...]    (targets: decode normalize analyze read lexicon query formats)
# Working corpora go to $FUZZ_WORK (default /tmp/sagsindeks-fuzz/<target>), seeded from
# tests/fuzz/corpus; crashes land in $FUZZ_WORK/<target>/artifacts; logs in $FUZZ_WORK/<target>.log.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$1"; secs="$2"; shift 2
targets=("${@:-decode normalize analyze read lexicon query formats}")
[ $# -eq 0 ] && targets=(decode normalize analyze read lexicon query formats)
work="${FUZZ_WORK:-/tmp/sagsindeks-fuzz}"
run() {
  local t="$1" dir="$work/$1"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "$dir/corpus" "$here/corpus/fuzz_$t" \
    > "$dir.log" 2>&1
  echo "$t: exit $? $(grep -E '^#[0-9]+' "$dir.log" | tail -1)"
}
set -- "${targets[@]}"
while [ $# -gt 0 ]; do
  run "$1" & p1=$!
  if [ $# -gt 1 ]; then run "$2" & p2=$!; wait $p2; shift; fi
  wait $p1; shift
done
