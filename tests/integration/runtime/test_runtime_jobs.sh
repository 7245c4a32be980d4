#!/bin/bash
# test_runtime_jobs.sh BUILD SRC - under a scheduler a process's job comes from its cgroup, not
# from its environment. SLURM's cgroup plugins put job N's processes under a "job_N" cgroup
# (cgroup v2, or the v1 freezer hierarchy) that only root can move a process into or out of.
# Two runs of one user, for jobs 111 and 222: a process in job 222's cgroup that names job
# 111 (SLURM_JOB_ID, DATACRUMBS_RUN_ID) is traced by 222's run only, one in 111's naming
# nothing (two runs active) by 111's; outside any job cgroup the environment names the run.
# Each hierarchy this machine mounts is tried.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
CGS=""
V2=$(findmnt -n -t cgroup2 -o TARGET | head -1)
V1=$(findmnt -n -t cgroup -o TARGET,OPTIONS | awk '$2 ~ /(^|,)freezer(,|$)/ {print $1; exit}')
for h in "$V2" "$V1"; do
    [ -n "$h" ] && mkdir "$h/dc-jobs.$$" 2>/dev/null && CGS="$CGS $h/dc-jobs.$$"
done
[ -n "$CGS" ] || skip_all "cannot make cgroups here (no writable cgroup v2 or v1 freezer hierarchy)"
rt_setup
A=
cleanup() {
    rt_cleanup
    [ -n "$A" ] && kill -INT "$A" 2>/dev/null && wait "$A" 2>/dev/null
    for c in $CGS; do
        find "$c" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    rm -rf -- "$T_TMP"
}
trap cleanup EXIT
P=$RT/pub
AS_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"

rt_probe "$RT/p.json.gz" nobody
chmod 0644 "$RT/p.json.gz"
rt_start_first "$RT/p.json.gz" 111 nobody
A=$RT_PID
rt_start "$RT/p.json.gz" 222 nobody || { not_ok "second run starts"; cat "$RT/daemon.err"; finish; exit 1; }
sleep 0.6 # each run sees the other within a quarter second

# dd_in CGROUP|- FILE ENV...: a wrapped dd writing FILE as nobody, in CGROUP (- for none).
dd_in() {
    local cg=$1 f=$2
    shift 2
    env -u SLURM_JOB_ID -u DATACRUMBS_RUN_ID "$@" sh -c '[ "$1" = - ] || echo $$ >"$1/cgroup.procs" || exit 9
        shift; exec "$@"' sh "$cg" $AS_NOBODY "$RT_WRAP" --config "$RT_CONF" \
        dd if=/dev/zero of="$P/$f" bs=512 count=1 status=none
}
n=0
for c in $CGS; do
    n=$((n + 1))
    mkdir -p "$c/job_111/step_0" "$c/job_222/step_0"
    check_rc "in job 222's cgroup, SLURM_JOB_ID=111 (forged)" 0 dd_in "$c/job_222/step_0" forged-$n.bin SLURM_JOB_ID=111
    check_rc "in job 222's cgroup, DATACRUMBS_RUN_ID=111" 0 dd_in "$c/job_222/step_0" byname-$n.bin DATACRUMBS_RUN_ID=111
    check_rc "in job 111's cgroup, naming nothing" 0 dd_in "$c/job_111/step_0" plain-$n.bin
done
check_rc "outside any job's cgroup, SLURM_JOB_ID=222" 0 dd_in - env-222.bin SLURM_JOB_ID=222
rt_stop
RT_PID=$A
A=
rt_stop
E1=$("$RT_TRACECAT" "$(rt_summary_get 111 trace_file)")
E2=$("$RT_TRACECAT" "$(rt_summary_get 222 trace_file)")
n=0
for c in $CGS; do
    n=$((n + 1))
    echo "# hierarchy $c"
    lacks "a forged SLURM_JOB_ID does not take job 222's process into job 111's run" "$E1" "forged-$n.bin"
    contains "job 222's run holds it" "$E2" "$P/forged-$n.bin"
    lacks "nor does DATACRUMBS_RUN_ID" "$E1" "byname-$n.bin"
    contains "job 222's run holds that one too" "$E2" "$P/byname-$n.bin"
    contains "a process in job 111's cgroup naming nothing is job 111's" "$E1" "$P/plain-$n.bin"
    lacks "and not job 222's" "$E2" "plain-$n.bin"
done
contains "outside job cgroups the environment names the run" "$E2" "$P/env-222.bin"
lacks "... and only that run" "$E1" "env-222.bin"
finish
