#!/bin/bash
# slurm_traced.sh - DataCrumbs under a real one-node Slurm with the real runtime (root, BPF):
# datacrumbs_sbatch and datacrumbs_salloc put the request in the job comment, the prolog starts
# the runtime, the job's datacrumbs_wrap'ed program is traced, the epilog stops the runtime and
# the trace is the user's; the same through the SPANK plugin's --datacrumbs-probe-file; a job
# without DataCrumbs is left alone; two jobs, and two array tasks, of one user at once each
# hold only their own processes.
#   slurm_traced.sh BUILD_DIR SOURCE_DIR   (root; slurm-wlm, munge; the runtime built)
set -u
. "$2/tests/integration/lib.sh"
. "$2/tests/integration/slurm/common.sh" "$1" "$2"
. "$2/tests/system/slurm_lib.sh"
need "$HOOK" "$DC_SBATCH" "$DC_SALLOC" "$DC_WRAP" "$SPANK_SO"
need_root
slurm_available
slurm_user_ok

D=$T_TMP
chmod 0755 "$D"
trap 'slurm_stop; slurm_keep; rm -rf -- "$T_TMP"' EXIT
why=$(runtime_works "$D") || skip_all "$why"
node_create "$D" "$REAL_DAEMON"
CONF=$D/dc.conf
RUN=$D/dc/run
TRACES=$D/dc/traces
HOST=$(hostname -s)
PUB=$D/pub
mkdir -p "$PUB" && chmod 0755 "$PUB"
real_probe "$SECRET" "$PUB/p.json.gz" || { not_ok "probe file made"; finish; exit 1; }

munge_start "$D" || { not_ok "munged starts"; finish; exit 1; }
slurm_conf "$D" "NodeName=$HOST NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN"
slurm_hook_script "$D" "$CONF"
# Both ways at once, as datacrumbs-slurm(8) allows: Prolog/Epilog for the comment, the plugin
# for its option only.
echo "optional $SPANK_SO hook=$HOOK config=$CONF comment=no" >"$D/plugstack.conf"
slurmctld_start "$D"
slurmd_start "$D"
slurm_wait_idle 1 || { not_ok "one-node cluster is up"; finish; exit 1; }
ok "one-node cluster is up"

cat >"$D/jobs/job.sh" <<JOB
#!/bin/sh
[ -e "$RUN/datacrumbs-\$SLURM_JOB_ID.ready" ] && echo "runtime ready" || echo "runtime not ready"
"$DC_WRAP" --config "$CONF" -- dd if=/dev/zero of=/dev/null bs=4096 count=20 status=none
echo "job done"
JOB
chmod 0755 "$D/jobs/job.sh"
cd "$D/jobs" || exit 1
# The hook's messages: from Prolog/Epilog in hook.log, from the plugin in slurmd's log (with
# both configured, either may be the one that stops the runtime).
hook_log() { cat "$D/hook.log" "$D/slurmd-$HOST.log" | grep datacrumbs | grep -E "job ${1}[ :]"; }
trace_of() { echo "$TRACES/trace-$TEST_USER-$1-$HOST.pfw.gz"; }
# traced NAME JOB: the job's runtime ran during the job, its trace is the user's and holds
# dd's reads, and nothing of the run is left on the node.
traced() {
    local t
    t=$(trace_of "$2")
    check "$1: the runtime was ready when the job ran" grep -q "runtime ready" "$D/jobs/out-$2.txt"
    check "$1: the trace exists" test -s "$t"
    check "$1: the trace is the user's" test "$(stat -c %U "$t" 2>/dev/null)" = "$TEST_USER"
    check "$1: the wrapped program's reads are in the trace" \
        test "$(zcat "$t" 2>/dev/null | grep -c '"name":"read".*"count":4096')" -ge 20
    check "$1: the runtime is gone" test ! -e "$RUN/datacrumbs-$2.pid"
    check "$1: the run's files are gone" test ! -e "$RUN/datacrumbs-$2.env"
}

# --- datacrumbs_sbatch ---
check_rc "datacrumbs_sbatch --parsable" 0 as_user "$DC_SBATCH" --parsable --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/p.json.gz" -o "$D/jobs/out-%j.txt" "$D/jobs/job.sh"
id=$OUT
check "stdout is the job id alone" test -n "$id" -a -z "${id//[0-9]/}"
contains "scontrol show job has the request" "$(scontrol show job "$id")" \
    "Comment={\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"$PUB/p.json.gz\"}}"
