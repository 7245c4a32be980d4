#!/bin/bash
# test_runtime_inflight.sh BUILD SRC - a stop in the middle of running workloads accounts for
# every call: what the processes did from their datacrumbs_start() to the stop, as strace of
# the same run sees it, is in the trace (written) or in the summary's unfinished_calls
# (counted), call for call, for the traced syscalls:
#  - dd copying as fast as it can, stopped (SIGSTOP) while the daemon stops: strace's calls
#    before "--- SIGSTOP" (the libc calls it was inside are in flight);
#  - cat blocked in read(2) of a FIFO while the daemon stops: that read (and its libc read)
#    is written as "unfinished": true with what its entry knew and no ret.
# Also: open without O_CREAT reports no mode (strace shows none); with O_CREAT it does.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_require_strace "this test"
rt_setup
DD_ALIVE=
trap 'exec 7>&-; rt_cleanup; [ -n "$DD_ALIVE" ] && kill -CONT "$DD_ALIVE" 2>/dev/null && kill "$DD_ALIVE" 2>/dev/null; rm -rf -- "$T_TMP"' EXIT
P=$RT/pub
SYSCALLS=openat,read,write,close,pwrite64
FIFO=$P/fifo
mkfifo -m 0600 "$FIFO"

check "probe file written" rt_probe "$RT/p.json.gz" root
rt_start_first "$RT/p.json.gz" inf root

# open without and with O_CREAT (cat opens its input; the shell creates its output).
echo known >"$P/in.txt"
check_rc "sh: cat a file, create another" 0 "$RT_WRAP" --config "$RT_CONF" \
    sh -c 'echo $$ >"$1/sh.pid"; cat "$1/in.txt" >"$1/created.txt"' sh "$P"

