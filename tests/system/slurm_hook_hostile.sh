#!/bin/bash
# slurm_hook_hostile.sh - the hook under a real one-node Slurm, with the stub daemon as the
# runtime (tests/integration/slurm/stub_daemon.c; no BPF needed): hostile job comments, each its
# own job, are refused with a reason while the job runs and the node stays up; the epilog stops
# the runtime after the user changed the comment or deleted the probe file; a job without
# DataCrumbs is left alone.
#   slurm_hook_hostile.sh BUILD_DIR SOURCE_DIR   (root; slurm-wlm and munge installed)
set -u
. "$2/tests/integration/lib.sh"
. "$2/tests/integration/slurm/common.sh" "$1" "$2"
. "$2/tests/system/slurm_lib.sh"
need "$HOOK" "$DC_SBATCH" "$STUB" "$MKPROBE"
need_root
slurm_available
slurm_user_ok

D=$T_TMP
chmod 0755 "$D"
trap 'slurm_stop; slurm_keep; rm -rf -- "$T_TMP"' EXIT
node_create "$D" "$STUB"
RUN=$D/dc/run
TRACES=$D/dc/traces
HOST=$(hostname -s)
munge_start "$D" || { not_ok "munged starts"; finish; exit 1; }
slurm_conf "$D" "NodeName=$HOST NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN"
slurm_hook_script "$D" "$D/dc.conf"
slurmctld_start "$D"
slurmd_start "$D"
slurm_wait_idle 1 || { not_ok "one-node cluster is up"; finish; exit 1; }
ok "one-node cluster is up"

