#!/bin/bash
# run-fuzz.sh TARGET SECONDS [BUILD_DIR] - build a libFuzzer target (clang, DC_WITH_FUZZ=ON) if
# needed and run it for SECONDS on a copy of its seed corpus (tests/fuzz/corpus/<name>/, the
# name being TARGET without "fuzz_"). Exit 0 when nothing was found; crash inputs are kept in
# BUILD_DIR/fuzz-artifacts/. BUILD_DIR defaults to build-fuzz in the source tree.
set -eu

TARGET=${1:?usage: run-fuzz.sh TARGET SECONDS [BUILD_DIR]}
SECONDS_TO_RUN=${2:?usage: run-fuzz.sh TARGET SECONDS [BUILD_DIR]}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${3:-$SRC/build-fuzz}
SEEDS=$SRC/tests/fuzz/corpus/${TARGET#fuzz_}
BIN=$BUILD/tests/fuzz/$TARGET

case $SECONDS_TO_RUN in '' | *[!0-9]*) echo "run-fuzz.sh: SECONDS must be a number" >&2; exit 2 ;; esac
if ! command -v clang >/dev/null; then
    echo "run-fuzz.sh: clang is needed for libFuzzer" >&2
    exit 2
fi
if [ ! -d "$SEEDS" ]; then
    echo "run-fuzz.sh: no seed corpus at $SEEDS" >&2
    exit 2
fi
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$SRC" -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DDC_WITH_FUZZ=ON -DDC_WITH_RUNTIME=OFF -DDC_WITH_SLURM=OFF -DDC_WITH_BENCH=OFF >/dev/null
fi
cmake --build "$BUILD" --target "$TARGET" -j"$(nproc)" >/dev/null
if [ ! -x "$BIN" ]; then
    echo "run-fuzz.sh: $BIN was not built (is tests/fuzz added when DC_WITH_FUZZ=ON?)" >&2
    exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/dc-fuzz-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/corpus" "$BUILD/fuzz-artifacts"
cp "$SEEDS"/* "$WORK/corpus/"
# New inputs go to the scratch corpus; the seeds in the tree stay as they are.
"$BIN" -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$BUILD/fuzz-artifacts/$TARGET-" \
    "$WORK/corpus" "$SEEDS"
