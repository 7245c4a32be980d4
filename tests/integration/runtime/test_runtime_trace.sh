#!/bin/bash
# test_runtime_trace.sh BUILD SRC - the daemon traces dd's libc calls and syscalls with their
# arguments for processes that loaded the client library (and their children and threads), and
# nothing of others: a plain dd, another user's wrapped dd, a disabled one.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_setup
trap 'rt_cleanup; rm -rf -- "$T_TMP"' EXIT
THREADS=$BUILD/tests/integration/runtime/rt_threads
P=$RT/pub

NOTIFIER=$BUILD/tests/integration/runtime/rt_notify
check "probe file written" rt_probe "$RT/p.json.gz" root --kprobe k:vfs_read
if [ -x "$NOTIFIER" ]; then
    "$NOTIFIER" "$RT/notify.sock" 30 >"$RT/notify.out" &
    NPID=$!
    for _ in $(seq 100); do [ -S "$RT/notify.sock" ] && break; sleep 0.02; done
    RT_NOTIFY=$RT/notify.sock
fi
rt_start_first "$RT/p.json.gz" rt1 root
ok "daemon ready"
check "ready file says ready" grep -qx ready "$RT/run/datacrumbs-rt1.ready"
if [ -n "${RT_NOTIFY:-}" ]; then
    wait "$NPID"
    check "sd_notify READY=1 sent" grep -q 'READY=1' "$RT/notify.out"
    contains "with a status line" "$(cat "$RT/notify.out")" "STATUS=tracing root"
    RT_NOTIFY=
fi

# At the same time: a wrapped dd, a plain dd, another user's wrapped dd, a disabled one.
dd if=/dev/zero of="$P/plain.bin" bs=512 count=4000 status=none &
PLAIN=$!
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of="$P/nobody.bin" bs=4096 count=4 status=none &
NOBODY=$!
check_rc "wrapped dd runs" 0 "$RT_WRAP" --config "$RT_CONF" \
    dd if=/dev/zero of="$P/traced.bin" bs=4096 count=8 status=none
check_rc "disabled wrapped dd runs" 0 env DATACRUMBS_DISABLE=1 "$RT_WRAP" --config "$RT_CONF" \
    dd if=/dev/zero of="$P/disabled.bin" bs=4096 count=2 status=none
wait $PLAIN $NOBODY
# A child forked by a wrapped shell, without the library itself.
check_rc "wrapped shell forks an unwrapped child" 0 "$RT_WRAP" --config "$RT_CONF" \
    sh -c 'echo $$ >"$1/sh.pid"; env -u LD_PRELOAD dd if=/dev/zero of="$1/child.bin" bs=4096 count=2 status=none; true' sh "$P"
if [ -x "$THREADS" ]; then
    check_rc "wrapped threads" 0 "$RT_WRAP" --config "$RT_CONF" sh -c 'echo $$ >"$1.pid"; exec "$2" "$1.bin" 3' sh "$P/threads" "$THREADS"
fi
# A process that calls datacrumbs_stop() is traced no more from then on.
STOPPER=$BUILD/tests/integration/runtime/rt_stopper
check_rc "wrapped program that stops itself" 0 "$RT_WRAP" --config "$RT_CONF" "$STOPPER" "$P/before-stop.bin" "$P/after-stop.bin"
sleep 0.3
rt_stop
check "SIGINT: exit 0" [ "$RT_RC" -eq 0 ]
check "ready file removed" [ ! -e "$RT/run/datacrumbs-rt1.ready" ]
check "summary written" [ -s "$RT/run/datacrumbs-rt1.json" ]
TRACE=$(rt_summary_get rt1 trace_file)
HOST=$(hostname)
check "trace at trace_dir/trace-USER-RUN-HOST.pfw.gz" [ "$TRACE" = "$RT/traces/$(date +%Y)/trace-root-rt1-${HOST//[^A-Za-z0-9_.-]/_}.pfw.gz" ]
check "trace gunzips" gzip -t "$TRACE"
check "trace file owned by the user, 0600" [ "$(stat -c %U:%a "$TRACE")" = root:600 ]
check "every line is valid JSON with all keys" rt_valid_trace "$TRACE"
"$RT_TRACECAT" "$TRACE" >"$RT/ev.txt"
EV=$(cat "$RT/ev.txt")
N=$(grep -c '^pid=' "$RT/ev.txt")
check "summary counts the events of the trace" [ "$(rt_summary_get rt1 events)" = "$N" ]
check "no drops" [ "$(rt_summary_get rt1 drops)" = 0 ]

