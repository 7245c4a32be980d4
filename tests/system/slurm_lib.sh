# shellcheck shell=bash
# slurm_lib.sh - a private Slurm cluster for the system tests, sourced after
# tests/integration/lib.sh and tests/integration/slurm/common.sh.
#
# Everything lives under one directory: a munged of its own (own socket and key, as the munge
# user), slurmctld and one slurmd per node, with non-default ports, all in the foreground under
# timeout(1) so nothing outlives the test. They are stopped by the pids started here (never by
# name). Facts about running Slurm here: /work/shared/design/testing-on-this-machine.md.

SLURM_PIDS=()
SLURM_LIFETIME=${SLURM_LIFETIME:-280} # seconds any daemon may live, whatever happens

# slurm_available: skip the test (exit 77) when Slurm or munge is missing.
slurm_available() {
    local p
    for p in slurmctld slurmd munged mungekey sbatch salloc srun scontrol; do
        command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] ||
            skip_all "$p is not installed (apt-get install slurm-wlm munge)"
    done
    id munge >/dev/null 2>&1 || skip_all "no munge user"
}

# slurm_user_ok: jobs run as $TEST_USER, who must be able to read the user database and the
# Slurm configuration.
slurm_user_ok() {
    as_user cat /etc/passwd >/dev/null 2>&1 ||
        skip_all "$TEST_USER cannot read /etc/passwd ($(stat -c '/etc is %A' /etc)): Slurm cannot run jobs as $TEST_USER here"
}

