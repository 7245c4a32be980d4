#!/bin/bash
# bench/isolation_bench.sh [BUILD_DIR] - what one user's run costs everybody else on the node
# (results: docs/perf-isolation.md).
#
# A run of the shipped etc/datacrumbs/configs/posix-io.yaml (signed in a sandbox, traced for
# root) is active or not, alternately, REPS times (default 5); meanwhile, as "nobody":
#   1. an untraced dd if=/dev/zero of=/dev/null bs=1 count=100000 (wall seconds);
#   2. an untraced fio --ioengine=psync --rw=randwrite --bs=4k on /dev/shm (IOPS);
# and, for comparison, the same fio traced by the run (root, datacrumbs_wrap). Medians and the
# ratio active/idle are printed. Needs root, BPF, fio and jq; nothing else should probe libc.
set -eu
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-5}
FIO_SECONDS=${FIO_SECONDS:-3}
DAEMON=$BUILD/src/runtime/datacrumbs
[ -x "$DAEMON" ] || { echo "isolation_bench: build the runtime first" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "isolation_bench: needs root" >&2; exit 2; }
command -v fio >/dev/null && command -v jq >/dev/null || { echo "isolation_bench: needs fio and jq" >&2; exit 2; }
. "$SRC/tests/sandbox/sandbox.sh"
sandbox_create "$(mktemp -d "${TMPDIR:-/tmp}/dc-isobench.XXXXXX")" "$BUILD"
DPID=
cleanup() {
    [ -n "$DPID" ] && kill -INT "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
    sandbox_signer_stop
    rm -f /dev/shm/dc-isobench.*
    sandbox_destroy
}
trap cleanup EXIT
C=(--config "$SANDBOX_CONF")
sandbox_secret >/dev/null
sandbox_signer_start
"$BUILD/src/probe_configurator/datacrumbs_probe_configurator" "${C[@]}" \
    "$SRC/etc/datacrumbs/configs/posix-io.yaml" "$SANDBOX/probes.json.gz" >/dev/null
AS_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"
WRAP=$BUILD/src/wrap/datacrumbs_wrap

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
start() {
    "$DAEMON" "${C[@]}" -q "$SANDBOX/probes.json.gz" bench root 2>"$SANDBOX/log/daemon.log" &
    DPID=$!
    for _ in $(seq 400); do
        [ -f "$SANDBOX/run/datacrumbs-bench.ready" ] && return 0
        sleep 0.05
    done
    cat "$SANDBOX/log/daemon.log" >&2
    exit 1
}
stop() { kill -INT "$DPID"; wait "$DPID" || true; DPID=; }
dd_secs() {
    local t0 t1
    t0=$(date +%s%N)
    $AS_NOBODY dd if=/dev/zero of=/dev/null bs=1 count=100000 status=none
    t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", (b - a) / 1e9}'
}
fio_iops() { # fio_iops [wrap]: IOPS of a psync 4k random write on /dev/shm
    local f=/dev/shm/dc-isobench.$$ who=$AS_NOBODY
    [ "${1:-}" = wrap ] && who="$WRAP ${C[*]} --"
    $who fio --name=w --ioengine=psync --rw=randwrite --bs=4k --size=32M --filename="$f" \
        --runtime="$FIO_SECONDS" --time_based --output-format=json 2>/dev/null |
        jq '.jobs[0].write.iops | floor'
    rm -f "$f"
}
: >"$SANDBOX/dd.idle"; : >"$SANDBOX/dd.busy"; : >"$SANDBOX/fio.idle"; : >"$SANDBOX/fio.busy"; : >"$SANDBOX/fio.traced"
for i in $(seq "$REPS"); do
    dd_secs >>"$SANDBOX/dd.idle"
    fio_iops >>"$SANDBOX/fio.idle"
    start
    dd_secs >>"$SANDBOX/dd.busy"
    fio_iops >>"$SANDBOX/fio.busy"
    fio_iops wrap >>"$SANDBOX/fio.traced"
    stop
    echo "pair $i: dd $(tail -1 "$SANDBOX/dd.idle") s idle, $(tail -1 "$SANDBOX/dd.busy") s busy;" \
        "fio $(tail -1 "$SANDBOX/fio.idle") / $(tail -1 "$SANDBOX/fio.busy") IOPS (traced $(tail -1 "$SANDBOX/fio.traced"))"
done
di=$(median <"$SANDBOX/dd.idle"); db=$(median <"$SANDBOX/dd.busy")
fi_=$(median <"$SANDBOX/fio.idle"); fb=$(median <"$SANDBOX/fio.busy"); ft=$(median <"$SANDBOX/fio.traced")
echo "kernel $(uname -r); $(grep -c . "$SANDBOX/dd.idle") pairs; functions: $(jq -r '.functions.attached' "$SANDBOX/run/datacrumbs-bench.json") attached"
printf 'untraced dd bs=1 count=100000 (nobody): idle %s s, run active %s s: ratio %s\n' "$di" "$db" \
    "$(awk -v a="$db" -v b="$di" 'BEGIN {printf "%.2f", a / b}')"
printf 'untraced fio psync randwrite 4k /dev/shm (nobody): idle %s IOPS, run active %s: ratio %s\n' \
    "$fi_" "$fb" "$(awk -v a="$fb" -v b="$fi_" 'BEGIN {printf "%.2f", a / b}')"
printf 'traced fio (root, wrapped): %s IOPS: ratio %s of idle\n' "$ft" \
    "$(awk -v a="$ft" -v b="$fi_" 'BEGIN {printf "%.2f", a / b}')"