check "sbatch job completed" test "$(job_wait "$id" 60)" = COMPLETED
contains "the prolog started the runtime" "$(hook_log "$id")" "job $id (user $TEST_USER): tracing with $PUB/p.json.gz"
contains "the epilog stopped it" "$(hook_log "$id")" "job $id: tracing stopped"
traced "sbatch" "$id"

# --- datacrumbs_salloc (the prolog runs at allocation: PrologFlags=Alloc) ---
check_rc "datacrumbs_salloc with srun" 0 as_user "$DC_SALLOC" --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/p.json.gz" -N 1 srun -o "$D/jobs/out-%j.txt" "$D/jobs/job.sh"
id=$(printf '%s\n' "$ERR" | sed -n 's/.*Granted job allocation \([0-9]*\).*/\1/p' | head -1)
check "salloc granted a job" test -n "$id"
check "salloc job completed" test "$(job_wait "$id" 60)" = COMPLETED
contains "salloc: the prolog started the runtime" "$(hook_log "$id")" "tracing with"
traced "salloc" "$id"

# --- the SPANK plugin's option ---
check_rc "sbatch --datacrumbs-probe-file (SPANK)" 0 as_user sbatch --parsable \
    --datacrumbs-probe-file="$PUB/p.json.gz" -o "$D/jobs/out-%j.txt" "$D/jobs/job.sh"
id=$OUT
check "SPANK job completed" test "$(job_wait "$id" 60)" = COMPLETED
contains "SPANK: the plugin's hook started the runtime" "$(grep -E "job ${id}[ :]" "$D/slurmd-$HOST.log")" \
    "datacrumbs: datacrumbs_slurm_hook: job $id (user $TEST_USER): tracing with $PUB/p.json.gz"
check "SPANK: the comment stayed the user's" test -z "$(job_field "$id" Comment | grep datacrumbs)"
traced "SPANK sbatch" "$id"
check_rc "srun --datacrumbs-probe-file (SPANK, srun makes the job)" 0 as_user srun \
    --datacrumbs-probe-file="$PUB/p.json.gz" -N 1 -o "$D/jobs/out-%j.txt" "$D/jobs/job.sh"
id=$(scontrol -o show jobs 2>/dev/null | sed -n 's/^JobId=\([0-9]*\) .*/\1/p' | sort -n | tail -1)
check "srun job completed" test "$(job_wait "$id" 60)" = COMPLETED
traced "SPANK srun" "$id"
cd "$PUB" || exit 1
check_rc "SPANK: a relative path is refused at submission" 255 as_user sbatch \
    --datacrumbs-probe-file=p.json.gz "$D/jobs/job.sh"
contains "SPANK: says which path to use" "$ERR" "use $PUB/p.json.gz"
cd "$D/jobs" || exit 1
check_rc "SPANK: a missing file is refused at submission" 255 as_user sbatch \
    --datacrumbs-probe-file="$PUB/nope.json.gz" "$D/jobs/job.sh"
contains "SPANK: says why" "$ERR" "No such file"

# --- two traced jobs of one user at once: each trace holds its own job's processes only ---
cat >"$D/jobs/pair.sh" <<JOB
#!/bin/sh
sleep 3 # both jobs' runtimes are up by then
"$DC_WRAP" --config "$CONF" -- dd if=/dev/zero of="$PUB/own-\$SLURM_JOB_ID.bin" bs=512 count=3 status=none
sleep 1
echo "job done"
JOB
chmod 0755 "$D/jobs/pair.sh"
check_rc "first of two concurrent jobs" 0 as_user "$DC_SBATCH" --parsable --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/p.json.gz" -n 1 -c 1 -o "$D/jobs/out-%j.txt" "$D/jobs/pair.sh"
ja=$OUT
check_rc "second of two concurrent jobs" 0 as_user "$DC_SBATCH" --parsable --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/p.json.gz" -n 1 -c 1 -o "$D/jobs/out-%j.txt" "$D/jobs/pair.sh"
jb=$OUT
check "both completed" test "$(job_wait "$ja" 60)" = COMPLETED -a "$(job_wait "$jb" 60)" = COMPLETED
ta=$(zcat "$(trace_of "$ja")" 2>/dev/null)
tb=$(zcat "$(trace_of "$jb")" 2>/dev/null)
ea=$(job_field "$ja" EndTime)
sb=$(job_field "$jb" StartTime)
check "they ran at the same time (B started $sb, A ended $ea)" test "$sb" \< "$ea"
contains "job A's trace holds job A's dd" "$ta" "$PUB/own-$ja.bin"
lacks "job A's trace lacks job B's dd" "$ta" "own-$jb.bin"
contains "job B's trace holds job B's dd" "$tb" "$PUB/own-$jb.bin"
lacks "job B's trace lacks job A's dd" "$tb" "own-$ja.bin"