# Probe files: the user's directory, attack-named directories, files the user cannot read.
PUB=$D/pub
mkdir -p "$PUB" "$D/rootonly" "$D/other"
chmod 0755 "$PUB"
chown "$TEST_USER" "$PUB"
chmod 0700 "$D/rootonly"
probe "$PUB/good.json.gz"
probe "$PUB/expired.json.gz" -60
probe "$PUB/root.json.gz" 86400 root
probe "$D/rootonly/p.json.gz"
(umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$D/other/secret")
probe "$PUB/forged.json.gz" 86400 "$TEST_USER" "$D/other/secret"
cp "$PUB/good.json.gz" "$PUB/unreadable.json.gz" && chmod 0600 "$PUB/unreadable.json.gz"
ln -s "$D/rootonly/p.json.gz" "$PUB/link.json.gz"
for name in 'p$(touch '"$D"'/pwned)' 'q"uote' "s'quote" 'with space' $'new\nline'; do
    mkdir -p "$PUB/$name" && probe "$PUB/$name/p.json.gz"
done
req() { printf '{"datacrumbs":{"enable":"yes","probe_file":"%s"}}' "$1"; }

cat >"$D/jobs/ran.sh" <<'JOB'
#!/bin/sh
echo "ran $SLURM_JOB_ID"
JOB
cat >"$D/jobs/wait.sh" <<JOB
#!/bin/sh
# Runs until the test says go (at most 60 s).
i=0
while [ ! -e "$D/jobs/go-\$SLURM_JOB_ID" ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done
echo "ran \$SLURM_JOB_ID"
JOB
chmod 0755 "$D/jobs/ran.sh" "$D/jobs/wait.sh"
cd "$D/jobs" || exit 1

# submit [SBATCH ARGS...]: as the user; prints the job id.
submit() { as_user sbatch --parsable -o "$D/jobs/out-%j.txt" "$@" 2>>"$D/submit.err"; }
hook_log() { grep -E "job ${1}[ :]" "$D/hook.log"; }
runtime_running() {
    local pid
    [ -f "$RUN/datacrumbs-$1.pid" ] || return 1
    pid=$(cat "$RUN/datacrumbs-$1.pid")
    [ "$pid" -gt 1 ] 2>/dev/null && kill -0 "$pid" 2>/dev/null
}
wait_for() { # SECONDS CMD...: until CMD succeeds
    local n=$(($1 * 10))
    shift
    for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
    return 1
}

# --- hostile comments, all submitted at once, each its own job ---
BIG=$(printf '%05000d' 0)
declare -A WHY JOB
add() { JOB[$1]=$(submit --comment="$2" "$D/jobs/ran.sh"); WHY[$1]=$3; }
add "not JSON" 'datacrumbs please' "not valid JSON"
add "nested JSON" '{"datacrumbs":{"enable":"yes","probe_file":"'"$PUB"'/good.json.gz","x":[[[[[1]]]]]}}' "nests deeper"
add "enable true" '{"datacrumbs":{"enable":true,"probe_file":"'"$PUB"'/good.json.gz"}}' 'must be the string "yes" or "no"'
add "enable YES" '{"datacrumbs":{"enable":"YES","probe_file":"'"$PUB"'/good.json.gz"}}' 'must be the string "yes" or "no"'
add "relative probe file" "$(req good.json.gz)" "must be absolute"
add "no probe file" '{"datacrumbs":{"enable":"yes"}}' 'without a "probe_file"'
add "missing probe file" "$(req "$PUB/missing.json.gz")" "No such file"
add "unreadable probe file" "$(req "$PUB/unreadable.json.gz")" "Permission denied"
add "symlink to a root-only file" "$(req "$PUB/link.json.gz")" "Permission denied"
add "path with \$(...)" "$(req "$PUB/p\$(touch $D/pwned)/p.json.gz")" "'\$'"
add "path with a double quote" "$(req "$PUB/q\\\"uote/p.json.gz")" "'\"'"
add "path with a single quote" "$(req "$PUB/s'quote/p.json.gz")" "\\x27"
add "path with a space" "$(req "$PUB/with space/p.json.gz")" "space"
add "path with a newline" "$(req "$PUB/new\\nline/p.json.gz")" "\\x0a"
add "forged probe file" "$(req "$PUB/forged.json.gz")" "refused the probe file"
add "expired probe file" "$(req "$PUB/expired.json.gz")" "refused the probe file"
add "probe file of another user" "$(req "$PUB/root.json.gz")" "refused the probe file"
# Over the hook's own 4096-byte bound, Slurm itself refuses the comment (1024 bytes at most);
# the bound is tested without Slurm in tests/integration/slurm/test_hook.sh.
check "huge JSON: Slurm refuses it at submission" test -z "$(submit --comment='{"datacrumbs":{"enable":"yes","probe_file":"'"$PUB"'/good.json.gz"},"pad":"'"$BIG"'"}' "$D/jobs/ran.sh")"
contains "huge JSON: Slurm says why" "$(tail -1 "$D/submit.err")" "too long"
UNTRACED=$(submit "$D/jobs/ran.sh")
PLAIN_COMMENT=$(submit --comment="my own note" "$D/jobs/ran.sh")

for name in "${!JOB[@]}"; do
    id=${JOB[$name]}
    if [ -z "$id" ]; then
        not_ok "hostile: $name: submitted ($(tail -1 "$D/submit.err"))"
        continue
    fi
    state=$(job_wait "$id" 90)
    check "hostile: $name: the job ran ($state)" test "$state" = COMPLETED
    check "hostile: $name: its program ran" grep -qx "ran $id" "$D/jobs/out-$id.txt"
    contains "hostile: $name: the log says why" "$(hook_log "$id")" "${WHY[$name]}"
    check "hostile: $name: no runtime started" test ! -e "$TRACES/trace-$TEST_USER-$id-$HOST.stub"
    check "hostile: $name: nothing left on the node" test -z "$(ls "$RUN" | grep -F "datacrumbs-$id." | grep -v '\.lock$')"
done
check "no command from a path ran" test ! -e "$D/pwned"
for id in "$UNTRACED" "$PLAIN_COMMENT"; do
    check "job $id without DataCrumbs completed" test "$(job_wait "$id" 60)" = COMPLETED
    check "job $id without DataCrumbs: the hook said nothing" test -z "$(hook_log "$id")"
    check "job $id without DataCrumbs: no file on the node" test -z "$(ls "$RUN" | grep -F "datacrumbs-$id.")"
done
check "the node is not drained" test "$(sinfo -h -N -o '%T' | sort -u)" = idle

# --- the user changes the comment during the job: the epilog still stops the runtime ---
id=$(as_user "$DC_SBATCH" --parsable --datacrumbs-enable --datacrumbs-probe-file "$PUB/good.json.gz" \
    -o "$D/jobs/out-%j.txt" "$D/jobs/wait.sh" 2>>"$D/submit.err")
check "traced job submitted with datacrumbs_sbatch" test -n "$id"
contains "scontrol show job has the request" "$(scontrol show job "$id")" \
    "Comment={\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"$PUB/good.json.gz\"}}"
check "the prolog started the runtime" wait_for 30 runtime_running "$id"
check_rc "the user rewrites the comment" 0 as_user scontrol update "job=$id" 'comment={"datacrumbs":{"enable":"no"}}'
contains "the comment changed" "$(scontrol show job "$id")" 'Comment={"datacrumbs":{"enable":"no"}}'
touch "$D/jobs/go-$id"
check "the job completed" test "$(job_wait "$id" 60)" = COMPLETED
contains "the epilog stopped the runtime" "$(hook_log "$id")" "job $id: tracing stopped"
check "no runtime left" test ! -e "$RUN/datacrumbs-$id.pid"
check "the runtime stopped cleanly" grep -q "stopped run=$id" "$TRACES/trace-$TEST_USER-$id-$HOST.stub"
check "the trace is the user's" test "$(stat -c %U "$TRACES/trace-$TEST_USER-$id-$HOST.stub")" = "$TEST_USER"

# --- the user deletes the probe file during the job ---
as_user cp "$PUB/good.json.gz" "$PUB/mine.json.gz"
id=$(as_user "$DC_SBATCH" --parsable --datacrumbs-enable --datacrumbs-probe-file "$PUB/mine.json.gz" \
    -o "$D/jobs/out-%j.txt" "$D/jobs/wait.sh" 2>>"$D/submit.err")
check "the prolog started the runtime (2)" wait_for 30 runtime_running "$id"
check "the user deletes the probe file" as_user rm -f "$PUB/mine.json.gz"
touch "$D/jobs/go-$id"
check "the job completed (2)" test "$(job_wait "$id" 60)" = COMPLETED
contains "the epilog stopped the runtime (2)" "$(hook_log "$id")" "job $id: tracing stopped"
check "no runtime left (2)" test ! -e "$RUN/datacrumbs-$id.pid"

# --- the user cancels a traced job: the epilog runs all the same ---
id=$(as_user "$DC_SBATCH" --parsable --datacrumbs-enable --datacrumbs-probe-file "$PUB/good.json.gz" \
    -o "$D/jobs/out-%j.txt" "$D/jobs/wait.sh" 2>>"$D/submit.err")
check "the prolog started the runtime (3)" wait_for 30 runtime_running "$id"
check_rc "the user cancels it" 0 as_user scancel "$id"
state=$(job_wait "$id" 60)
check "the job was cancelled ($state)" test "$state" = CANCELLED
check "no runtime left after scancel" wait_for 10 test ! -e "$RUN/datacrumbs-$id.pid"

check "the node is still not drained" test "$(sinfo -h -N -o '%T' | sort -u)" = idle
check "no runtime is left anywhere" test -z "$(ls "$RUN"/*.pid 2>/dev/null)"
finish
