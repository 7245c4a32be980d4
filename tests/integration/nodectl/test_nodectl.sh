#!/bin/bash
# Node control on this host, service_manager = direct, with the stub runtime: start, stop,
# check, status, idempotency, every failure of the runtime, the files a run leaves (and does
# not leave), hostile requests on --stdin, callers through sudo (SUDO_UID), and pid files that
# point at somebody else's process.
# Usage: test_nodectl.sh BUILD_DIR SOURCE_DIR
. "$(dirname "$0")/nodelib.sh" "$1" "$2"

N=$T/node
node_make "$N"
C=(--config "$N/datacrumbs.conf")
nc() { "$NODECTL" "${C[@]}" "$@"; }
# req LINE...: a request on stdin, the reply in $OUT.
req() { printf '%s\n' "$@" | "$NODECTL" "${C[@]}" --stdin; }

OK=$(probe p-ok ok)

# --- check, start, status, stop ------------------------------------------------------------
# Descriptors the caller (slurmd, an ssh session) leaves open never reach the root runtime.
exec 7</etc/hostname 9>"$T/fd9"
check_rc "check accepts a good probe file" 0 nc check r1 "$OK" root
contains "check reports the secret fingerprint" "$OUT" "fingerprint "
check "check leaves nothing behind" test -z "$(leftovers "$N")"
check "the runtime's --check inherits no descriptor above 2" \
    test -f "$N/run/stub-fds-check-r1" -a ! -s "$N/run/stub-fds-check-r1"

check_rc "start" 0 nc start r1 "$OK" root
check "the runtime inherits no descriptor above 2" \
    test -f "$N/run/stub-fds-start-r1" -a ! -s "$N/run/stub-fds-start-r1"
exec 7<&- 9>&-
contains "start says started" "$OUT" "started (pid"
ENV=$N/run/datacrumbs-r1.env
check "env file exists" test -f "$ENV"
check "env file is root:root 0600" test "$(stat -c '%U:%G %a' "$ENV")" = "root:root 600"
want_env="DATACRUMBS_PROBE_FILE=\"$N/run/datacrumbs-r1.probes\"
DATACRUMBS_USER=\"root\"
DATACRUMBS_RUN_ID=\"r1\"
DATACRUMBS_SERVICE_RUN_ID=\"r1\"
DATACRUMBS_LOG_DIR=\"$N/log\""
check "env file holds exactly the five keys" test "$(grep -v '^#' "$ENV")" = "$want_env"
check "the probe snapshot is root's, 0600, and the file's bytes" \
    test "$(stat -c '%U %a' "$N/run/datacrumbs-r1.probes")" = "root 600" -a \
    "$(cat "$N/run/datacrumbs-r1.probes")" = ok
PID=$(cat "$N/run/datacrumbs-r1.pid")
check "the pid file names the running stub" alive "$PID"
check "the stub got the snapshot, the run id and the user" \
    test "$(tr '\0' ' ' <"/proc/$PID/cmdline")" = \
    "$STUB --config $N/datacrumbs.conf $N/run/datacrumbs-r1.probes r1 root "
check "the runtime is in a session of its own, not its leader (double fork)" \
    test "$(awk '{print $6}' "/proc/$PID/stat")" != "$(awk '{print $6}' /proc/$$/stat)" -a \
    "$(awk '{print $6}' "/proc/$PID/stat")" != "$PID"
check_rc "status of the run" 0 nc status r1
contains "status says running" "$OUT" "running"
check_rc "status of every run" 0 nc status
contains "the table lists the run" "$OUT" "r1"
check_rc "start again is a no-op" 0 nc start r1 "$OK" root
contains "... that says so" "$OUT" "already running"
check "... with the same runtime" test "$(cat "$N/run/datacrumbs-r1.pid")" = "$PID"
check_rc "the same run id for another user is refused" 1 nc start r1 "$OK" nobody
contains "... as in use by another user" "$ERR" "in use by another user"

