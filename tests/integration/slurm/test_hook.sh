#!/bin/bash
# test_hook.sh - datacrumbs_slurm_hook and datacrumbs_service_wrapper without Slurm: the
# variables slurmd sets, node control in direct mode, and the stub daemon (stub_daemon.c) as the
# runtime. Every hostile comment is refused with a reason, exit 0, nothing started; the epilog
# stops a run whatever the comment or the probe file became.
#   test_hook.sh BUILD_DIR SOURCE_DIR   (root)
set -u
. "$2/tests/integration/lib.sh"
. "$2/tests/integration/slurm/common.sh" "$1" "$2"
need "$HOOK" "$SERVICE_WRAPPER" "$STUB" "$MKPROBE"
need_root

chmod 0755 "$T_TMP"
D=$T_TMP/node
node_create "$D" "$STUB"
CONF=$D/dc.conf
RUN=$D/dc/run
TRACES=$D/dc/traces
PUB=$T_TMP/pub
mkdir -p "$PUB" "$T_TMP/rootonly" "$T_TMP/other"
chmod 0755 "$PUB"
chmod 0700 "$T_TMP/rootonly"
UID_T=$(id -u "$TEST_USER")
HOST=$(hostname)

probe "$PUB/good.json.gz"
probe "$PUB/expired.json.gz" -60
probe "$PUB/root.json.gz" 86400 root
probe "$T_TMP/rootonly/p.json.gz"
(umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$T_TMP/other/secret")
probe "$PUB/forged.json.gz" 86400 "$TEST_USER" "$T_TMP/other/secret"
cp "$PUB/good.json.gz" "$PUB/unreadable.json.gz" && chmod 0600 "$PUB/unreadable.json.gz"
ln -s "$T_TMP/rootonly/p.json.gz" "$PUB/link.json.gz"
# Directories named like attacks, each holding a valid probe file.
for name in 'p$(touch '"$T_TMP"'/pwned)' 'q"uote' "s'quote" 'with space' $'new\nline' 'b`id`'; do
    mkdir -p "$PUB/$name" && probe "$PUB/$name/p.json.gz"
done

req() { printf '{"datacrumbs":{"enable":"yes","probe_file":"%s"}}' "$1"; }

# prolog JOB COMMENT [HOOK ARGS...]: the hook as slurmd runs it, output in $T_TMP/err.
prolog() {
    local job=$1 comment=$2
    shift 2
    env -i SLURM_JOB_ID="$job" SLURM_JOB_UID="$UID_T" SLURM_JOB_COMMENT="$comment" \
        SLURM_SCRIPT_CONTEXT=prolog_slurmd "$HOOK" --config "$CONF" "$@"
}
epilog() {
    env -i SLURM_JOB_ID="$1" SLURM_JOB_UID="$UID_T" SLURM_JOB_COMMENT="${2:-}" \
        SLURM_SCRIPT_CONTEXT=epilog_slurmd "$HOOK" --config "$CONF"
}

# running JOB: the runtime of JOB is alive (pid file written by node control).
running() {
    local pid
    [ -f "$RUN/datacrumbs-$1.pid" ] || return 1
    pid=$(cat "$RUN/datacrumbs-$1.pid")
    [ "$pid" -gt 1 ] 2>/dev/null && kill -0 "$pid" 2>/dev/null
}
# nothing_left JOB: no env, pid or snapshot file of JOB.
nothing_left() {
    ! ls "$RUN"/datacrumbs-"$1".env "$RUN"/datacrumbs-"$1".pid "$RUN"/datacrumbs-"$1".probes \
        >/dev/null 2>&1
}

# --- a traced job, then an epilog that must stop it whatever changed ---
check_rc "prolog of a traced job exits 0" 0 prolog 101 "$(req "$PUB/good.json.gz")"
contains "prolog says it traces" "$ERR" "job 101 (user $TEST_USER): tracing with $PUB/good.json.gz"
check "the runtime runs" running 101
check "the trace belongs to the user" test "$(stat -c %U "$TRACES/trace-$TEST_USER-101-$HOST.stub" 2>/dev/null)" = "$TEST_USER"
# slurm.conf's Prolog and the SPANK plugin both configured run the hook twice: the second
# leaves the job to the first (one check, one log line).
check_rc "prolog again: exit 0" 0 prolog 101 "$(req "$PUB/good.json.gz")"
check "the second prolog logs nothing" test -z "$ERR"
check "the runtime still runs" running 101
check_rc "epilog after the comment was changed" 0 epilog 101 '{"datacrumbs":{"enable":"no"}}'
contains "epilog stopped it" "$ERR" "job 101: tracing stopped"
check "the runtime is gone" test ! -e "$RUN/datacrumbs-101.pid"
check "nothing left of run 101" nothing_left 101
contains "the runtime flushed on stop" "$(cat "$TRACES/trace-$TEST_USER-101-$HOST.stub")" "stopped run=101"
check_rc "second epilog: nothing to do" 0 epilog 101
lacks "second epilog is silent" "$ERR" "error"

cp "$PUB/good.json.gz" "$PUB/deleted.json.gz"
check_rc "prolog with a probe file deleted later" 0 prolog 102 "$(req "$PUB/deleted.json.gz")"
check "runtime 102 runs" running 102
rm -f "$PUB/deleted.json.gz"
check_rc "epilog after the probe file was deleted" 0 epilog 102 ''
check "runtime 102 stopped" nothing_left 102

# --- the SPANK option's path ---
check_rc "prolog with --probe-file (SPANK)" 0 prolog 103 '' --probe-file "$PUB/good.json.gz"
check "runtime 103 runs" running 103
check_rc "epilog 103" 0 epilog 103
check "runtime 103 stopped" nothing_left 103
check_rc "SPANK option with a relative path" 0 prolog 104 '' --probe-file good.json.gz
contains "relative option refused" "$ERR" "must be absolute"
check "nothing started for 104" nothing_left 104
check_rc "--probe-file in the epilog is a mistake, still exit 0" 0 \
    env -i SLURM_JOB_ID=105 SLURM_SCRIPT_CONTEXT=epilog_slurmd "$HOOK" --config "$CONF" --probe-file /p

# --- hostile comments: exit 0, nothing started, the log says why ---
BIG=$(printf '%05000d' 0)
hostile() { # NAME JOB COMMENT WHY
    check_rc "hostile: $1: exit 0" 0 prolog "$2" "$3"
    contains "hostile: $1: says why" "$ERR" "$4"
    # The user's mistake, not the node's: a warning, never an error line in slurmd's log.
    lacks "hostile: $1: a warning, not an error" "$ERR" "error:"
    check "hostile: $1: nothing started" nothing_left "$2"
}
hostile "not JSON" 110 'datacrumbs please' "not valid JSON"
hostile "truncated JSON" 111 '{"datacrumbs":{"enable":"yes"' "not valid JSON"
hostile "nested JSON" 112 '{"datacrumbs":{"enable":"yes","probe_file":"'"$PUB"'/good.json.gz","x":[[[[[1]]]]]}}' "nests deeper"
hostile "huge JSON" 113 '{"datacrumbs":{"enable":"yes","probe_file":"'"$PUB"'/good.json.gz"},"pad":"'"$BIG"'"}' "over the 4096-byte limit"
hostile "duplicate keys" 114 "$(req "$PUB/good.json.gz" | sed 's/}}$/},"datacrumbs":{"enable":"no"}}/')" "not valid JSON"
hostile "enable true" 115 '{"datacrumbs":{"enable":true,"probe_file":"'"$PUB"'/good.json.gz"}}' 'must be the string "yes" or "no"'
hostile "enable YES" 116 '{"datacrumbs":{"enable":"YES","probe_file":"'"$PUB"'/good.json.gz"}}' 'must be the string "yes" or "no"'
hostile "relative probe file" 117 "$(req good.json.gz)" "must be absolute"
hostile "dot-dot probe file" 118 "$(req "$PUB/../pub/good.json.gz")" "canonical"
hostile "no probe file" 119 '{"datacrumbs":{"enable":"yes"}}' 'without a "probe_file"'
hostile "missing probe file" 120 "$(req "$PUB/missing.json.gz")" "No such file"
hostile "unreadable probe file" 121 "$(req "$PUB/unreadable.json.gz")" "Permission denied"
hostile "symlink to a root-only file" 122 "$(req "$PUB/link.json.gz")" "Permission denied"
hostile "path with \$(...)" 123 "$(req "$PUB/p\$(touch $T_TMP/pwned)/p.json.gz")" "'\$'"
check "no command ran" test ! -e "$T_TMP/pwned"
hostile "path with a double quote" 124 "$(req "$PUB/q\\\"uote/p.json.gz")" "'\"'"
hostile "path with a single quote" 125 "$(req "$PUB/s'quote/p.json.gz")" "\\x27"
hostile "path with a space" 126 "$(req "$PUB/with space/p.json.gz")" "space"
hostile "path with a newline" 127 "$(req "$PUB/new\\nline/p.json.gz")" "\\x0a"
hostile "path with backquotes" 128 "$(req "$PUB/b\`id\`/p.json.gz")" "'\`'"
hostile "forged probe file" 129 "$(req "$PUB/forged.json.gz")" "refused the probe file"
hostile "expired probe file" 130 "$(req "$PUB/expired.json.gz")" "refused the probe file"
hostile "probe file of another user" 131 "$(req "$PUB/root.json.gz")" "refused the probe file"
hostile "JSON array" 132 "[$(req "$PUB/good.json.gz")]" "not an object"
hostile "NUL escape in the path" 133 "$(req "$PUB/good\\u0000.json.gz")" "NUL"

# --- what slurmd's variables may hold ---
check_rc "invalid job id: exit 0" 0 prolog '../../x' "$(req "$PUB/good.json.gz")"
contains "invalid job id: says why" "$ERR" "SLURM_JOB_ID is not a valid run id"
check "invalid job id: no file" test -z "$(ls "$RUN" | grep -v '^datacrumbs-1[0-9][0-9]\.json$' | grep -v '\.lock$' | grep -v '^datacrumbs-1[0-9][0-9]\.prolog$')"
check_rc "uid not a number: exit 0" 0 env -i SLURM_JOB_ID=140 SLURM_JOB_UID=-1 \
    SLURM_JOB_COMMENT="$(req "$PUB/good.json.gz")" SLURM_SCRIPT_CONTEXT=prolog_slurmd "$HOOK" --config "$CONF"
contains "uid not a number: says why" "$ERR" "SLURM_JOB_UID is not a user id"
check "uid not a number: nothing started" nothing_left 140
check_rc "no phase: exit 0" 0 env -i SLURM_JOB_ID=141 "$HOOK" --config "$CONF"
contains "no phase: says why" "$ERR" "cannot tell prolog from epilog"
check_rc "run as PrologSlurmctld: exit 0" 0 env -i SLURM_JOB_ID=142 SLURM_JOB_UID="$UID_T" \
    SLURM_JOB_COMMENT="$(req "$PUB/good.json.gz")" SLURM_SCRIPT_CONTEXT=prolog_slurmctld "$HOOK" --config "$CONF"
contains "PrologSlurmctld: says why" "$ERR" "PrologSlurmctld"
check "PrologSlurmctld: nothing started" nothing_left 142
check_rc "not root: exit 0" 0 as_user env -i SLURM_JOB_ID=143 SLURM_JOB_UID="$UID_T" \
    SLURM_JOB_COMMENT="$(req "$PUB/good.json.gz")" SLURM_SCRIPT_CONTEXT=prolog_slurmd "$HOOK" --config "$CONF"
contains "not root: says why" "$ERR" "must run as root"
check_rc "bad configuration: exit 0" 0 env -i SLURM_JOB_ID=144 SLURM_JOB_UID="$UID_T" \
    SLURM_JOB_COMMENT="$(req "$PUB/good.json.gz")" SLURM_SCRIPT_CONTEXT=prolog_slurmd "$HOOK" --config "$T_TMP/none.conf"
contains "bad configuration: says why" "$ERR" "nothing done"
check_rc "usage error: exit 2" 2 "$HOOK" --bogus
check_rc "unknown phase word: exit 2" 2 "$HOOK" --config "$CONF" start

# PATH is not trusted: a "datacrumbs" or "systemctl" in it is never run.
mkdir -p "$T_TMP/evil"
for p in datacrumbs systemctl sh; do
    printf '#!/bin/sh\ntouch %s/evil-ran\n' "$T_TMP" >"$T_TMP/evil/$p" && chmod 0755 "$T_TMP/evil/$p"
done
check_rc "prolog with a hostile PATH" 0 env -i PATH="$T_TMP/evil" LD_PRELOAD=/nonexistent.so \
    SLURM_JOB_ID=150 SLURM_JOB_UID="$UID_T" SLURM_JOB_COMMENT="$(req "$PUB/good.json.gz")" \
    SLURM_SCRIPT_CONTEXT=prolog_slurmd "$HOOK" --config "$CONF"
check "hostile PATH: started anyway" running 150
check_rc "epilog with a hostile PATH" 0 env -i PATH="$T_TMP/evil" SLURM_JOB_ID=150 \
    SLURM_SCRIPT_CONTEXT=epilog_slurmd "$HOOK" --config "$CONF"
check "hostile PATH: stopped" nothing_left 150
check "hostile PATH: nothing from PATH ran" test ! -e "$T_TMP/evil-ran"

# A job without DataCrumbs: silent, no file created.
before=$(ls "$RUN" | sort)
check_rc "untraced job prolog" 0 prolog 160 '{"project":"io"}'
check "untraced job prolog is silent" test -z "$ERR"
check_rc "untraced job epilog" 0 epilog 160
check "untraced job epilog is silent" test -z "$ERR"
check_rc "job without comment" 0 prolog 161 ''
check "untraced jobs leave no file" test "$(ls "$RUN" | sort)" = "$before"

# --- datacrumbs_service_wrapper: the same path by hand ---
check_rc "wrapper start" 0 "$SERVICE_WRAPPER" --config "$CONF" start 200 "$TEST_USER" "$PUB/good.json.gz"
contains "wrapper start says so" "$OUT" "job 200 (user $TEST_USER): tracing with"
check "wrapper: runtime runs" running 200
check_rc "wrapper start again" 0 "$SERVICE_WRAPPER" --config "$CONF" start 200 "$TEST_USER" "$PUB/good.json.gz"
check_rc "wrapper dry-run stop" 0 "$SERVICE_WRAPPER" --config "$CONF" --dry-run stop 200
contains "dry-run stop says there is a run" "$OUT" "a run to stop"
check "dry-run stop stopped nothing" running 200
check_rc "wrapper stop (4 arguments, as upstream)" 0 "$SERVICE_WRAPPER" --config "$CONF" stop 200 "$TEST_USER" /whatever
check "wrapper: stopped" nothing_left 200
check_rc "wrapper stop again" 0 "$SERVICE_WRAPPER" --config "$CONF" stop 200
contains "nothing to stop" "$OUT" "no run to stop"
( cd "$PUB" && check_rc "wrapper start with a relative path" 0 "$SERVICE_WRAPPER" --config "$CONF" start 201 "$TEST_USER" good.json.gz )
check "relative path made absolute" running 201
check_rc "wrapper stop 201" 0 "$SERVICE_WRAPPER" --config "$CONF" stop 201
check_rc "wrapper dry-run start" 0 "$SERVICE_WRAPPER" --config "$CONF" --dry-run start 202 "$TEST_USER" "$PUB/good.json.gz"
contains "dry-run start checked" "$OUT" "would trace with"
check "dry-run started nothing" nothing_left 202
check_rc "wrapper: expired file" 1 "$SERVICE_WRAPPER" --config "$CONF" start 203 "$TEST_USER" "$PUB/expired.json.gz"
contains "wrapper: expired says why" "$ERR" "refused the probe file"
check_rc "wrapper: unreadable by the user" 1 "$SERVICE_WRAPPER" --config "$CONF" start 204 "$TEST_USER" "$PUB/unreadable.json.gz"
contains "wrapper: unreadable says why" "$ERR" "Permission denied"
check_rc "wrapper: hostile path" 1 "$SERVICE_WRAPPER" --config "$CONF" start 205 "$TEST_USER" "$PUB/with space/p.json.gz"
contains "wrapper: hostile path says why" "$ERR" "space"
check_rc "wrapper: missing file" 1 "$SERVICE_WRAPPER" --config "$CONF" start 206 "$TEST_USER" "$PUB/nope"
check_rc "wrapper: unknown user" 1 "$SERVICE_WRAPPER" --config "$CONF" start 207 no-such-user-dc "$PUB/good.json.gz"
check_rc "wrapper: invalid job id" 1 "$SERVICE_WRAPPER" --config "$CONF" start 'a/b' "$TEST_USER" "$PUB/good.json.gz"
check_rc "wrapper: unknown action" 2 "$SERVICE_WRAPPER" --config "$CONF" restart 1 "$TEST_USER" "$PUB/good.json.gz"
check_rc "wrapper: start needs 3 arguments" 2 "$SERVICE_WRAPPER" --config "$CONF" start 1 "$TEST_USER"
check_rc "wrapper: no arguments" 2 "$SERVICE_WRAPPER"
check_rc "wrapper: not root" 3 as_user "$SERVICE_WRAPPER" --config "$CONF" start 208 "$TEST_USER" "$PUB/good.json.gz"
check_rc "wrapper --help" 0 "$SERVICE_WRAPPER" --help
contains "wrapper --help ends with examples" "$OUT" "EXAMPLES"
check_rc "hook --help" 0 "$HOOK" --help
contains "hook --help ends with examples" "$OUT" "EXAMPLES"

# --- a run that holds a job's id for another user gives way to the job's own user ---
NODECTL_BIN=$B/src/nodectl/datacrumbs_nodectl
if id daemon >/dev/null 2>&1 && [ -x "$NODECTL_BIN" ]; then
    probe "$PUB/daemon.json.gz" 86400 daemon
    chmod 0644 "$PUB/daemon.json.gz"
    check_rc "held id: another user's run with job 302's id" 0 \
        "$NODECTL_BIN" --config "$CONF" start 302 "$PUB/daemon.json.gz" daemon
    check "held id: ... runs" running 302
    HELD=$(cat "$RUN/datacrumbs-302.pid")
    check_rc "held id: the prolog of job 302 exits 0" 0 prolog 302 "$(req "$PUB/good.json.gz")"
    contains "held id: ... says whose run it stopped" "$ERR" "run 302 of user daemon held the job's id; stopped it"
    contains "held id: ... and traces the job" "$ERR" "job 302 (user $TEST_USER): tracing with"
    check "held id: the other user's runtime is gone" gone "$HELD"
    check "held id: the job's own run is up" running 302
    check_rc "held id: the epilog exits 0" 0 epilog 302
    check "held id: nothing of job 302 is left" nothing_left 302
else
    echo "# no user 'daemon' here: the held-id case is not tried"
fi

# --- prolog_timeout: a prolog that would outlive slurmd's PrologEpilogTimeout gives up ---
# The "runtime" hangs in its --check (as on a hung file system); node control would wait
# ready_timeout (30 s); the prolog gives up after 2 s, stops what it waited for, exits 0.
H=$T_TMP/hang
node_create "$H" "$T_TMP/hang-daemon"
printf '#!/bin/sh\necho $$ >"%s"\nexec sleep 60\n' "$H/hang.pid" >"$T_TMP/hang-daemon"
chmod 0755 "$T_TMP/hang-daemon"
echo "prolog_timeout = 2" >>"$H/dc.conf"
t0=$SECONDS
check_rc "prolog_timeout: the prolog exits 0" 0 env -i SLURM_JOB_ID=301 SLURM_JOB_UID="$UID_T" \
    SLURM_JOB_COMMENT="$(req "$PUB/good.json.gz")" SLURM_SCRIPT_CONTEXT=prolog_slurmd \
    "$HOOK" --config "$H/dc.conf"
check "prolog_timeout: ... after about 2 s, not ready_timeout's 30" test $((SECONDS - t0)) -lt 15
contains "prolog_timeout: ... and says why" "$ERR" "job 301: prolog gave up after prolog_timeout (2 s)"
HPID=$(cat "$H/hang.pid" 2>/dev/null)
check "prolog_timeout: what it waited for was stopped too" test -n "$HPID"
check "prolog_timeout: ... (pid $HPID)" gone "$HPID"
check_rc "prolog_timeout: the epilog exits 0" 0 env -i SLURM_JOB_ID=301 SLURM_JOB_UID="$UID_T" \
    SLURM_SCRIPT_CONTEXT=epilog_slurmd "$HOOK" --config "$H/dc.conf"
check "prolog_timeout: nothing of the job is left" \
    bash -c '! ls "$1"/datacrumbs-301.env "$1"/datacrumbs-301.pid >/dev/null 2>&1' _ "$H/dc/run"

# --- the shipped prolog_timeout, and slurm.conf's PrologEpilogTimeout -----------------------
# With the shipped defaults (no prolog_timeout, ready_timeout 300 s) and a hung runtime, the
# prolog must still end before slurmd would kill it: below PrologEpilogTimeout (5 s here, read
# from SLURM_CONF as slurmd passes it), 3 s.
H2=$T_TMP/hang2
node_create "$H2" "$T_TMP/hang-daemon2"
sed -i '/^ready_timeout/d; /^stop_timeout/d' "$H2/dc.conf"
printf '#!/bin/sh\necho $$ >"%s"\nexec sleep 60\n' "$H2/hang.pid" >"$T_TMP/hang-daemon2"
chmod 0755 "$T_TMP/hang-daemon2"
printf 'ClusterName=dc-test\n# PrologEpilogTimeout=1\nprologepilogtimeout=5   # seconds\n' >"$H2/slurm.conf"
t0=$SECONDS
check_rc "PrologEpilogTimeout: the prolog exits 0" 0 env -i SLURM_JOB_ID=305 SLURM_JOB_UID="$UID_T" \
    SLURM_JOB_COMMENT="$(req "$PUB/good.json.gz")" SLURM_SCRIPT_CONTEXT=prolog_slurmd \
    SLURM_CONF="$H2/slurm.conf" "$HOOK" --config "$H2/dc.conf"
check "PrologEpilogTimeout: ... before slurmd's 5 s ($((SECONDS - t0)) s)" test $((SECONDS - t0)) -lt 5
contains "PrologEpilogTimeout: ... and says why" "$ERR" \
    "job 305: prolog gave up after 3 s, below slurm.conf's PrologEpilogTimeout (5 s)"
HPID=$(cat "$H2/hang.pid" 2>/dev/null)
check "PrologEpilogTimeout: what it waited for was stopped (pid ${HPID:-?})" gone "${HPID:-0}"
check_rc "PrologEpilogTimeout: the epilog exits 0" 0 env -i SLURM_JOB_ID=305 SLURM_JOB_UID="$UID_T" \
    SLURM_SCRIPT_CONTEXT=epilog_slurmd "$HOOK" --config "$H2/dc.conf"
check "PrologEpilogTimeout: nothing of the job is left" \
    bash -c '! ls "$1"/datacrumbs-305.env "$1"/datacrumbs-305.pid >/dev/null 2>&1' _ "$H2/dc/run"

# --- another user's request for this job's id never holds its prolog (issue 12, item 6) ---
# Through sudo, user daemon asks node control about job 303's and 304's ids before the jobs
# start, with a probe file that makes the runtime's check burn forever (a crafted ELF file; the
# runtime here is node control's stub). ready_timeout is 60 s: what a held lock used to cost.
NSTUB=$B/tests/integration/nodectl/dc_test_stub_daemon
if id daemon >/dev/null 2>&1 && [ -x "$NODECTL_BIN" ] && [ -x "$NSTUB" ]; then
    A=$T_TMP/attack
    node_create "$A" "$NSTUB"
    sed -i 's/^ready_timeout = 30/ready_timeout = 60/' "$A/dc.conf"
    printf 'check-hang\n' >"$T_TMP/crafted.json.gz"
    chown daemon "$T_TMP/crafted.json.gz" && chmod 0600 "$T_TMP/crafted.json.gz"
    printf 'ok\n' >"$PUB/stub-ok.json.gz" && chmod 0644 "$PUB/stub-ok.json.gz"
    burning() { pgrep -f -- "$A/dc/run/datacrumbs-$1[.]" | tr '\n' ' '; }
    wait_burning() {
        for _ in $(seq 100); do [ -n "$(burning "$1")" ] && return 0; sleep 0.05; done
        return 1
    }
    aprolog() {
        env -i SLURM_JOB_ID="$1" SLURM_JOB_UID="$UID_T" SLURM_JOB_COMMENT="$(req "$PUB/stub-ok.json.gz")" \
            SLURM_SCRIPT_CONTEXT=prolog_slurmd SLURM_CONF=/dev/null "$HOOK" --config "$A/dc.conf"
    }
    aepilog() {
        env -i SLURM_JOB_ID="$1" SLURM_JOB_UID="$UID_T" SLURM_SCRIPT_CONTEXT=epilog_slurmd \
            "$HOOK" --config "$A/dc.conf"
    }
    for verb in check start; do
        job=$([ $verb = check ] && echo 303 || echo 304)
        env SUDO_UID="$(id -u daemon)" "$NODECTL_BIN" --config "$A/dc.conf" $verb "$job" \
            "$T_TMP/crafted.json.gz" daemon >/dev/null 2>&1 &
        ATK=$!
        check "held job: daemon's $verb of job $job's id burns in the runtime" wait_burning "$job"
        BURN=$(burning "$job")
        t0=$(date +%s%N)
        check_rc "held job: the prolog of job $job exits 0" 0 aprolog "$job"
        ms=$((($(date +%s%N) - t0) / 1000000))
        check "held job: ... within a few seconds ($ms ms < 4 s)" test "$ms" -lt 4000
        contains "held job: ... and traces the job" "$ERR" "job $job (user $TEST_USER): tracing with"
        contains "held job: ... for its user" "$(cat "$A/dc/run/datacrumbs-$job.env")" "DATACRUMBS_USER=\"$TEST_USER\""
        check_rc "held job: the epilog of job $job exits 0" 0 aepilog "$job"
        [ $verb = check ] && kill -TERM "$ATK" 2>/dev/null
        check "held job: daemon's $verb has ended" gone "$ATK" 5
        # shellcheck disable=SC2086  # a list of pids
        check "held job: ... with its burning check, process group and all" bash -c \
            'for p in "$@"; do for _ in $(seq 60); do kill -0 "$p" 2>/dev/null || continue 2; sleep 0.05; done; exit 1; done' _ $BURN
    done
else
    echo "# no user 'daemon' here (or node control's stub is not built): the held-job case is not tried"
fi

# Whatever happened above, no runtime may be left behind.
for pf in "$RUN"/*.pid; do
    [ -f "$pf" ] || continue
    not_ok "a runtime was left running: $pf"
    pid=$(cat "$pf")
    [ "$pid" -gt 1 ] 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$T_TMP/" &&
        kill "$pid"
done
finish