# --- two tasks of one job array at once: the same request, each task traced apart ---
cat >"$D/jobs/array.sh" <<JOB
#!/bin/sh
echo "task \$SLURM_JOB_ID"
sleep 3 # both tasks' runtimes are up by then
"$DC_WRAP" --config "$CONF" -- dd if=/dev/zero of="$PUB/task-\$SLURM_JOB_ID.bin" bs=512 count=3 status=none
sleep 1
echo "job done"
JOB
chmod 0755 "$D/jobs/array.sh"
check_rc "a job array of two tasks" 0 as_user "$DC_SBATCH" --parsable --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/p.json.gz" --array=1-2 -n 1 -c 1 \
    -o "$D/jobs/array-%A_%a.txt" "$D/jobs/array.sh"
aid=${OUT%%;*}
for _ in $(seq 300); do
    [ "$(cat "$D/jobs/array-${aid}"_*.txt 2>/dev/null | grep -c "job done")" = 2 ] && break
    sleep 0.2
done
tasks=$(sed -n 's/^task \([0-9]*\)$/\1/p' "$D/jobs/array-${aid}"_*.txt 2>/dev/null | sort -n)
t1=$(echo "$tasks" | sed -n 1p)
t2=$(echo "$tasks" | sed -n 2p)
check "array: two tasks ran, with job ids of their own ($t1, $t2)" test -n "$t1" -a -n "$t2" -a "$t1" != "$t2"
check "array: both tasks completed" test "$(job_wait "$t1" 60)" = COMPLETED -a "$(job_wait "$t2" 60)" = COMPLETED
e1=$(job_field "$t1" EndTime)
s2=$(job_field "$t2" StartTime)
e2=$(job_field "$t2" EndTime)
s1=$(job_field "$t1" StartTime)
check "array: the tasks ran at the same time" test "$s2" \< "$e1" -a "$s1" \< "$e2"
x1=$(zcat "$(trace_of "$t1")" 2>/dev/null)
x2=$(zcat "$(trace_of "$t2")" 2>/dev/null)
contains "array: task $t1's trace holds its dd" "$x1" "$PUB/task-$t1.bin"
lacks "array: task $t1's trace lacks task $t2's dd" "$x1" "task-$t2.bin"
contains "array: task $t2's trace holds its dd" "$x2" "$PUB/task-$t2.bin"
lacks "array: task $t2's trace lacks task $t1's dd" "$x2" "task-$t1.bin"
check "array: both runtimes are gone" test ! -e "$RUN/datacrumbs-$t1.pid" -a ! -e "$RUN/datacrumbs-$t2.pid"

# --- a job without DataCrumbs ---
check_rc "plain sbatch" 0 as_user sbatch --parsable -o "$D/jobs/out-%j.txt" "$D/jobs/job.sh"
id=$OUT
check "plain job completed" test "$(job_wait "$id" 60)" = COMPLETED
check "plain job: not traced" test ! -e "$(trace_of "$id")"
check "plain job: the hook said nothing" test -z "$(hook_log "$id")"
check "plain job: its program ran" grep -q "job done" "$D/jobs/out-$id.txt"

# --- the plugin alone (no Prolog/Epilog in slurm.conf) honours the comment too ---
sed -i '/^Prolog=/d; /^Epilog=/d' "$D/slurm.conf"
echo "optional $SPANK_SO hook=$HOOK config=$CONF" >"$D/plugstack.conf"
scontrol reconfigure
check "reconfigured without Prolog/Epilog" slurm_wait_idle 1
: >"$D/hook.log"
check_rc "datacrumbs_sbatch, plugin only" 0 as_user "$DC_SBATCH" --parsable --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/p.json.gz" -o "$D/jobs/out-%j.txt" "$D/jobs/job.sh"
id=$OUT
check "plugin-only job completed" test "$(job_wait "$id" 60)" = COMPLETED
check "plugin only: the Prolog hook did not run" test ! -s "$D/hook.log"
contains "plugin only: the plugin read the comment" "$(hook_log "$id")" "job $id (user $TEST_USER): tracing with"
traced "plugin only" "$id"

check "the node is not drained" test "$(sinfo -h -N -o '%T' | sort -u)" = idle
check "no runtime is left" test -z "$(ls "$RUN"/*.pid 2>/dev/null)"
finish