check_rc "stop" 0 nc stop r1
contains "stop says stopped" "$OUT" "stopped (pid $PID)"
check "the runtime is gone" gone "$PID"
check "stop leaves no env file, snapshot, pid, lock or ready file" test -z "$(leftovers "$N")"
check_rc "stop again is a no-op" 0 nc stop r1
contains "... that says not running" "$OUT" "not running"
check_rc "stop of a run never started is fine too" 0 nc stop never-started

# --- the runtime misbehaves -------------------------------------------------------------------
BAD=$(probe p-check check-fail)
check_rc "check: the runtime refuses the file (the request is invalid: 2)" 2 nc check r2 "$BAD" root
contains "... and the reason reaches the caller" "$ERR" "checksum mismatch"
check_rc "start: refused before anything starts" 2 nc start r2 "$BAD" root
check "... leaving nothing" test -z "$(leftovers "$N")"

EARLY=$(probe p-early exit-early)
check_rc "start: the runtime exits before it is ready" 1 nc start r3 "$EARLY" root
contains "... with the last line of its log" "$ERR" "exiting early as told"
check "... leaving nothing" test -z "$(leftovers "$N")"

NEVER=$(probe p-never never-ready)
t0=$(date +%s)
check_rc "start: the runtime never becomes ready" 1 nc start r4 "$NEVER" root
t1=$(date +%s)
contains "... reported as a ready timeout" "$ERR" "not ready within ready_timeout (3 s)"
check "... after about ready_timeout" test $((t1 - t0)) -ge 3 -a $((t1 - t0)) -le 8
check "... leaving nothing" test -z "$(leftovers "$N")"
check "... and no stub running for r4" bash -c "! pgrep -f -- '$N/run/datacrumbs-r4[.]probes' >/dev/null"

DEAF=$(probe p-deaf ignore-term)
check_rc "start a runtime that ignores SIGTERM" 0 nc start r5 "$DEAF" root
PID=$(cat "$N/run/datacrumbs-r5.pid")
check_rc "stop it: killed after stop_timeout, reported as a failure" 1 nc stop r5
contains "... saying so" "$ERR" "was killed"
check "... and it is gone" gone "$PID"
check "... with its files" test -z "$(leftovers "$N")"

# --- pid files that name another process ------------------------------------------------------
sleep 60 &
VICTIM=$!
T_PIDS="$T_PIDS $VICTIM"
printf '%s\n' "$VICTIM" >"$N/run/datacrumbs-r6.pid"
check_rc "status: a pid file naming another process means stopped" 0 nc status r6
contains "... stopped" "$OUT" "stopped"
check_rc "stop with that pid file succeeds" 0 nc stop r6
check "... and does not touch the other process" alive "$VICTIM"
check "... and removes the stale pid file" test ! -e "$N/run/datacrumbs-r6.pid"
printf '1\n' >"$N/run/datacrumbs-r7.pid"
check_rc "a pid file saying 1 is refused, not signalled" 1 nc stop r7
contains "... as malformed" "$ERR" "malformed"
rm -f "$N/run/datacrumbs-r7.pid"
check_rc "once an admin removed it, stop tidies up" 0 nc stop r7
kill "$VICTIM" 2>/dev/null

# --- symlinks planted in the run and log dirs -------------------------------------------------
echo precious >"$T/victim"
ln -s "$T/victim" "$N/run/datacrumbs-r8.lock"
check_rc "a symlinked lock file stops the start" 1 nc start r8 "$OK" root
check "... without touching its target" test "$(cat "$T/victim")" = precious
rm -f "$N/run/datacrumbs-r8.lock"
ln -s "$T/victim" "$N/log/datacrumbs-r9.log"
check_rc "a symlinked log file stops the start" 1 nc start r9 "$OK" root
check "... without touching its target" test "$(cat "$T/victim")" = precious
check "... leaving nothing in run_dir" test -z "$(leftovers "$N")"
rm -f "$N/log/datacrumbs-r9.log"
ln -s "$T/victim" "$N/run/datacrumbs-r10.env"
check_rc "an env file planted as a symlink is replaced, not followed" 0 nc start r10 "$OK" root
check "... its target unchanged" test "$(cat "$T/victim")" = precious
check "... the env file now a regular file" test -f "$N/run/datacrumbs-r10.env" -a ! -L "$N/run/datacrumbs-r10.env"
check_rc "stop r10" 0 nc stop r10

