#!/bin/bash
# test_hostlist_scontrol.sh BUILD SRC - the hostlist corpus still agrees with the installed
# SLURM's "scontrol show hostnames" (the unit test checks our parser against the same corpus).
set -u
SRC=$2
. "$SRC/tests/integration/lib.sh"
command -v scontrol >/dev/null || skip_all "scontrol not installed (Debian package slurm-client)"

# scontrol wants a configuration even to expand names offline.
printf 'ClusterName=t\nSlurmctldHost=localhost\nNodeName=localhost CPUs=1\nPartitionName=p Nodes=localhost\n' \
    >"$T_TMP/slurm.conf"
export SLURM_CONF=$T_TMP/slurm.conf
while IFS=$'\t' read -r expr want; do
    case "$expr" in '#'* | '') continue ;; esac
    got=$(scontrol show hostnames "$expr" 2>&1 | tr '\n' ' ' | sed 's/ $//')
    check "scontrol agrees on '$expr'" [ "$got" = "$want" ]
done <"$SRC/tests/fixtures/hostlists.tsv"
finish
