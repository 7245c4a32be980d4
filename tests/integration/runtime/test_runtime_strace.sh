#!/bin/bash
# test_runtime_strace.sh BUILD SRC - the trace against strace, call for call: the demo's
# workload (a datacrumbs_wrap'ed dd, with the shipped posix-io.yaml through the configurator and
# the signer) and a fio run (psync random writes, a forked job process) under strace -ff, and for
# every thread the system call category of the trace must be exactly what strace saw of those
# system calls, name and result in order, from the moment the client library joined the run to
# the thread's end. Before the library joins (at its constructor) come the dynamic loader's
# calls and other libraries' constructors: those are untraced by design and only counted.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_require_strace "this test"
command -v jq >/dev/null || skip_all "no jq"
rt_setup
trap 'rt_cleanup; [ -n "${KEEP:-}" ] || rm -rf -- "$T_TMP"' EXIT
rt_signer
P=$RT/pub

check_rc "the configurator signs the shipped posix-io.yaml" 0 "$RT_CFG" --config "$RT_CONF" --quiet \
    "$SRC/etc/datacrumbs/configs/posix-io.yaml" "$RT/p.json.gz"
SYSCAT=$(zcat "$RT/p.json.gz" | jq -r '.categories[] | select(.type == 0) | .name')
# The kernel's names in the probe file, and strace's for the same calls.
zcat "$RT/p.json.gz" | jq -r '.categories[] | select(.type == 0) | .functions[]' |
    sed 's/^__x64_sys_//; s/^sys_//' | sort -u >"$RT/knames"
kname_to_strace() { sed 's/^newstat$/stat/; s/^newlstat$/lstat/; s/^newfstat$/fstat/; s/^sendfile64$/sendfile/'; }
TRACE_SET=$(kname_to_strace <"$RT/knames" | paste -sd, -)
check "the probe file has a syscall category" test -n "$SYSCAT" -a -n "$TRACE_SET"
rt_start_first "$RT/p.json.gz" st root

# The demo's workload, then fio's: each under strace -ff (one file per thread).
check_rc "dd under strace" 0 strace -ff -qq -e trace="$TRACE_SET" -o "$RT/dd.st" \
    "$RT_WRAP" --config "$RT_CONF" -- dd if=/dev/zero of="$P/out.bin" bs=1M count=4 status=none
FIO=0
if command -v fio >/dev/null; then
    FIO=1
    check_rc "fio under strace" 0 strace -ff -qq -e trace="$TRACE_SET" -o "$RT/fio.st" \
        "$RT_WRAP" --config "$RT_CONF" -- fio --name=j --filename="$P/fio.dat" --size=2M \
        --bs=4k --rw=randwrite --ioengine=psync --numjobs=1 --output="$RT/fio.out"
    check "fio wrote what it says" grep -q "WRITE: bw=" "$RT/fio.out"
else
    ok "fio # SKIP fio is not installed"
fi
sleep 0.3
rt_stop
T=$(rt_summary_get st trace_file)
check "the trace is valid" rt_valid_trace "$T"
"$RT_TRACECAT" "$T" >"$RT/events"
check "nothing was dropped" test "$(rt_summary_get st drops)" = 0

# "name ret" per call: strace's (errors as E), the trace's for a thread (tid).
# Syscall 335 on x86_64 (strace: syscall_0x14f) is the kernel's uretprobe trampoline returning
# from a probed function: the tracer's, not the program's.
strace_calls() {
    sed -n 's/^\([a-z0-9_]*\)(.*) \{1,\}= \(-\{0,1\}[0-9x]*\).*$/\1 \2/p' "$1" | grep -v '^syscall_0x14f ' |
        awk '{ if ($2 ~ /^-/) $2 = "E"; else if ($2 ~ /^0x/) $2 = "ADDR"; print }'
}
trace_calls() {
    grep -E "^pid=[0-9]+ tid=$1 cat=$SYSCAT " "$RT/events" |
        sed -n 's/^.* name=\([a-z0-9_]*\) .*ret=\(-\{0,1\}[0-9]*\)$/\1 \2/p' | kname_to_strace |
        awk '{ if ($2 ~ /^-/) $2 = "E"; else if ($1 == "mmap") $2 = "ADDR"; print }'
}
# compare WORKLOAD: every thread strace saw against the trace.
compare() {
    local w=$1 f tid want got nw ng head threads=0 bad=0 calls=0 before=0 why=""
    for f in "$RT/$w.st".*; do
        tid=${f##*.}
        want=$(strace_calls "$f")
        got=$(trace_calls "$tid")
        nw=$(printf '%s' "$want" | grep -c .)
        ng=$(printf '%s' "$got" | grep -c .)
        threads=$((threads + 1))
        calls=$((calls + ng))
        head=$((nw - ng))
        before=$((before + head))
        [ "$nw" -eq 0 ] && [ "$ng" -eq 0 ] && continue # none of these calls
        if [ "$ng" -eq 0 ] || [ "$head" -lt 0 ] ||
            [ "$(printf '%s\n' "$want" | tail -n "$ng")" != "$got" ]; then
            bad=$((bad + 1))
            why="$why thread $tid: strace $nw calls, trace $ng;"
            diff <(printf '%s\n' "$want" | tail -n "$ng") <(printf '%s\n' "$got") | head -5 | sed 's/^/#   /'
        fi
    done
    check "$w: $threads thread(s), $calls calls: the trace is strace's, call for call ($before before the library joined)${why:+ ($why)}" \
        test "$bad" -eq 0 -a "$threads" -gt 0
}
compare dd
contains "dd: its 4 MiB of writes are there" "$(trace_calls "$(basename "$(ls "$RT"/dd.st.* | head -1)" | sed 's/.*\.//')")" "write 1048576"
[ "$FIO" = 1 ] && compare fio
# fio forks its job: the job process, started after the library joined, is whole.
if [ "$FIO" = 1 ]; then
    n=0
    for f in "$RT"/fio.st.*; do
        tid=${f##*.}
        [ "$(strace_calls "$f" | grep -c .)" = "$(trace_calls "$tid" | grep -c .)" ] && n=$((n + 1))
    done
    check "fio: threads and processes started after joining are traced whole ($n)" test "$n" -ge 1
fi
finish