# --- requests on standard input ---------------------------------------------------------------
check_rc "a good request on stdin" 0 req datacrumbs-nodectl/1 verb=check run_id=s1 user=root "probe_file=$OK"
contains "... answers result=ok" "$OUT" "result=ok"
contains "... with the fingerprint" "$OUT" "fingerprint="
check_rc "status of every run on stdin" 0 req datacrumbs-nodectl/1 verb=status
contains "... answers" "$OUT" "result=ok"
# refuse NAME LINE...: the request is refused as invalid (exit 2, result=invalid).
refuse() {
    local name=$1
    shift
    check_rc "stdin: refused: $name" 2 req "$@"
    contains "... as invalid ($name)" "$OUT" "result=invalid"
}
M=datacrumbs-nodectl/1
refuse "run id with a path" $M verb=start run_id=../../etc/passwd user=root "probe_file=$OK"
refuse "run id like an option" $M verb=start run_id=-rf user=root "probe_file=$OK"
refuse "run id with a space" $M verb=start "run_id=a b" user=root "probe_file=$OK"
refuse "run id with shell syntax" $M verb=start 'run_id=$(id)' user=root "probe_file=$OK"
refuse "empty run id" $M verb=start run_id= user=root "probe_file=$OK"
refuse "run id of 65 characters" $M verb=stop "run_id=$(printf 'a%.0s' {1..65})"
refuse "user with shell syntax" $M verb=start run_id=h1 'user=root;id' "probe_file=$OK"
refuse "user like an option" $M verb=start run_id=h1 user=-root "probe_file=$OK"
refuse "no user" $M verb=start run_id=h1 "probe_file=$OK"
refuse "relative probe file" $M verb=start run_id=h1 user=root probe_file=relative/p
refuse "no probe file" $M verb=start run_id=h1 user=root
refuse "unknown key" $M verb=start run_id=h1 user=root "probe_file=$OK" colour=blue
refuse "repeated key" $M verb=start run_id=h1 run_id=h2 user=root "probe_file=$OK"
refuse "unknown verb" $M verb=restart run_id=h1
refuse "a line without =" $M verb=status junk
refuse "stop with a user" $M verb=stop run_id=h1 user=root
refuse "non-UTF-8 probe path" $M verb=start run_id=h1 user=root "probe_file=/tmp/$(printf '\377')"
check_rc "stdin: no magic line" 2 req verb=status
check_rc "stdin: another protocol version" 2 req datacrumbs-nodectl/2 verb=status
check_rc "stdin: a truncated request (no final newline)" 2 \
    bash -c 'printf "datacrumbs-nodectl/1\nverb=status" | "$@"' _ "$NODECTL" "${C[@]}" --stdin
check_rc "stdin: a CR in the request" 2 \
    bash -c 'printf "datacrumbs-nodectl/1\r\nverb=status\n" | "$@"' _ "$NODECTL" "${C[@]}" --stdin
check_rc "stdin: a NUL in the request" 2 \
    bash -c 'printf "datacrumbs-nodectl/1\nverb=status\nrun_id=a\0b\n" | "$@"' _ "$NODECTL" "${C[@]}" --stdin
check_rc "stdin: a request over 8 KiB" 2 \
    bash -c '{ printf "datacrumbs-nodectl/1\nverb=status\n"; head -c 9000 /dev/zero | tr "\0" x; echo; } | "$@"' _ "$NODECTL" "${C[@]}" --stdin
check "nothing was created by the refused requests" test -z "$(leftovers "$N")"
check_rc "stdin and a command together is a usage error" 2 nc --stdin status