# dd's own calls, libc and syscalls, with arguments.
contains "libc open of the output, with its path" "$EV" "cat=libc name=open dur="
contains "path string argument (and the mode: O_CREAT)" "$EV" "file=$P/traced.bin oflag=577 mode=438 ret="
contains "syscall openat with dfd, path, flags" "$EV" "cat=sys name=openat dur="
contains "openat arguments" "$EV" "dfd=-100 filename=$P/traced.bin flags=577"
contains "libc write with fd and size" "$EV" "cat=libc name=write"
contains "write size and result" "$EV" " n=4096 ret=4096"
contains "libc read with size" "$EV" " nbytes=4096 ret=4096"
contains "syscall write with count" "$EV" " count=4096 ret=4096"
contains "syscall close" "$EV" "cat=sys name=close"
TRACED_PID=$(grep "filename=$P/traced.bin" "$RT/ev.txt" | head -1 | sed 's/^pid=\([0-9]*\) .*/\1/')
check "traced dd: 8 libc writes of 4096" [ "$(grep "^pid=$TRACED_PID " "$RT/ev.txt" | grep -c 'cat=libc name=write .* n=4096 ret=4096')" -eq 8 ]
check "pid and tid of a single-threaded process agree" grep -q "^pid=$TRACED_PID tid=$TRACED_PID " "$RT/ev.txt"
lacks "nothing of the plain dd running at the same time" "$EV" "plain.bin"
lacks "nothing of the plain dd's pid" "$EV" "pid=$PLAIN "
lacks "nothing of another user's wrapped dd" "$EV" "nobody.bin"
lacks "nothing of a disabled wrapped dd" "$EV" "disabled.bin"
check "other user's start was counted" bash -c "grep -A4 '\"processes\"' '$RT/run/datacrumbs-rt1.json' | grep -q '\"other_users_ignored\": [1-9]'"
contains "calls before datacrumbs_stop() are traced" "$EV" "$P/before-stop.bin"
lacks "calls after datacrumbs_stop() are not" "$EV" "$P/after-stop.bin"
check "processes that stopped or exited are counted as finished" \
    bash -c "grep -A4 '\"processes\"' '$RT/run/datacrumbs-rt1.json' | grep -q '\"finished\": [1-9]'"
check "writes carry their descriptor (dd writes its output through fd 1)" \
    grep -q "^pid=$TRACED_PID .*cat=libc name=write .*fd=1 .*n=4096 ret=4096" "$RT/ev.txt"
contains "child forked by a wrapped shell is traced" "$EV" "filename=$P/child.bin"
SH_PID=$(cat "$P/sh.pid")
CHILD_PID=$(grep "filename=$P/child.bin" "$RT/ev.txt" | head -1 | sed 's/^pid=\([0-9]*\) .*/\1/')
check "the child is another process than the shell" [ -n "$CHILD_PID" ] && [ "$CHILD_PID" != "$SH_PID" ]
if [ -x "$THREADS" ]; then
    TPIDS=$(grep "^pid=$(cat "$P/threads.pid") .*cat=sys name=pwrite64" "$RT/ev.txt" | sed 's/^pid=\([0-9]*\) tid=\([0-9]*\) .*/\1 \2/' | sort -u)
    check "all threads of a wrapped process are traced (3 tids, 1 pid)" [ "$(printf '%s\n' "$TPIDS" | awk '{print $2}' | sort -u | wc -l)" -eq 3 ] && [ "$(printf '%s\n' "$TPIDS" | awk '{print $1}' | sort -u | wc -l)" -eq 1 ]
fi
# On a kernel without kprobes the kprobe is a reported failure, not a fatal one.
if [ ! -e /sys/bus/event_source/devices/kprobe ] && [ ! -e /sys/kernel/tracing/kprobe_events ] &&
    [ ! -e /sys/kernel/debug/tracing/kprobe_events ]; then
    check "kprobe failure reported per function in the summary" grep -q '"function": "vfs_read"' "$RT/run/datacrumbs-rt1.json"
    contains "and on stderr, with the reason" "$(cat "$RT/daemon.err")" "not tracing k/vfs_read: this kernel has no kprobes"
    check_rc "--check does not promise the kprobe" 0 "$RT_DAEMON" --config "$RT_CONF" --check "$RT/p.json.gz" rk root
    contains "--check says why" "$OUT" "kprobe  k/vfs_read: not traced: this kernel has no kprobes"
