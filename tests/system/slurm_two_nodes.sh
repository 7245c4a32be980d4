#!/bin/bash
# slurm_two_nodes.sh - "sbatch -N2" traces on both nodes: two slurmd, each in its own network
# namespace (and UTS namespace, so its own hostname) with its own DataCrumbs run and trace
# directories, one slurmctld on a private bridge. The real runtime when it can trace here,
# else (or with DC_TEST_RUNTIME=stub) the stub daemon (tests/integration/slurm/stub_daemon.c);
# the first line says which.
#   slurm_two_nodes.sh BUILD_DIR SOURCE_DIR   (root; slurm-wlm, munge, iproute2)
set -u
. "$2/tests/integration/lib.sh"
. "$2/tests/integration/slurm/common.sh" "$1" "$2"
. "$2/tests/system/slurm_lib.sh"
need "$HOOK" "$DC_SBATCH" "$DC_WRAP" "$STUB" "$MKPROBE"
need_root
slurm_available
slurm_user_ok
command -v ip >/dev/null && command -v unshare >/dev/null || skip_all "needs ip (iproute2) and unshare"

D=$T_TMP
chmod 0755 "$D"
PRE=dcs$$ # private names: bridge dcsNNNbr, namespaces dcsNNN-n1, dcsNNN-n2
trap 'slurm_stop; netns_down "$PRE" 2; slurm_keep; rm -rf -- "$T_TMP"' EXIT
if [ "${DC_TEST_RUNTIME:-}" != stub ] && why=$(runtime_works "$D"); then
    DAEMON=$REAL_DAEMON EXT=pfw.gz
    echo "# runtime: the real datacrumbs daemon"
else
    DAEMON=$STUB EXT=stub
    echo "# runtime: the stub daemon (${why:-DC_TEST_RUNTIME=stub})"
fi
for n in node1 node2; do node_create "$D" "$DAEMON" "$n"; done
PUB=$D/pub
mkdir -p "$PUB" && chmod 0755 "$PUB"
if [ "$DAEMON" = "$STUB" ]; then probe "$PUB/p.json.gz"; else real_probe "$SECRET" "$PUB/p.json.gz"; fi

netns_up "$PRE" 2 || { not_ok "network namespaces set up"; finish; exit 1; }
munge_start "$D" || { not_ok "munged starts"; finish; exit 1; }
CTLD_ADDR=$NET_BASE.1
slurm_conf "$D" "NodeName=node1 NodeAddr=$NET_BASE.2 CPUs=1 State=UNKNOWN
NodeName=node2 NodeAddr=$NET_BASE.3 CPUs=1 State=UNKNOWN"
# Each node's prolog reads that node's configuration.
slurm_hook_script "$D" "\"$D/\$SLURMD_NODENAME.conf\""
slurmctld_start "$D"
for i in 1 2; do
    # nsenter, not "ip netns exec", which remounts /sys and hides the cgroup mounts slurmd needs.
    slurmd_start "$D" "node$i" nsenter --net="/run/netns/$PRE-n$i" unshare --uts \
        sh -c 'hostname "$0" && exec "$@"' "node$i"
done
slurm_wait_idle 2 || { not_ok "two-node cluster is up"; finish; exit 1; }
ok "two-node cluster is up"

cat >"$D/jobs/job.sh" <<JOB
#!/bin/sh
srun sh -c 'n=\$(hostname); [ -e "$D/\$n/run/datacrumbs-\$SLURM_JOB_ID.ready" ] && echo "ready on \$n";
  "$DC_WRAP" --config "$D/\$n.conf" -- dd if=/dev/zero of=/dev/null bs=4096 count=20 status=none'
JOB
chmod 0755 "$D/jobs/job.sh"
cd "$D/jobs" || exit 1
check_rc "datacrumbs_sbatch -N2" 0 as_user "$DC_SBATCH" --parsable -N 2 --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/p.json.gz" -o "$D/jobs/out-%j.txt" "$D/jobs/job.sh"
id=$OUT
check "the job completed" test "$(job_wait "$id" 90)" = COMPLETED
check "it ran on both nodes" test "$(job_field "$id" NodeList)" = "node[1-2]"
for n in node1 node2; do
    t=$D/$n/traces/trace-$TEST_USER-$id-$n.$EXT
    check "$n: the runtime was ready when the job's task ran" grep -qx "ready on $n" "$D/jobs/out-$id.txt"
    check "$n: the trace exists" test -s "$t"
    check "$n: the trace is the user's" test "$(stat -c %U "$t" 2>/dev/null)" = "$TEST_USER"
    if [ "$EXT" = pfw.gz ]; then
        check "$n: the trace holds the task's reads" test "$(zcat "$t" | grep -c '"name":"read".*"count":4096')" -ge 20
    else
        check "$n: the runtime stopped cleanly" grep -q "stopped run=$id" "$t"
    fi
    check "$n: the runtime is gone" test ! -e "$D/$n/run/datacrumbs-$id.pid"
done
contains "the prolog ran on both nodes" "$(grep -c "job $id (user $TEST_USER): tracing with" "$D/hook.log")" 2
contains "the epilog ran on both nodes" "$(grep -c "job $id: tracing stopped" "$D/hook.log")" 2
check "no node is drained" test "$(sinfo -h -N -o '%T' | sort -u)" = idle
finish