# --- callers through sudo: SUDO_UID ---------------------------------------------------------
NOBODY_OK=$(probe p-nobody ok nobody)
check_rc "a user may not start a run for root" 3 env SUDO_UID=65534 "$NODECTL" "${C[@]}" start u1 "$OK" root
contains "... denied" "$ERR" "may only start runs for itself"
check_rc "a user may not read root's file through node control (invalid: 2)" 2 \
    env SUDO_UID=65534 "$NODECTL" "${C[@]}" start u1 "$OK" nobody
contains "... the file is read as the user" "$ERR" "Permission denied"
check "... and nothing is left" test -z "$(leftovers "$N")"
check_rc "a user starts its own run with its own file" 0 \
    env SUDO_UID=65534 "$NODECTL" "${C[@]}" start u1 "$NOBODY_OK" nobody
check "the snapshot stays root's (the user reads it through an ACL)" \
    test "$(stat -c '%U:%G' "$N/run/datacrumbs-u1.probes")" = "root:root"
check "the user cannot write the snapshot" \
    setpriv --reuid 65534 --regid 65534 --clear-groups bash -c "! : >>'$N/run/datacrumbs-u1.probes'" 2>/dev/null
check "the user can read the snapshot (as the runtime will, with its credentials)" \
    bash -c 'setpriv --reuid 65534 --regid 65534 --clear-groups cat "$1" >/dev/null' _ "$N/run/datacrumbs-u1.probes"
check_rc "root's run may not be stopped by that user" 0 nc start u2 "$OK" root
check_rc "... stop denied" 3 env SUDO_UID=65534 "$NODECTL" "${C[@]}" stop u2
check "... and it still runs" alive "$(cat "$N/run/datacrumbs-u2.pid")"
check_rc "the user stops its own run" 0 env SUDO_UID=65534 "$NODECTL" "${C[@]}" stop u1
check_rc "root stops any run" 0 nc stop u2
check_rc "a SUDO_UID that is not a number is refused" 3 env SUDO_UID=0x0 "$NODECTL" "${C[@]}" status
check "all runs are gone" test -z "$(leftovers "$N")"

# --- run limits: each run is a root daemon with probes in every process of the node ---------
L=$T/limits
node_make "$L" "max_runs_per_user = 2" "max_runs = 3"
nl() { "$NODECTL" --config "$L/datacrumbs.conf" "$@"; }
check_rc "limits: a user's first run" 0 env SUDO_UID=65534 "$NODECTL" --config "$L/datacrumbs.conf" start l1 "$NOBODY_OK" nobody
check_rc "limits: its second" 0 env SUDO_UID=65534 "$NODECTL" --config "$L/datacrumbs.conf" start l2 "$NOBODY_OK" nobody
check_rc "limits: a third is denied (max_runs_per_user = 2)" 3 env SUDO_UID=65534 "$NODECTL" --config "$L/datacrumbs.conf" start l3 "$NOBODY_OK" nobody
contains "limits: ... and it says why" "$OUT$ERR" "max_runs_per_user = 2"
check "limits: ... nothing of it is left" test -z "$(ls "$L/run" | grep -F 'datacrumbs-l3.' | grep -v '\.lock$')"
check_rc "limits: starting a running run again is still fine" 0 env SUDO_UID=65534 "$NODECTL" --config "$L/datacrumbs.conf" start l1 "$NOBODY_OK" nobody
# A run whose runtime died (its env file left behind) no longer counts.
DEAD=$(cat "$L/run/datacrumbs-l2.pid")
[ "$DEAD" -gt 1 ] 2>/dev/null && kill -KILL "$DEAD"
for _ in $(seq 50); do alive "$DEAD" || break; sleep 0.05; done
check "limits: l2's runtime is dead, its env file is still there" test -f "$L/run/datacrumbs-l2.env"
check_rc "limits: ... and does not count (l3 starts)" 0 env SUDO_UID=65534 "$NODECTL" --config "$L/datacrumbs.conf" start l3 "$NOBODY_OK" nobody
nl stop l2 >/dev/null 2>&1
check_rc "limits: another user's run" 0 nl start l4 "$OK" root
check_rc "limits: a fourth run on the node is denied (max_runs = 3)" 3 nl start l5 "$OK" root
contains "limits: ... and it says why" "$OUT$ERR" "max_runs = 3"
for id in l1 l3 l4; do nl stop "$id" >/dev/null 2>&1; done
check_rc "limits: after a stop there is room again" 0 nl start l5 "$OK" root
nl stop l5 >/dev/null 2>&1
check "limits: all runs are gone" test -z "$(leftovers "$L")"