# free_port: a TCP port nobody listens on.
free_port() {
    local p
    for _ in $(seq 50); do
        p=$((20000 + RANDOM % 30000))
        if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# spawn LOG CMD...: start a daemon in the foreground under timeout(1), remember its pid.
spawn() {
    local log=$1
    shift
    timeout -k 5 "$SLURM_LIFETIME" "$@" >>"$log" 2>&1 &
    SLURM_PIDS+=("$!")
}

# munge_start DIR: a munged with its own key and socket in DIR/munge; sets MUNGE_SOCKET.
munge_start() {
    local dir=$1/munge
    mkdir -p "$dir"
    chown munge: "$dir"
    chmod 0755 "$dir" # munged wants its socket directory searchable by all
    mungekey --create --keyfile="$dir/munge.key" >/dev/null 2>&1 || return 1
    chown munge: "$dir/munge.key"
    chmod 0600 "$dir/munge.key"
    MUNGE_SOCKET=$dir/munge.socket
    spawn "$dir/out.log" setpriv --reuid=munge --regid=munge --clear-groups \
        "$(command -v munged || echo /usr/sbin/munged)" --foreground --socket="$MUNGE_SOCKET" \
        --key-file="$dir/munge.key" --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" \
        --seed-file="$dir/munged.seed"
    for _ in $(seq 50); do
        [ -S "$MUNGE_SOCKET" ] && return 0
        sleep 0.1
    done
    echo "# munged did not start: $(tail -2 "$dir/munged.log" "$dir/out.log" 2>/dev/null)"
    return 1
}

# slurm_conf DIR NODE_LINES [EXTRA]: DIR/slurm.conf; NODE_LINES are whole NodeName= lines.
# Prolog and Epilog run DIR/hook.sh; PlugStackConfig is DIR/plugstack.conf.
slurm_conf() {
    local dir=$1 nodes=$2 extra=${3:-} host names
    host=$(hostname -s)
    names=$(printf '%s\n' "$nodes" | sed -n 's/^NodeName=\([^ ]*\).*/\1/p' | paste -sd, -)
    mkdir -p "$dir/state" "$dir/spool" "$dir/jobs"
    chmod 0755 "$dir/state" "$dir/spool"
    chmod 1777 "$dir/jobs"
    CTLD_PORT=$(free_port) && SLURMD_PORT=$(free_port) || return 1
    cat >"$dir/slurm.conf" <<CONF
ClusterName=dctest
SlurmctldHost=$host(${CTLD_ADDR:-127.0.0.1})
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd-%n.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
PrologFlags=Alloc
Prolog=$dir/hook.sh
Epilog=$dir/hook.sh
PlugStackConfig=$dir/plugstack.conf
MailProg=/bin/true
SlurmdTimeout=30
MinJobAge=600
$extra
$nodes
PartitionName=debug Nodes=$names Default=YES MaxTime=INFINITE State=UP
CONF
    : >"$dir/plugstack.conf"
    export SLURM_CONF=$dir/slurm.conf
}

# slurm_hook_script DIR CONF_EXPR: DIR/hook.sh, the Prolog/Epilog: the built hook with the
# DataCrumbs configuration CONF_EXPR (a shell word, may use $SLURMD_NODENAME), its messages
# appended to DIR/hook.log (syslog is not read here).
slurm_hook_script() {
    cat >"$1/hook.sh" <<HOOK
#!/bin/sh
exec "$HOOK" --config $2 2>>"$1/hook.log"
HOOK
    chmod 0755 "$1/hook.sh"
    : >"$1/hook.log"
}

# slurmctld_start DIR
slurmctld_start() {
    spawn "$1/slurmctld.out" "$(command -v slurmctld || echo /usr/sbin/slurmctld)" -D -c -i
}

# slurmd_start DIR [NODE [WRAPPER...]]: a slurmd, with -N NODE run through WRAPPER (e.g.
# "ip netns exec NS"), or the local host's when no NODE is given.
slurmd_start() {
    local dir=$1 node=${2:-} slurmd
    slurmd=$(command -v slurmd || echo /usr/sbin/slurmd)
    if [ -n "$node" ]; then
        shift 2
        mkdir -p "$dir/spool/$node"
        spawn "$dir/slurmd-$node.out" "$@" "$slurmd" -D -N "$node"
    else
        mkdir -p "$dir/spool/$(hostname -s)"
        spawn "$dir/slurmd.out" "$slurmd" -D
    fi
}

# netns_up PREFIX COUNT: a bridge PREFIXbr (10.N.M.1/24, a /24 nobody else uses here) and COUNT
# network namespaces PREFIX-nI with addresses .2, .3, ... joined to it by veth pairs. Sets
# NET_BASE ("10.N.M"). Undo with netns_down PREFIX COUNT.
netns_up() {
    local pre=$1 count=$2 i
    for _ in $(seq 20); do
        NET_BASE=10.$((100 + RANDOM % 100)).$((RANDOM % 250 + 1))
        ip -4 addr | grep -q "inet $NET_BASE\." || break
    done
    ip link add "${pre}br" type bridge || return 1
    ip addr add "$NET_BASE.1/24" dev "${pre}br"
    ip link set "${pre}br" up
    for i in $(seq "$count"); do
        ip netns add "$pre-n$i" || return 1
        ip link add "${pre}v$i" type veth peer name "${pre}p$i" || return 1
        ip link set "${pre}v$i" master "${pre}br" up
        ip link set "${pre}p$i" netns "$pre-n$i"
        ip -n "$pre-n$i" link set "${pre}p$i" name eth0
        ip -n "$pre-n$i" addr add "$NET_BASE.$((i + 1))/24" dev eth0
        ip -n "$pre-n$i" link set eth0 up
        ip -n "$pre-n$i" link set lo up
        ip -n "$pre-n$i" route add default via "$NET_BASE.1"
    done
}

netns_down() {
    local pre=$1 count=$2 i
    for i in $(seq "$count"); do
        ip netns del "$pre-n$i" 2>/dev/null
        ip link del "${pre}v$i" 2>/dev/null
    done
    ip link del "${pre}br" 2>/dev/null
}

# slurm_wait_idle COUNT: until COUNT nodes are idle (30 s at most).
slurm_wait_idle() {
    for _ in $(seq 150); do
        [ "$(sinfo -h -t idle -o '%D' 2>/dev/null | head -1)" = "$1" ] && return 0
        sleep 0.2
    done
    echo "# nodes not idle: $(sinfo -h -N -o '%N %T' 2>&1 | tr '\n' ' ')"
    return 1
}

# job_field JOB KEY: one field of scontrol show job.
job_field() {
    [ -n "${1:-}" ] || return 0
    scontrol -o show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1
}

# job_wait JOB [SECONDS]: until the job has ended (and its epilog ran); prints its state.
job_wait() {
    local state
    [ -n "${1:-}" ] || { echo "NO-JOB"; return 1; }
    for _ in $(seq $((${2:-60} * 5))); do
        state=$(job_field "$1" JobState)
        case "$state" in
        COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE)
            # The epilog runs after the job ends: wait until no node is completing it. (Not
            # by Reason: a job cancelled during its prolog keeps Reason=Prolog for good.)
            if ! scontrol -o show job "$1" 2>/dev/null | grep -q 'JobState=COMPLETING'; then
                [ -z "$(squeue -h -t CG -j "$1" 2>/dev/null)" ] && { echo "$state"; return 0; }
            fi
            ;;
        esac
        sleep 0.2
    done
    echo "TIMEOUT($state)"
    scontrol -o show job "$1" 2>&1 | sed 's/^/# job_wait: /' >&2
    squeue -h -j "$1" 2>&1 | sed 's/^/# job_wait: squeue: /' >&2
    return 1
}

# slurm_stop: stop every daemon started here, by pid, and wait for them; then any runtime a
# failed test left running from its own run directories (node control's pid files there).
slurm_stop() {
    local p f
    for p in "${SLURM_PIDS[@]}"; do
        [ "$p" -gt 1 ] 2>/dev/null && kill -TERM "$p" 2>/dev/null
    done
    for p in "${SLURM_PIDS[@]}"; do
        [ "$p" -gt 1 ] 2>/dev/null && wait "$p" 2>/dev/null
    done
    SLURM_PIDS=()
    for f in "$T_TMP"/*/run/datacrumbs-*.pid; do
        [ -f "$f" ] || continue
        p=$(cat "$f")
        # Only a process whose command line names this test's directory (the snapshot path).
        [ "$p" -gt 1 ] 2>/dev/null && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "$T_TMP/" &&
            kill -TERM "$p" 2>/dev/null && echo "# stopped a runtime left running ($f)"
    done
}

# slurm_keep: with DC_TEST_KEEP=DIR, keep the test's files (logs, configuration) for a post
# mortem before they are removed.
slurm_keep() {
    [ -n "${DC_TEST_KEEP:-}" ] || return 0
    mkdir -p "$DC_TEST_KEEP" && cp -a "$T_TMP/." "$DC_TEST_KEEP/" 2>/dev/null
    echo "# files kept in $DC_TEST_KEEP"
}
