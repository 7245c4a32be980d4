#!/bin/bash
# slurm_safe.sh - tracing never hurts a job (issue 13), under a real one-node Slurm with both
# hooks configured (slurm.conf's Prolog/Epilog and the SPANK plugin) and the stub runtime:
#   - the SPANK option is checked in full at submission (owner, expiry) and never again in the
#     job: a job whose probe file disappears mid-job completes, its srun steps run, and no
#     DataCrumbs message reaches the job's output;
#   - both hooks: one start, one log line per job;
#   - a runtime that hangs, with the shipped defaults and a short PrologEpilogTimeout: the job
#     completes untraced, the node stays idle, the hang is waited for and logged once;
#   - a runtime_daemon that is a script running a child: the epilog stops both;
#   - summaries older than a day are gone after an epilog.
#   slurm_safe.sh BUILD_DIR SOURCE_DIR   (root; slurm-wlm and munge installed)
set -u
. "$2/tests/integration/lib.sh"
. "$2/tests/integration/slurm/common.sh" "$1" "$2"
. "$2/tests/system/slurm_lib.sh"
need "$HOOK" "$DC_SBATCH" "$STUB" "$MKPROBE" "$SPANK_SO"
need_root
slurm_available
slurm_user_ok

D=$T_TMP
chmod 0755 "$D"
trap 'stop_pids; slurm_stop; slurm_keep; rm -rf -- "$T_TMP"' EXIT
node_create "$D" "$STUB"
CONF=$D/dc.conf
RUN=$D/dc/run
TRACES=$D/dc/traces
HOST=$(hostname -s)
PUB=$D/pub
mkdir -p "$PUB" && chmod 0755 "$PUB" && chown "$TEST_USER" "$PUB"
probe "$PUB/good.json.gz"
probe "$PUB/vanish.json.gz"
probe "$PUB/expired.json.gz" -60
probe "$PUB/root.json.gz" 86400 root
chown "$TEST_USER" "$PUB"/*.json.gz

# Every pid a test runtime wrote down, to check and, if a check failed, to stop (by pid).
stop_pids() {
    local p
    for p in $(cat "$D"/pids-* 2>/dev/null); do
        [ "$p" -gt 1 ] 2>/dev/null && kill -KILL "$p" 2>/dev/null
    done
}
# gone PID: no such process, or only a zombie.
gone() { [ -z "$(ps -o stat= -p "$1" 2>/dev/null | grep -v Z)" ]; }

munge_start "$D" || { not_ok "munged starts"; finish; exit 1; }
# A PrologEpilogTimeout shorter than the hook's own prolog_timeout (30 s by default).
slurm_conf "$D" "NodeName=$HOST NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN" "PrologEpilogTimeout=10"
slurm_hook_script "$D" "$CONF"
echo "optional $SPANK_SO hook=$HOOK config=$CONF" >"$D/plugstack.conf"
slurmctld_start "$D"
slurmd_start "$D"
slurm_wait_idle 1 || { not_ok "one-node cluster is up"; finish; exit 1; }
ok "one-node cluster is up (PrologEpilogTimeout=10, both hooks)"
cd "$D/jobs" || exit 1
hook_log() { cat "$D/hook.log" "$D/slurmd-$HOST.log" | grep datacrumbs | grep -E "job ${1}[ :]"; }
count() { printf '%s\n' "$1" | grep -c -- "$2"; }

# --- the SPANK option at submission: the full check ---
check_rc "SPANK: an expired probe file is refused at submission" 255 as_user sbatch \
    --datacrumbs-probe-file="$PUB/expired.json.gz" --wrap true
contains "... saying it expired" "$ERR" "expired at"
check_rc "SPANK: another user's probe file is refused at submission" 255 as_user sbatch \
    --datacrumbs-probe-file="$PUB/root.json.gz" --wrap true
contains "... saying whose it is" "$ERR" "not for you"

# --- the probe file disappears mid-job ---
cat >"$D/jobs/vanish.sh" <<JOB
#!/bin/sh
srun -n 1 echo "step one"
rm -f "$PUB/vanish.json.gz"
srun -n 1 echo "step two"
echo "job done"
JOB
chmod 0755 "$D/jobs/vanish.sh"
check_rc "SPANK: sbatch --datacrumbs-probe-file" 0 as_user sbatch --parsable \
    --datacrumbs-probe-file="$PUB/vanish.json.gz" -o "$D/jobs/out-%j.txt" -e "$D/jobs/err-%j.txt" \
    "$D/jobs/vanish.sh"
id=$OUT
check "the job whose probe file disappeared COMPLETED" test "$(job_wait "$id" 60)" = COMPLETED
check "its srun step ran before the file went" grep -q "step one" "$D/jobs/out-$id.txt"
check "its srun step ran after the file went" grep -q "step two" "$D/jobs/out-$id.txt"
check "the job was traced" test -s "$TRACES/trace-$TEST_USER-$id-$HOST.stub"
check "no DataCrumbs message in the job's stdout or stderr" \
    test -z "$(grep -i datacrumbs "$D/jobs/out-$id.txt" "$D/jobs/err-$id.txt")"
cat "$D/jobs/err-$id.txt" 2>/dev/null | sed 's/^/# job stderr: /' | head -5

# --- both hooks configured, a comment the plugin reads too: one start, one line ---
touch -d '2 days ago' "$RUN/datacrumbs-old1.json"
touch "$RUN/datacrumbs-new1.json"
echo '{}' >"$D/outside.json" && touch -d '2 days ago' "$D/outside.json"
ln -s "$D/outside.json" "$RUN/datacrumbs-link1.json"
check_rc "datacrumbs_sbatch, both hooks configured" 0 as_user "$DC_SBATCH" --parsable \
    --datacrumbs-enable --datacrumbs-probe-file "$PUB/good.json.gz" -o "$D/jobs/out-%j.txt" \
    --wrap "echo job done"
id=$OUT
check "the job completed" test "$(job_wait "$id" 60)" = COMPLETED
log=$(hook_log "$id")
check "both hooks: one 'tracing with' line ($(count "$log" "tracing with"))" \
    test "$(count "$log" "tracing with")" = 1
check "both hooks: the runtime was started once" \
    test "$(grep -c started "$TRACES/trace-$TEST_USER-$id-$HOST.stub" 2>/dev/null)" = 1
check "both hooks: the epilog stopped it" test ! -e "$RUN/datacrumbs-$id.pid"
check "the prolog's claim is gone after the epilog" test ! -e "$RUN/datacrumbs-$id.prolog"
check "a summary two days old is gone after the epilog" test ! -e "$RUN/datacrumbs-old1.json"
check "a fresh summary is kept" test -e "$RUN/datacrumbs-new1.json"
check "a symbolic link is not followed (its old target is kept)" test -e "$D/outside.json"

# --- a runtime that hangs, with the shipped defaults (no *_timeout in datacrumbs.conf) ---
cat >"$D/hang.sh" <<HANG
#!/bin/sh
echo \$\$ >>"$D/pids-hang"
echo started >>"$D/hang.log"
exec sleep 1000
HANG
chmod 0755 "$D/hang.sh"
sed -i -e '/_timeout/d' -e "s|^runtime_daemon = .*|runtime_daemon = $D/hang.sh|" "$CONF"
check "datacrumbs.conf keeps the shipped timeouts" test -z "$(grep _timeout "$CONF")"
t0=$SECONDS
check_rc "datacrumbs_sbatch with a hanging runtime" 0 as_user "$DC_SBATCH" --parsable \
    --datacrumbs-enable --datacrumbs-probe-file "$PUB/good.json.gz" -o "$D/jobs/out-%j.txt" \
    --wrap "echo job done"
id=$OUT
state=$(job_wait "$id" 90)
check "the job COMPLETED untraced ($state, $((SECONDS - t0)) s)" test "$state" = COMPLETED
check "its program ran" grep -q "job done" "$D/jobs/out-$id.txt"
check "the node is idle, not drained ($(sinfo -h -N -o '%T' | sort -u | tr '\n' ' '))" \
    test "$(sinfo -h -N -o '%T' | sort -u)" = idle
check "the hanging runtime was started once ($(wc -l <"$D/hang.log"))" test "$(wc -l <"$D/hang.log")" = 1
log=$(hook_log "$id")
check "one line says the prolog gave up ($(count "$log" "prolog gave up"))" test "$(count "$log" "prolog gave up")" = 1
contains "... below PrologEpilogTimeout" "$log" "below slurm.conf's PrologEpilogTimeout (10 s)"
check "the hanging runtime is gone" gone "$(tail -1 "$D/pids-hang")"

# --- a runtime_daemon that is a script running a child, stopped by the epilog ---
cat >"$D/script-rt.sh" <<SCRIPT
#!/bin/sh
# daemon [--config F] [--check] SNAPSHOT RUN_ID USER: the run id is the last argument but one.
case " \$* " in *" --check "*) exit 0 ;; esac
n=\$#
eval "run=\\\${\$((n - 1))}"
sleep 1000 &
echo "\$\$ \$!" >>"$D/pids-script"
: >"$RUN/datacrumbs-\$run.ready"
wait
SCRIPT
chmod 0755 "$D/script-rt.sh"
sed -i "s|^runtime_daemon = .*|runtime_daemon = $D/script-rt.sh|" "$CONF"
cat >"$D/jobs/seen.sh" <<JOB
#!/bin/sh
[ -e "$RUN/datacrumbs-\$SLURM_JOB_ID.ready" ] && echo "runtime ready" || echo "runtime not ready"
JOB
chmod 0755 "$D/jobs/seen.sh"
check_rc "datacrumbs_sbatch with a script runtime" 0 as_user "$DC_SBATCH" --parsable \
    --datacrumbs-enable --datacrumbs-probe-file "$PUB/good.json.gz" -o "$D/jobs/out-%j.txt" \
    "$D/jobs/seen.sh"
id=$OUT
check "the job completed" test "$(job_wait "$id" 60)" = COMPLETED
check "the script runtime was ready during the job" grep -q "runtime ready" "$D/jobs/out-$id.txt"
read -r spid cpid <"$D/pids-script"
check "the script ran its child (pids ${spid:-?} ${cpid:-?})" test -n "${cpid:-}"
contains "the epilog stopped it" "$(hook_log "$id")" "job $id: tracing stopped"
check "the script is gone" gone "$spid"
check "its child is gone too (nothing orphaned)" gone "$cpid"
check "the run's files are gone" test ! -e "$RUN/datacrumbs-$id.pid" -a ! -e "$RUN/datacrumbs-$id.env"

check "the node is not drained" test "$(sinfo -h -N -o '%T' | sort -u)" = idle
finish