# --- one user's request never holds another user's run id (issue 12, item 6) -----------------
# Through sudo a user may name any run id, also that of another user's next job. A check that
# makes the runtime burn (a crafted ELF file) or a start that never gets ready must not make
# the job's own start (root, as the prolog) wait: ready_timeout here is 20 s, what a held lock
# used to cost.
P=$T/preempt
node_make "$P" "ready_timeout = 20"
np() { "$NODECTL" --config "$P/datacrumbs.conf" "$@"; }
as_nobody() { env SUDO_UID=65534 "$NODECTL" --config "$P/datacrumbs.conf" "$@"; }
HANG=$(probe p-hang check-hang nobody)
NEVER_N=$(probe p-never-n never-ready nobody)
# stub_pids PATTERN: the stubs whose command line holds PATTERN (the run's snapshot).
stub_pids() { pgrep -f -- "$1" | tr '\n' ' '; }
# wait_stub PATTERN: until such a stub runs (at most 5 s).
wait_stub() {
    for _ in $(seq 100); do [ -n "$(stub_pids "$1")" ] && return 0; sleep 0.05; done
    return 1
}
# all_gone PIDS: every one of them has ended (within 3 s each).
all_gone() {
    local p
    for p in "$@"; do gone "$p" 3 || return 1; done
}

env SUDO_UID=65534 "$NODECTL" --config "$P/datacrumbs.conf" check j1 "$HANG" nobody >"$T/j1.out" 2>&1 &
CHK=$!
T_PIDS="$T_PIDS $CHK"
check "preempt: a user's check of run id j1 burns in the runtime" wait_stub "$P/run/datacrumbs-j1[.]check"
BURN=$(stub_pids "$P/run/datacrumbs-j1[.]check")
t0=$(date +%s%N)
check_rc "preempt: ... root's start of j1 (the job's prolog) meanwhile" 0 np start j1 "$OK" root
t1=$(date +%s%N)
check "preempt: ... is not delayed by it ($(((t1 - t0) / 1000000)) ms < 3 s)" test $(((t1 - t0) / 1000000)) -lt 3000
check_rc "preempt: stop j1" 0 np stop j1
kill -TERM "$CHK"
check "preempt: SIGTERM cancels the user's check" gone "$CHK" 3
check "preempt: ... and kills its runtime's whole process group ($BURN)" all_gone $BURN
check "preempt: ... leaving no private snapshot" test -z "$(ls "$P/run" | grep -F '.check.probes')"

as_nobody start j2 "$HANG" nobody >"$T/j2.out" 2>"$T/j2.err" &
HOLD=$!
T_PIDS="$T_PIDS $HOLD"
check "preempt: a user's start of j2 holds the lock while its runtime check burns" \
    wait_stub "$P/run/datacrumbs-j2[.]probes"
BURN=$(stub_pids "$P/run/datacrumbs-j2[.]probes")
t0=$(date +%s%N)
check_rc "preempt: root's start of j2 takes over" 0 np start j2 "$OK" root
t1=$(date +%s%N)
check "preempt: ... within a few seconds ($(((t1 - t0) / 1000000)) ms < 3 s)" test $(((t1 - t0) / 1000000)) -lt 3000
contains "preempt: ... and runs root's runtime" "$(cat "$P/run/datacrumbs-j2.env")" 'DATACRUMBS_USER="root"'
wait "$HOLD"
check "preempt: the user's start failed (exit 1)" test $? = 1
contains "preempt: ... saying it was cancelled" "$(cat "$T/j2.err")" "cancelled: the caller gave up, or another request"
check "preempt: ... and its burning check is gone, process group and all ($BURN)" all_gone $BURN
check_rc "preempt: stop j2" 0 np stop j2

