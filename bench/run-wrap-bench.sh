#!/bin/bash
# bench/run-wrap-bench.sh [BUILD_DIR] [ROUNDS] - datacrumbs_wrap against env LD_PRELOAD=.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" && pwd)
ROUNDS=${2:-400}
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
printf 'client_lib = %s\n' "$BUILD/src/client/libdatacrumbs_client.so.0" >"$tmp/datacrumbs.conf"
"$BUILD/bench/wrap_overhead" "$BUILD/src/wrap/datacrumbs_wrap" "$tmp/datacrumbs.conf" \
    "$BUILD/src/client/libdatacrumbs_client.so.0" "$ROUNDS"
