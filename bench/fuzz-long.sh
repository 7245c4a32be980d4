#!/bin/bash
# bench/fuzz-long.sh [SECONDS] - run every libFuzzer target for SECONDS (default 600) each.
# CI runs each target for 15 s (scripts/test); this is the longer run, done by hand or nightly.
# Crash inputs are kept in build-fuzz/fuzz-artifacts/; the exit status is non-zero on a finding.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
SECS=${1:-600}
status=0
for t in "$SRC"/tests/fuzz/fuzz_*.c; do
    t=$(basename "$t" .c)
    echo "=== $t, $SECS s"
    "$SRC/tests/fuzz/run-fuzz.sh" "$t" "$SECS" "$SRC/build-fuzz" || status=1
done
exit $status