as_nobody start j3 "$NEVER_N" nobody >"$T/j3.out" 2>"$T/j3.err" &
HOLD=$!
T_PIDS="$T_PIDS $HOLD"
for _ in $(seq 100); do [ -s "$P/run/datacrumbs-j3.pid" ] && break; sleep 0.05; done
RT=$(cat "$P/run/datacrumbs-j3.pid" 2>/dev/null)
check "preempt: a user's start of j3 waits for a runtime that never gets ready" alive "${RT:-0}"
t0=$(date +%s%N)
check_rc "preempt: root's stop of j3 (the epilog, or the prolog evicting it)" 0 np stop j3
t1=$(date +%s%N)
check "preempt: ... is not delayed ($(((t1 - t0) / 1000000)) ms < 4 s)" test $(((t1 - t0) / 1000000)) -lt 4000
wait "$HOLD"
check "preempt: the user's start failed (exit 1)" test $? = 1
check "preempt: ... its runtime is stopped" gone "$RT" 3
check "preempt: ... and nothing of j3 is left ($(leftovers "$P"))" test -z "$(leftovers "$P")"
check_rc "preempt: a user's own start still works" 0 as_nobody start j4 "$NOBODY_OK" nobody
check_rc "preempt: ... and its stop" 0 as_nobody stop j4

# --- status through sudo shows a user its own runs only (issue 12, item 8) -------------------
check_rc "status: root's run" 0 nc start st-root "$OK" root
check_rc "status: nobody's run" 0 env SUDO_UID=65534 "$NODECTL" "${C[@]}" start st-nobody "$NOBODY_OK" nobody
check_rc "status: the user's table" 0 env SUDO_UID=65534 "$NODECTL" "${C[@]}" status
contains "status: ... lists the user's run" "$OUT" "st-nobody"
lacks "status: ... and not root's" "$OUT" "st-root"
check_rc "status: the user's protocol status" 0 \
    bash -c 'printf "datacrumbs-nodectl/1\nverb=status\n" | env SUDO_UID=65534 "$@" --stdin' _ "$NODECTL" "${C[@]}"
contains "status: ... has the user's run" "$OUT" "run=st-nobody running nobody"
lacks "status: ... and not root's" "$OUT" "st-root"
contains "status: ... counts only the user's" "$OUT" "detail=1 run"
check_rc "status: another user's run by id is denied" 3 env SUDO_UID=65534 "$NODECTL" "${C[@]}" status st-root
lacks "status: ... without its state or owner" "$OUT$ERR" "running"
check_rc "status: root sees every run" 0 nc status
contains "status: ... root's" "$OUT" "st-root"
contains "status: ... and the user's" "$OUT" "st-nobody"
nc stop st-root >/dev/null 2>&1
nc stop st-nobody >/dev/null 2>&1

# --- command line ------------------------------------------------------------------------------
check_rc "--help" 0 "$NODECTL" --help
contains "--help ends with examples" "$OUT" "EXAMPLES"
check_rc "no command" 2 "$NODECTL"
check_rc "unknown command" 2 nc restart r1
check_rc "start without a user" 2 nc start r1 "$OK"
check_rc "an invalid run id on the command line" 2 nc start 'x;y' "$OK" root
check_rc "a service manager that does not exist" 1 \
    bash -c 'sed "s/^service_manager = direct/service_manager = upstart/" "$1" >"$2" && "$3" --config "$2" status' \
    _ "$N/datacrumbs.conf" "$T/bad.conf" "$NODECTL"

finish