elif grep -q '"function": "vfs_read"' "$RT/run/datacrumbs-rt1.json"; then
    ok "kprobe failure reported per function in the summary"
    contains "and on stderr" "$(cat "$RT/daemon.err")" "not tracing k/vfs_read"
else
    contains "kprobe attached where the kernel has kprobes" "$EV$(cat "$RT/daemon.err")" "tracing user root"
fi

# A second run for another user: the trace is theirs, root's own wrapped dd is not in it. A
# symlink planted at the trace name is neither followed nor reused.
check "probe file for nobody" rt_probe "$RT/pn.json.gz" nobody
chmod 0644 "$RT/pn.json.gz"
echo precious >"$RT/victim"
ln -s "$RT/victim" "$RT/traces/$(date +%Y)/trace-nobody-rt2-${HOST//[^A-Za-z0-9_.-]/_}.pfw.gz"
if rt_start "$RT/pn.json.gz" rt2 nobody; then
    ok "daemon for nobody ready"
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of="$P/nobody2.bin" bs=4096 count=2 status=none
    "$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of="$P/root2.bin" bs=4096 count=2 status=none
    # Two signals in a row, as systemd's stop may send: still one clean exit.
    kill -INT "$RT_PID"
    kill -TERM "$RT_PID"
    wait "$RT_PID"
    RT_RC=$?
    RT_PID=
    check "two signals: exit 0" [ "$RT_RC" -eq 0 ]
    T2=$(rt_summary_get rt2 trace_file)
    check "nobody's trace is owned by nobody" [ "$(stat -c %U "$T2")" = nobody ]
    check "planted symlink not followed: a numbered trace name" [ "${T2##*.}" = gz ] && [ "${T2%.1.pfw.gz}" != "$T2" ]
    check "the symlink's target is untouched" [ "$(cat "$RT/victim")" = precious ] && [ "$(stat -c %U "$RT/victim")" = root ]
    check "nobody's trace is valid" rt_valid_trace "$T2"
    EV2=$("$RT_TRACECAT" "$T2")
    contains "nobody's wrapped dd is traced" "$EV2" "$P/nobody2.bin"
    lacks "root's wrapped dd is not" "$EV2" "root2.bin"
else
    not_ok "daemon for nobody starts (exit $RT_RC)"
    cat "$RT/daemon.err"
fi

# Calls shorter than --min-duration are counted, never silently lost.
if rt_start "$RT/p.json.gz" rt3 root --min-duration 10s; then
    "$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of="$P/short.bin" bs=4096 count=4 status=none
    rt_stop
    check "--min-duration: nothing recorded" [ "$(rt_summary_get rt3 events)" = 0 ]
    check "--min-duration: the short calls are counted as drops" [ "$(rt_summary_get rt3 drops)" -gt 10 ]
    check "--min-duration: with their reason" grep -q '"shorter_than_minimum": [1-9]' "$RT/run/datacrumbs-rt3.json"
else
    not_ok "daemon with --min-duration starts"
fi

# The same from datacrumbs.conf (runtime_min_duration), with nothing on the command line.
CONF_MAIN=$RT_CONF
RT_CONF=$RT/etc/datacrumbs-min.conf
{ cat "$CONF_MAIN"; echo "runtime_min_duration = 10s"; } >"$RT_CONF"
if rt_start "$RT/p.json.gz" rt4 root; then
    "$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of="$P/short4.bin" bs=4096 count=4 status=none
    rt_stop
    check "runtime_min_duration: nothing recorded" [ "$(rt_summary_get rt4 events)" = 0 ]
    check "runtime_min_duration: counted as drops" grep -q '"shorter_than_minimum": [1-9]' "$RT/run/datacrumbs-rt4.json"
else
    not_ok "daemon with runtime_min_duration starts"
fi
echo "runtime_ring_buffer = 3" >>"$RT_CONF"
check_rc "runtime_ring_buffer = 3: refused" 3 "$RT_DAEMON" --config "$RT_CONF" --check "$RT/p.json.gz" rt5 root
contains "runtime_ring_buffer = 3: the error names file, line and key" "$ERR" "datacrumbs-min.conf:"
contains "runtime_ring_buffer = 3: says why" "$ERR" "power of two"
RT_CONF=$CONF_MAIN
finish