# the child of strace PID (the traced process: datacrumbs_wrap execs the command)
child_of() {
    local c
    for _ in $(seq 100); do
        c=$(cat /proc/"$1"/task/*/children 2>/dev/null | awk '{print $1; exit}')
        [ -n "$c" ] && [ "$(cat /proc/"$c"/comm 2>/dev/null)" = "$2" ] && { echo "$c"; return 0; }
        sleep 0.05
    done
    return 1
}

# cat, blocked in read(2) of the FIFO: a writer (fd 7 here) exists, no data comes.
exec 7<>"$FIFO"
strace -f -qq -e trace=$SYSCALLS,rt_sigtimedwait -o "$RT/cat.strace" \
    "$RT_WRAP" --config "$RT_CONF" cat "$FIFO" >"$RT/cat.out" 7>&- &
CATJOB=$!
CATPID=$(child_of $CATJOB cat)
for _ in $(seq 100); do
    case $(cat /proc/"$CATPID"/wchan 2>/dev/null) in *pipe_read* | *pipe_wait*) break ;; esac
    sleep 0.05
done
check "cat is blocked reading the FIFO ($(cat /proc/"$CATPID"/wchan 2>/dev/null))" \
    grep -q pipe /proc/"$CATPID"/wchan

# dd, busy, stopped by SIGSTOP while the daemon stops.
strace -f -qq -e trace=$SYSCALLS,rt_sigtimedwait -o "$RT/dd.strace" \
    "$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of=/dev/null bs=512 count=100000000 7>&- &
DDJOB=$!
DDPID=$(child_of $DDJOB dd)
DD_ALIVE=$DDPID
sleep 0.7
kill -STOP "$DDPID"
for _ in $(seq 100); do
    case $(awk '{print $3}' /proc/"$DDPID"/stat) in t | T) break ;; esac
    sleep 0.05
done
check "dd is stopped" grep -q '^[0-9]* (dd) [tT]' /proc/"$DDPID"/stat

rt_stop
check "the daemon stopped: exit 0" [ "$RT_RC" -eq 0 ]
# Both go on, untraced: dd is ended, cat gets its data.
kill -CONT "$DDPID"
kill -TERM "$DDPID"
printf 'data\n' >&7
exec 7>&-
wait $CATJOB
wait $DDJOB
DD_ALIVE=
check "cat got its data after the stop" grep -qx data "$RT/cat.out"

T=$(rt_summary_get inf trace_file)
check "the trace is valid" rt_valid_trace "$T"
"$RT_TRACECAT" "$T" >"$RT/events"
U=$(rt_summary_get inf unfinished_calls)
F=$(rt_summary_get inf in_flight_at_stop)
echo "# summary: unfinished_calls $U, in_flight_at_stop $F"

# strace's calls of pid PID in LOG from its first rt_sigtimedwait (the announcement's
# handshake: it is traced from there) up to the line matching END (inclusive when INCL=1),
# looked for once a line holding AFTER was seen.
before_stop() {
    awk -v pid="$2" -v end="$3" -v incl="$4" -v after="${5:-}" '
        $1 != pid { next }
        !on { if ($2 ~ /^rt_sigtimedwait\(/) on = 1; next }
        after != "" && index($0, after) { armed = 1 }
        (after == "" || armed) && $0 ~ end { if (incl && $2 ~ /^[a-z0-9_]+\(/) n++; exit }
        $2 ~ /^(openat|read|write|close|pwrite64)\(/ { n++ }
        END { print n + 0 }' "$1"
}
# the trace's syscall events of pid (all, or the unfinished ones)
sys_events() { grep -cE "^pid=$1 .* cat=sys name=(openat|read|write|close|pwrite64) ${2:-}" "$RT/events"; }

# cat: up to its read of the FIFO (the descriptor its openat of the FIFO returned).
CATFD=$(sed -n "s|^$CATPID \{1,\}openat(.*\"${FIFO//|/\\|}\".*= \([0-9]*\)\$|\1|p" "$RT/cat.strace" | head -1)
DD_S=$(before_stop "$RT/dd.strace" "$DDPID" '^[0-9]+ +--- SIGSTOP' 0)
CAT_S=$(before_stop "$RT/cat.strace" "$CATPID" "^[0-9]+ +read\\($CATFD," 1 "\"$FIFO\"")
DD_T=$(sys_events "$DDPID")
CAT_T=$(sys_events "$CATPID")
echo "# dd: strace $DD_S calls before the stop, trace $DD_T ($(sys_events "$DDPID" 'dur=[0-9]* unfinished') unfinished)"
echo "# cat: strace $CAT_S calls before the stop, trace $CAT_T ($(sys_events "$CATPID" 'dur=[0-9]* unfinished') unfinished)"
check "strace saw dd working ($DD_S calls)" [ "$DD_S" -gt 100 ]
check "and cat (its FIFO on descriptor ${CATFD:-?})" [ -n "$CATFD" ] && [ "$CAT_S" -ge 2 ]
check "nothing lost: written + counted = strace's ($DD_T + $CAT_T + $U = $DD_S + $CAT_S)" \
    [ $((DD_T + CAT_T + ${U:-0})) -eq $((DD_S + CAT_S)) ]
check "dd: every call written ($DD_T of $DD_S)" [ "$DD_T" -eq "$DD_S" ]
check "cat: every call written ($CAT_T of $CAT_S)" [ "$CAT_T" -eq "$CAT_S" ]
R=$(grep "^pid=$CATPID .* cat=sys name=read " "$RT/events" | tail -1)
contains "cat's blocked read is written, unfinished" "$R" " unfinished=true fd=$CATFD "
lacks "with no return value" "$R" "ret="
contains "its libc read too" "$(grep "^pid=$CATPID .* cat=libc name=read " "$RT/events" | tail -1)" " unfinished=true fd=$CATFD "
check "the summary counts what it wrote from frames ($F)" [ "${F:-0}" -ge 2 ]
check "the summary's events include them" [ "$(rt_summary_get inf events)" -eq "$(grep -c . "$RT/events")" ]
# dd's libc reads of its input and writes of its output (finished or in flight) match the
# syscalls under them one for one.
DD_L=$(grep -cE "^pid=$DDPID .* cat=libc name=(read fd=0|write fd=1) " "$RT/events")
DD_RW=$(grep -cE "^pid=$DDPID .* cat=sys name=(read fd=0|write fd=1) " "$RT/events")
check "dd: as many libc reads and writes as syscalls ($DD_L, $DD_RW)" [ "$DD_L" -eq "$DD_RW" ]

# open's mode: only with O_CREAT.
SHPID=$(cat "$P/sh.pid")
O=$(grep -E "^pid=[0-9]+ .* cat=libc name=open(at|64)? " "$RT/events" | grep -F "$P/")
echo "$O" | sed 's/^/#   /'
contains "cat's open of its input: no mode" "$(grep -F "file=$P/in.txt" <<<"$O")" "file=$P/in.txt oflag=0 ret="
contains "the shell's O_CREAT open: mode 0666" "$(grep -F "file=$P/created.txt" <<<"$O")" " mode=438 ret="
finish
