#!/bin/bash
# System test of multi-node control: four sshd "nodes" in network namespaces (nodes-lib.sh),
# the real runtime in direct mode, an unprivileged user running datacrumbs_run and
# datacrumbs_stop over ssh with BatchMode, reaching node control through sudo.
#   - run starts the runtime on all four nodes; a program wrapped on node1 is traced;
#     stop stops every runtime and leaves no env file, snapshot, pid file or process;
#   - with node4's sshd down, its row says unreachable, nodes 1-3 work, exit 1;
#   - with another secret on node3, the pre-flight check refuses before anything starts;
#   - hostile --run-id, --probe-file and node names are refused before ssh runs.
# Needs root, iproute2, openssh-server, openssh-client, sudo and the real runtime (skips
# otherwise, saying why). Usage: netns.sh BUILD_DIR SOURCE_DIR
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/nodes-lib.sh"
nl_reexec_private "$0" "$@"

set -u
BUILD=$(cd "${1:?build dir}" && pwd)
SRC=${2:?source dir}
. "$SRC/tests/integration/lib.sh"
why=$(nl_missing "$BUILD")
[ -z "$why" ] || skip_all "$why"
trap 'nl_teardown; rm -rf -- "$T_TMP"' EXIT

RUN=$BUILD/src/run/datacrumbs_run
STOP=$BUILD/src/stop/datacrumbs_stop
NODECTL=$BUILD/src/nodectl/datacrumbs_nodectl
RUNTIME=$(readlink -f "$BUILD/src/runtime/datacrumbs")

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
t0=$(date +%s%N)
if ! nl_setup "$BUILD" "$T_TMP" 4 >"$T_TMP/setup.log" 2>&1; then
    sed 's/^/# /' "$T_TMP/setup.log"
    echo "not ok 1 - set up four sshd nodes"
    exit 1
fi
ok "four sshd nodes up in $(ms_since "$t0") ms"

# Can this kernel run the runtime at all? Node control on node1, as root, for the user.
if ! nl_on_node 1 "$NODECTL" --config "$NL_DIR/node1/datacrumbs.conf" start pre "$NL_PROBE" \
    "$NL_USER" >"$T_TMP/pre.out" 2>&1; then
    if grep -qiE 'BPF|exit code 5' "$T_TMP/pre.out"; then
        skip_all "the runtime cannot load its BPF programs here: $(tail -1 "$T_TMP/pre.out")"
    fi
    not_ok "the runtime starts on node1 through node control"
    sed 's/^/#   /' "$T_TMP/pre.out"
    finish
    exit 1
fi
nl_on_node 1 "$NODECTL" --config "$NL_DIR/node1/datacrumbs.conf" stop pre >/dev/null 2>&1

U=(nl_as_user)
# user_rc NAME WANT CMD...: like check_rc, as the test user in the head namespace.
user_rc() {
    local name=$1 want=$2
    shift 2
    check_rc "$name" "$want" "${U[@]}" "$@"
}
leftovers() {
    local i out=""
    for i in 1 2 3 4; do out+=$(cd "$NL_DIR/node$i/run" && ls -A | grep -v '\.json$' | tr '\n' ' '); done
    echo "$out"
}
runtimes() {
    local p n=0
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/exe" 2>/dev/null)" = "$RUNTIME" ] && grep -q "$NL_DIR/node" "$p/cmdline" 2>/dev/null &&
            n=$((n + 1))
    done
    echo $n
}

# --- refused before ssh ----------------------------------------------------------------------
user_rc "hostile --run-id refused locally" 2 "$RUN" --node-list 'node[1-4]' --probe-file "$NL_PROBE" \
    --run-id '$(touch /tmp/x)'
user_rc "hostile --probe-file refused locally" 2 "$RUN" --node-list 'node[1-4]' --run-id r \
    --probe-file "$NL_HOME/p
verb=stop"
user_rc "hostile node name refused locally" 2 "$RUN" --node-list 'node1,-oProxyCommand=id' \
    --probe-file "$NL_PROBE" --run-id r
user_rc "hostile node name for stop refused locally" 2 "$STOP" --node-list 'node1;id' --run-id r
check "... and no node saw a session" bash -c '! grep -q "Accepted publickey" "$@"' _ "$NL_DIR"/node*/sshd.log

# --- four nodes -------------------------------------------------------------------------------
t0=$(date +%s%N)
user_rc "datacrumbs_run on four nodes" 0 "$RUN" --node-list 'node[1-4]' --probe-file "$NL_PROBE" \
    --run-id sys1 --connect-timeout 5
echo "# run took $(ms_since "$t0") ms"
contains "run-id= on stdout" "$OUT" "run-id=sys1"
check "the shared ssh connections are closed when run returns" \
    bash -c 'for i in $(seq 250); do pgrep -u "$1" -x ssh >/dev/null || exit 0; sleep 0.02; done; exit 1' _ "$NL_UID"
