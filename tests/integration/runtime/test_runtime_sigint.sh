#!/bin/bash
# test_runtime_sigint.sh BUILD SRC - SIGINT while a traced process does heavy I/O: the daemon
# exits 0 and the trace is complete (every event the kernel submitted is in it), valid JSON
# line by line, and a clean gzip stream; drops, if any, are counted.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_setup
HEAVY=
trap '[ -n "$HEAVY" ] && kill "$HEAVY" 2>/dev/null; rt_cleanup; rm -rf -- "$T_TMP"' EXIT

rt_probe "$RT/p.json.gz" root
rt_start "$RT/p.json.gz" heavy root || {
    [ "${RT_RC:-0}" -eq 5 ] && skip_all "the kernel refused the BPF programs: $(tail -1 "$RT/daemon.err")"
    not_ok "daemon starts"
    finish
    exit 1
}
ok "daemon ready"
# Small blocks: four events (libc and syscall read and write) per 64 bytes.
"$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of="$RT/pub/heavy.bin" bs=64 count=100000000 status=none &
HEAVY=$!
sleep 1.5
check "dd is still running when the signal comes" kill -0 "$HEAVY"
rt_stop
check "SIGINT under load: exit 0" [ "$RT_RC" -eq 0 ]
kill "$HEAVY" 2>/dev/null
wait "$HEAVY" 2>/dev/null
HEAVY=
TRACE=$(rt_summary_get heavy trace_file)
check "trace gunzips cleanly" gzip -t "$TRACE"
N=$("$RT_TRACECAT" --count "$TRACE")
check "every line is valid JSON, the array is closed" [ -n "$N" ]
EVENTS=$(rt_summary_get heavy events)
KERNEL=$(rt_summary_get heavy kernel_events)
DROPS=$(rt_summary_get heavy drops)
grep -A6 drop_reasons "$RT/run/datacrumbs-heavy.json"
echo "# $N events in the trace, $KERNEL submitted by the kernel, $DROPS dropped"
check "a lot was traced" [ "${N:-0}" -gt 10000 ]
check "summary events = lines in the trace" [ "$EVENTS" = "$N" ]
check "complete: every submitted event was written" [ "$KERNEL" = "$N" ]
check "drops are a number in the summary" [ -n "$DROPS" ] && [ "$DROPS" -ge 0 ]
finish
