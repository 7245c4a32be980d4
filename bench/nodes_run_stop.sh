#!/bin/bash
# nodes_run_stop.sh - wall time of datacrumbs_run + datacrumbs_stop for 1, 4 and 8 nodes.
#
#   bench/nodes_run_stop.sh BUILD_DIR [ROUNDS [real|stub [SSH_OPTION...]]]
#                                                  (root; results in docs/perf-nodes.md)
#
# real (the default) runs the libbpf runtime on every node; stub runs the tests' stand-in
# (tests/integration/nodectl/stub_daemon.c: ready at once, no eBPF), which takes the kernel's
# probe attach and detach -- serialized across all "nodes", as they share one kernel here --
# out of the measurement. SSH_OPTIONs (e.g. KexAlgorithms=curve25519-sha256) go to every ssh
# as -o, through --ssh-option for datacrumbs_run and datacrumbs_stop.
# Eight sshd "nodes" in network namespaces (tests/system/nodes-lib.sh), the real runtime in
# direct mode, an unprivileged user running the two commands over ssh + sudo, as in
# tests/system/netns.sh. Each round runs the three sizes in turn (interleaved, so drift hits
# all alike) and, as the baseline, bare ssh sessions to 1 and to 8 nodes at once that ask
# node control for its status: the ratio of those two is what this host itself allows, since
# every simulated node's sshd, sudo and runtime share its CPUs. Prints medians and the
# 8-node/1-node ratio (target: <= 1.5).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../tests/system/nodes-lib.sh"
nl_reexec_private "$0" "$@"

BUILD=$(cd "${1:?usage: nodes_run_stop.sh BUILD_DIR [ROUNDS [real|stub [SSH_OPTION...]]]}" && pwd)
ROUNDS=${2:-15}
KIND=${3:-real}
shift 3 2>/dev/null || shift $#
case $KIND in
real) ;;
stub) export NL_RUNTIME=$BUILD/tests/integration/nodectl/dc_test_stub_daemon ;;
*) echo "runtime must be real or stub, not $KIND" >&2; exit 2 ;;
esac
SSHO=() DCO=()
for o in "$@"; do SSHO+=(-o "$o"); DCO+=(--ssh-option "$o"); done
why=$(nl_missing "$BUILD")
[ -z "$why" ] && [ -n "$(command -v python3)" ] || { echo "cannot run here: ${why:-python3 missing}" >&2; exit 77; }
DIR=$(mktemp -d /tmp/dc-bench-nodes.XXXXXX)
trap 'nl_teardown; rm -rf -- "$DIR"' EXIT
nl_setup "$BUILD" "$DIR" 8 >"$DIR/setup.log" 2>&1 || { cat "$DIR/setup.log" >&2; exit 1; }

RUN=$BUILD/src/run/datacrumbs_run
STOP=$BUILD/src/stop/datacrumbs_stop
now() { date +%s%N; }
: >"$DIR/times"

# one SIZE LIST ROUND: run + stop of a fresh run id; the time in ms to $DIR/times.
one() {
    local t0 t1 id=b$1-$3
    t0=$(now)
    nl_as_user "$RUN" --node-list "$2" --probe-file "$NL_PROBE" --run-id "$id" "${DCO[@]}" \
        >"$DIR/out" 2>&1 &&
        nl_as_user "$STOP" --node-list "$2" --run-id "$id" "${DCO[@]}" >>"$DIR/out" 2>&1 ||
        { echo "round $3, $1 nodes failed:" >&2; cat "$DIR/out" >&2; exit 1; }
    t1=$(now)
    echo "$1 $(((t1 - t0) / 1000000))" >>"$DIR/times"
}

# baseline N: N bare ssh sessions at once (node1..nodeN), each asking node control for its
# status: what this host needs for N parallel logins, without datacrumbs_run.
baseline() {
    local t0 t1 i pids=""
    t0=$(now)
    for i in $(seq 1 "$1"); do
        printf 'datacrumbs-nodectl/1\nverb=status\n' |
            nl_as_user ssh -o BatchMode=yes "${SSHO[@]}" "node$i" \
                "sudo -n $NL_LIBEXEC/datacrumbs_nodectl --stdin" >/dev/null &
        pids="$pids $!"
    done
    for i in $pids; do wait "$i" || { echo "baseline ssh failed" >&2; exit 1; }; done
    t1=$(now)
    echo "ssh$1 $(((t1 - t0) / 1000000))" >>"$DIR/times"
}

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
# direct N ROUND: node control's start, then stop, on N nodes at once, as root on the nodes
# themselves (no ssh, no sudo): the runtime's own start and stop when N share one kernel.
direct() {
    local t0 t1 i pids="" verb
    for verb in start stop; do
        pids=""
        t0=$(now)
        for i in $(seq 1 "$1"); do
            if [ $verb = start ]; then
                nl_on_node "$i" "$NL_NODECTL" --config "$NL_DIR/node$i/datacrumbs.conf" start \
                    "d$1-$2" "$NL_PROBE" "$NL_USER" >/dev/null 2>&1 &
            else
                nl_on_node "$i" "$NL_NODECTL" --config "$NL_DIR/node$i/datacrumbs.conf" stop \
                    "d$1-$2" >/dev/null 2>&1 &
            fi
            pids="$pids $!"
        done
        for i in $pids; do wait "$i" || { echo "direct $verb failed" >&2; exit 1; }; done
        t1=$(now)
        echo "$verb$1 $(((t1 - t0) / 1000000))" >>"$DIR/times"
    done
}

one 8 'node[1-8]' warmup
: >"$DIR/times"
for r in $(seq 1 "$ROUNDS"); do
    baseline 1
    baseline 8
    one 1 node1 "$r"
    one 4 'node[1-4]' "$r"
    one 8 'node[1-8]' "$r"
    direct 1 "$r"
    direct 8 "$r"
done

python3 - "$DIR/times" "$ROUNDS" "$*" "$LOAD" "$KIND" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
by = {}
for k, v in rows:
    by.setdefault(k, []).append(int(v))
med = {k: statistics.median(v) for k, v in by.items()}
print(f"rounds: {sys.argv[2]}, runtime: {sys.argv[5]}, ssh options: {sys.argv[3] or 'none'}, "
      f"load average before: {sys.argv[4]}")
print("| what | median ms | min ms | max ms |")
print("|---|---|---|---|")
for k, name in (("ssh1", "bare ssh session to 1 node (status)"),
                ("ssh8", "bare ssh sessions to 8 nodes at once"), ("1", "run + stop, 1 node"),
                ("4", "run + stop, 4 nodes"), ("8", "run + stop, 8 nodes"),
                ("start1", "node control start, 1 node, no ssh"),
                ("start8", "node control start, 8 nodes at once, no ssh"),
                ("stop1", "node control stop, 1 node, no ssh"),
                ("stop8", "node control stop, 8 nodes at once, no ssh")):
    v = by[k]
    print(f"| {name} | {med[k]:.0f} | {min(v)} | {max(v)} |")
print(f"ratio 8 nodes / 1 node: {med['8'] / med['1']:.2f} (target <= 1.5)")
print(f"ratio 4 nodes / 1 node: {med['4'] / med['1']:.2f}")
print(f"ratio of bare ssh, 8 nodes / 1 node: {med['ssh8'] / med['ssh1']:.2f} (this host's floor)")
print(f"ratio of node control stop, 8 nodes / 1 node: {med['stop8'] / med['stop1']:.2f} (one kernel)")
EOF
