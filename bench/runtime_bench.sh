#!/bin/bash
# bench/runtime_bench.sh [BUILD_DIR] - the runtime's benchmarks (results: docs/perf-runtime.md).
#
#   1. time to attach 100, 1000 and 8723 uprobes (entry + return each) with uprobe_multi links,
#      to a library mapped by no process and by a running one (SINGLES=1 adds one-at-a-time
#      attaching of the 100: slow to create and destroy on recent kernels);
#   2. per-call cost of a traced libc function (getppid), against bpftrace attached to the same
#      function, in the same run;
#   3. events per second sustained with zero drops (syscall events, paced and flat out).
#
# Needs root, BPF, a C compiler; bpftrace for the comparison (skipped with a note without it).
# The probes go on a library generated here and on getppid only: never on all of libc, which
# every process on the machine uses. REPS (default 5) sets the repetitions; medians are shown.
set -eu
BUILD=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
REPS=${REPS:-5}
DAEMON=$BUILD/src/runtime/datacrumbs
MKPROBE=$BUILD/src/runtime/dc_rt_mkprobe
CLIENT=$BUILD/src/client/libdatacrumbs_client.so.0
[ -x "$DAEMON" ] && [ -x "$MKPROBE" ] && [ -f "$CLIENT" ] || { echo "build the runtime first" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "runtime_bench: needs root" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/dc-rtbench.XXXXXX")
DPID=
HOLD=
cleanup() {
    [ -n "$DPID" ] && kill -INT "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
    [ -n "$HOLD" ] && kill "$HOLD" 2>/dev/null
    rm -rf -- "$W"
}
trap cleanup EXIT
chmod 0755 "$W"
mkdir -p "$W/etc" "$W/run" "$W/traces"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$W/etc/secret"
chmod 0400 "$W/etc/secret"
CONF=$W/etc/datacrumbs.conf
printf 'secret_file = %s\nrun_dir = %s\ntrace_dir = %s\nclient_lib = %s\n' \
    "$W/etc/secret" "$W/run" "$W/traces" "$CLIENT" >"$CONF"
LIBC=$(ldd /bin/dd | awk '/libc\.so/ {print $3; exit}')

# Helpers: the workload, and a library of 9000 small functions to probe.
cc -O2 -o "$W/load" "$SRC/bench/runtime_load.c" -ldl
seq 0 8999 | awk '{printf "int dc_bench_f%d(int x) { return x * %d + 1; }\n", $1, $1 + 3}' >"$W/f.c"
cc -O1 -shared -fPIC -o "$W/libdcbench.so" "$W/f.c"

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
calc() { awk "BEGIN {print $1}"; }
json() { sed -n "s/^ *\"$2\": \([^,]*\),\{0,1\}$/\1/p" "$W/run/datacrumbs-$1.json" | head -1; }

# start PROBE RUN [options]: the daemon in the background, until ready.
start() {
    local probe=$1 run=$2
    shift 2
    rm -f "$W/run/datacrumbs-$run."*
    "$DAEMON" --config "$CONF" -q "$@" "$probe" "$run" root &
    DPID=$!
    for _ in $(seq 600); do
        [ -f "$W/run/datacrumbs-$run.ready" ] && return 0
        sleep 0.05
    done
    echo "runtime_bench: the daemon did not start" >&2
    exit 1
}
stop() {
    kill -INT "$DPID"
    wait "$DPID"
    DPID=
}

echo "# runtime benchmarks, $(date -u +%Y-%m-%dT%H:%MZ), $(uname -r), $(nproc) CPUs, REPS=$REPS"
echo
echo "## 1. attach time (ms; entry and return probe per function; median of $REPS)"
echo
echo "Attach: all functions' probes in place (uprobe_multi links). Load: the BPF object"
echo "verified and loaded, uprobe_multi checked, settings stored (independent of the attach)."
echo
if [ "${SINGLES:-0}" = 1 ]; then
    echo "| uprobes | attach, library unmapped | attach, mapped by a process | BPF load | one by one, unmapped (1 run) |"
    echo "|---:|---:|---:|---:|---:|"
else
    echo "| uprobes | attach, library unmapped | attach, mapped by a process | BPF load |"
    echo "|---:|---:|---:|---:|"
fi
# measure PROBE [options]: median attach and load times over REPS runs, into $ATT and $LOAD.
measure() {
    local probe=$1
    shift
    : >"$W/times"
    : >"$W/loads"
    for _ in $(seq "$REPS"); do
        start "$probe" b "$@"
        stop
        json b attach >>"$W/times"
        json b load >>"$W/loads"
    done
    ATT=$(median <"$W/times" | xargs printf '%.1f')
    LOAD=$(median <"$W/loads" | xargs printf '%.1f')
}
for n in 100 1000 8723; do
    "$MKPROBE" --secret "$W/etc/secret" --out "$W/b$n.json.gz" --user root \
        --uprobe-all "bench:$W/libdcbench.so:$n"
    measure "$W/b$n.json.gz"
    row="| $n | $ATT"
    load=$LOAD
    # A process holding the library: every probe is also written into its memory.
    mkfifo "$W/hold"
    "$W/load" funcs "$W/libdcbench.so" <"$W/hold" >/dev/null &
    HOLD=$!
    exec 9>"$W/hold"
    sleep 0.2
    measure "$W/b$n.json.gz"
    exec 9>&-
    wait "$HOLD" 2>/dev/null || true
    HOLD=
    rm -f "$W/hold"
    row="$row | $ATT | $load"
    # One perf event per probe: on recent kernels each costs RCU grace periods to create and
    # to destroy (minutes for thousands), so only the small sets, and only when asked.
    if [ "${SINGLES:-0}" = 1 ]; then
        if [ "$n" -le 100 ]; then
            REPS=1 measure "$W/b$n.json.gz" --no-uprobe-multi
            row="$row | $ATT"
        else
            row="$row | (not run)"
        fi
    fi
    echo "$row |"
done

echo
echo "## 2. per-call cost of libc getppid() (ns per call; median of $REPS runs of 1,000,000 calls)"
echo
CALLS=1000000
run_load() { # run_load [wrapper...]: median ns/call
    : >"$W/ns"
    for _ in $(seq "$REPS"); do "$@" "$W/load" libc "$CALLS" >>"$W/ns"; done
    median <"$W/ns"
}
base=$(run_load)
"$MKPROBE" --secret "$W/etc/secret" --out "$W/getppid.json.gz" --user root --uprobe "libc:$LIBC:getppid"
start "$W/getppid.json.gz" calls
ours=$(run_load env LD_PRELOAD="$CLIENT")
ours_untraced=$(run_load)
stop
ours_events=$(json calls events)
ours_drops=$(json calls drops)
echo "| | ns/call | added by tracing |"
echo "|---|---:|---:|"
printf '| no probe | %.0f | - |\n' "$base"
printf '| datacrumbs, traced process (event to the trace file) | %.0f | %.0f |\n' "$ours" "$(calc "$ours - $base")"
printf '| datacrumbs, process not opted in (filtered in BPF) | %.0f | %.0f |\n' "$ours_untraced" "$(calc "$ours_untraced - $base")"
if command -v bpftrace >/dev/null 2>&1; then
    bt() { # bt PROGRAM: bpftrace running PROGRAM while the workload runs
        bpftrace -e "$1" >"$W/bt.out" 2>&1 &
        local pid=$! i
        for i in $(seq 400); do grep -q Attaching "$W/bt.out" && break; sleep 0.05; done
        sleep 0.3
        BT=$(run_load)
        kill -INT "$pid"
        wait "$pid" 2>/dev/null || true
    }
    bt "uprobe:$LIBC:getppid { @s[tid] = nsecs; } uretprobe:$LIBC:getppid /@s[tid]/ { @d = hist(nsecs - @s[tid]); delete(@s[tid]); }"
    printf '| bpftrace entry+return, histogram in the kernel | %.0f | %.0f |\n' "$BT" "$(calc "$BT - $base")"
    bt "uprobe:$LIBC:getppid { @s[tid] = nsecs; } uretprobe:$LIBC:getppid /@s[tid]/ { printf(\"%d %d %d\\n\", pid, tid, nsecs - @s[tid]); delete(@s[tid]); }"
    lost=$(grep -o 'Lost [0-9]* events' "$W/bt.out" | awk '{s += $2} END {print s + 0}')
    printf '| bpftrace entry+return, printf per call | %.0f | %.0f |\n' "$BT" "$(calc "$BT - $base")"
    echo
    echo "datacrumbs wrote $ours_events events ($ours_drops dropped); bpftrace printf lost $lost events."
else
    echo
    echo "bpftrace is not installed (apt-get install bpftrace): no comparison."
fi

echo
echo "## 3. events per second (syscall events: sys_enter + sys_exit of getppid)"
echo
"$MKPROBE" --secret "$W/etc/secret" --out "$W/sys.json.gz" --user root --syscalls sys:getppid
echo "| workload | offered events/s | events | drops |"
echo "|---|---:|---:|---:|"
for rate in 250000 500000 750000; do
    n=$((rate * 4))
    start "$W/sys.json.gz" rate
    env LD_PRELOAD="$CLIENT" "$W/load" rate "$n" "$rate" >/dev/null
    stop
    printf '| paced, 4 s | %d | %s | %s |\n' "$rate" "$(json rate events)" "$(json rate drops)"
done
n=5000000
start "$W/sys.json.gz" flat
ns=$(env LD_PRELOAD="$CLIENT" "$W/load" sys "$n")
stop
printf '| flat out, %d calls | %.0f | %s | %s |\n' "$n" "$(calc "1000000000 / $ns")" "$(json flat events)" "$(json flat drops)"