check "every node's row says started" test "$(grep -cE '^node[1-4] +ok +started \(pid [0-9]+\)' <<<"$OUT")" = 4
echo "$OUT" | sed 's/^/#   /'
for i in 1 2 3 4; do
    check "node$i: env file root:root 0600" \
        test "$(stat -c '%U:%G %a' "$NL_DIR/node$i/run/datacrumbs-sys1.env" 2>&1)" = "root:root 600"
    check "node$i: the env file names the user" grep -qx "DATACRUMBS_USER=\"$NL_USER\"" \
        "$NL_DIR/node$i/run/datacrumbs-sys1.env"
    pid=$(cat "$NL_DIR/node$i/run/datacrumbs-sys1.pid" 2>/dev/null)
    check "node$i: the runtime runs as root in node$i's namespaces" \
        test -n "$pid" -a "$(readlink "/proc/$pid/exe")" = "$RUNTIME" -a \
        "$(stat -c %u "/proc/$pid")" = 0 -a \
        "$(readlink "/proc/$pid/ns/uts")" = "$(readlink "/proc/$(nl_node_pid "$i")/ns/uts")"
done
# Through sudo the caller is the user (SUDO_UID), who may act only for itself.
deny=$(printf 'datacrumbs-nodectl/1\nverb=start\nrun_id=sys9\nuser=root\nprobe_file=%s\n' \
    "$NL_PROBE" | nl_as_user ssh -o BatchMode=yes node1 "sudo -n $NL_LIBEXEC/datacrumbs_nodectl --stdin")
contains "a request to start a run for root, sent by the user, is denied" "$deny" "result=denied"

# A program the user runs, wrapped, on node1.
nl_on_node 1 setpriv --reuid "$NL_UID" --regid "$NL_UID" --init-groups \
    env -i PATH=/usr/bin:/bin HOME="$NL_HOME" "$BUILD/src/wrap/datacrumbs_wrap" \
    --config "$NL_DIR/node1/datacrumbs.conf" \
    dd if=/dev/zero of="$NL_HOME/out.bin" bs=4096 count=32 status=none
check "the wrapped dd ran" test "$(stat -c %s "$NL_HOME/out.bin")" = 131072

t0=$(date +%s%N)
user_rc "datacrumbs_stop on four nodes" 0 "$STOP" --node-list 'node[1-4]' --run-id sys1
echo "# stop took $(ms_since "$t0") ms"
check "every node's row says stopped" test "$(grep -cE '^node[1-4] +ok +stopped' <<<"$OUT")" = 4
check "no env file, snapshot, pid or lock file on any node" test -z "$(leftovers)"
check "no runtime process left" test "$(runtimes)" = 0
TRACE=$NL_DIR/node1/traces/trace-$NL_USER-sys1-node1.pfw.gz
check "node1 wrote the user's trace, named for node1" test -s "$TRACE"
writes=$(zcat "$TRACE" 2>/dev/null | grep -c '"name":"write"')
check "the trace holds the wrapped dd's writes ($writes)" test "${writes:-0}" -ge 32
check "node1's summary counts events" \
    grep -qE '"events": [1-9]' "$NL_DIR/node1/run/datacrumbs-sys1.json"

# --- node4 down -------------------------------------------------------------------------------
nl_sshd_stop 4
user_rc "run with node4 down exits 1" 1 "$RUN" --node-list 'node[1-4]' --probe-file "$NL_PROBE" \
    --run-id sys2 --connect-timeout 3
check "node4's row says unreachable" grep -qE '^node4 +unreachable +.*(refused|timed out)' <<<"$OUT"
check "nodes 1-3 started" test "$(grep -cE '^node[1-3] +ok +started' <<<"$OUT")" = 3
echo "$OUT" | sed 's/^/#   /'
check "three runtimes run" test "$(runtimes)" = 3
user_rc "stop with node4 down exits 1" 1 "$STOP" --node-list 'node[1-4]' --run-id sys2 --connect-timeout 3
check "... nodes 1-3 stopped, node4 unreachable" \
    test "$(grep -cE '^node[1-3] +ok +stopped' <<<"$OUT")" = 3 -a \
    "$(grep -cE '^node4 +unreachable' <<<"$OUT")" = 1
check "... nothing left behind" test -z "$(leftovers)" -a "$(runtimes)" = 0
nl_sshd_start 4
nl_wait_sshd 4

# --- another secret on node3 ------------------------------------------------------------------
mv "$NL_DIR/node3/etc/secret" "$NL_DIR/node3/etc/secret.good"
"$BUILD/src/secret/datacrumbs_secret" --config "$NL_DIR/node3/datacrumbs.conf" create >/dev/null 2>&1
user_rc "run with another secret on node3 exits 1" 1 "$RUN" --node-list 'node[1-4]' \
    --probe-file "$NL_PROBE" --run-id sys3
check "node3's row says its secret differs" \
    grep -qE '^node3 +failed +secret differs: fingerprint [0-9a-f]{16}, 3 other nodes have' <<<"$OUT"
check "the others were only checked" test "$(grep -cE '^node[124] +skipped +checked, not started' <<<"$OUT")" = 3
echo "$OUT" | sed 's/^/#   /'
check "nothing started anywhere" test -z "$(leftovers)" -a "$(runtimes)" = 0
mv -f "$NL_DIR/node3/etc/secret.good" "$NL_DIR/node3/etc/secret"

# --- only the fixed remote command gets through -----------------------------------------------
check_rc "a node refuses any other remote command" 97 "${U[@]}" ssh -o BatchMode=yes node2 \
    "sudo -n $NL_LIBEXEC/datacrumbs_nodectl --stdin; id"
check_rc "sudo refuses node control without the rule's exact arguments" 1 \
    nl_on_node 2 setpriv --reuid "$NL_UID" --regid "$NL_UID" --init-groups \
    sudo -n "$NODECTL" --config "$NL_DIR/node2/datacrumbs.conf" status

finish
