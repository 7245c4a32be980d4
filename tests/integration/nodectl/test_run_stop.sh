#!/bin/bash
# datacrumbs_run and datacrumbs_stop against four "nodes" on this host: fake_ssh (first in
# PATH) runs node control with each node's own configuration and the stub runtime. Checks the
# ssh command lines (fixed remote command, host after "--"), the per-node table and exit codes,
# a node that is down or hangs, a node with another secret (nothing starts anywhere), and that
# hostile run ids, probe files and node names are refused before any ssh is started.
# Usage: test_run_stop.sh BUILD_DIR SOURCE_DIR
. "$(dirname "$0")/nodelib.sh" "$1" "$2"

LIBEXEC=$(sed -n 's/^#define DC_LIBEXECDIR "\(.*\)"$/\1/p' "$BUILD/generated/dc_config.h")
[ -n "$LIBEXEC" ] || skip_all "DC_LIBEXECDIR not found in $BUILD/generated/dc_config.h"
export FAKE_NODES=$T/nodes FAKE_REMOTE=$LIBEXEC/datacrumbs_nodectl FAKE_NODECTL=$NODECTL
mkdir -p "$T/bin" "$FAKE_NODES"
cp "$SRC/tests/integration/nodectl/fake_ssh" "$T/bin/ssh"
chmod 0755 "$T/bin/ssh"
export PATH=$T/bin:$PATH
# datacrumbs_run's ssh control sockets go here, where this test alone looks for leftovers.
mkdir -p "$T/tmp"
export TMPDIR=$T/tmp

for n in n1 n2 n3 n4; do node_make "$FAKE_NODES/$n"; done
# One secret on every node, as datacrumbs-cluster(7) asks.
for n in n2 n3 n4; do
    cp "$FAKE_NODES/n1/etc/secret" "$FAKE_NODES/$n/etc/secret"
done
cat >"$T/client.conf" <<EOF
scheduler = none
ready_timeout = 3
stop_timeout = 2
EOF
CC=(--config "$T/client.conf")
OK=$(probe p-ok ok)
SSHLOG=$FAKE_NODES/ssh.log
nodes_left() {
    local n out=""
    for n in n1 n2 n3 n4; do out+=$(leftovers "$FAKE_NODES/$n"); done
    echo "$out"
}
ssh_runs() { grep -c '^--- ssh' "$SSHLOG" 2>/dev/null || true; }

# --- four nodes, all well --------------------------------------------------------------------
check_rc "run on four nodes" 0 "$RUN" "${CC[@]}" --node-list 'n[1-4]' --probe-file "$OK" --run-id job1
contains "run-id= on stdout" "$OUT" "run-id=job1"
check "a row per node, all ok" test "$(grep -cE '^n[1-4] +ok +started' <<<"$OUT")" = 4
for n in n1 n2 n3 n4; do
    check "$n: env file and a running runtime" \
        test -f "$FAKE_NODES/$n/run/datacrumbs-job1.env" -a -f "$FAKE_NODES/$n/run/datacrumbs-job1.pid"
done
check "a check round then a start round: eight ssh sessions" test "$(ssh_runs)" = 8
check "the two rounds share one connection per node" \
    test "$(grep -cx '\[ControlMaster=auto\]' "$SSHLOG")" = 8
check "... which run closes afterwards" test "$(grep -c '^--- ctl' "$SSHLOG")" = 4
check "... and its socket directory is gone" test -z "$(ls -A "$TMPDIR")"
check "ssh runs in batch mode" grep -qx '\[BatchMode=yes\]' "$SSHLOG"
check "ssh has a connect timeout" grep -qx '\[ConnectTimeout=10\]' "$SSHLOG"
check "no ssh argument holds the run id or the probe file" \
    bash -c '! grep -e job1 -e p-ok "$1"' _ "$SSHLOG"
check "every host comes right after --" \
    test "$(grep -A1 -x '\[--\]' "$SSHLOG" | grep -cxE '\[n[1-4]\]')" = 12
check_rc "run again: already running is success" 0 "$RUN" "${CC[@]}" --node-list 'n[1-4]' --probe-file "$OK" --run-id job1
contains "... saying so" "$OUT" "already running"
check_rc "stop on four nodes" 0 "$STOP" "${CC[@]}" --node-list 'n1,n2 n3,n4' --run-id job1
check "a row per node, all stopped" test "$(grep -cE '^n[1-4] +ok +stopped' <<<"$OUT")" = 4
check "no env files, snapshots or pid files left" test -z "$(nodes_left)"
check_rc "stop again: not running is success" 0 "$STOP" "${CC[@]}" --node-list 'n[1-4]' --run-id job1
contains "... saying so" "$OUT" "not running"

# --- run ids --------------------------------------------------------------------------------
check_rc "run without --run-id generates one" 0 "$RUN" "${CC[@]}" --node-list n1 --probe-file "$OK"
GEN=$(sed -n 's/^run-id=//p' <<<"$OUT")
check "... printed as run-id=dc-..." test "${GEN#dc-}" != "$GEN"
check_rc "... and datacrumbs_stop takes it" 0 "$STOP" "${CC[@]}" --node-list n1 --run-id "$GEN"
printf 'scheduler = slurm\nready_timeout = 3\nstop_timeout = 2\n' >"$T/slurm.conf"
check_rc "with scheduler = slurm the run id is SLURM_JOB_ID" 0 \
    env SLURM_JOB_ID=4242 "$RUN" --config "$T/slurm.conf" --node-list n1 --probe-file "$OK"
contains "... run-id=4242" "$OUT" "run-id=4242"
check_rc "... and stop finds it the same way" 0 \
    env SLURM_JOB_ID=4242 "$STOP" --config "$T/slurm.conf" --node-list n1
check_rc "a hostile SLURM_JOB_ID is refused" 2 \
    env 'SLURM_JOB_ID=1;reboot' "$RUN" --config "$T/slurm.conf" --node-list n1 --probe-file "$OK"
check "no run left" test -z "$(nodes_left)"

# --- a path no shell must see -----------------------------------------------------------------
WEIRD="$T/we ird \$(touch $T/pwned) 'q\"\`x\`.gz"
mkdir -p "$(dirname "$WEIRD")"
printf 'ok\n' >"$WEIRD"
check_rc "a probe file named with spaces, quotes and \$(...)" 0 \
    "$RUN" "${CC[@]}" --node-list 'n[1-2]' --probe-file "$WEIRD" --run-id weird
check "... nothing was executed" test ! -e "$T/pwned"
check_rc "... and it stops" 0 "$STOP" "${CC[@]}" --node-list 'n[1-2]' --run-id weird

# --- a node down, a node hanging ------------------------------------------------------------
touch "$FAKE_NODES/n3/down"
check_rc "run with n3 down exits 1" 1 "$RUN" "${CC[@]}" --node-list 'n[1-4]' --probe-file "$OK" --run-id job2
check "n3's row says unreachable" grep -qE '^n3 +unreachable +ssh: connect to host n3 port 22: Connection refused' <<<"$OUT"
check "the other nodes started" test "$(grep -cE '^n[124] +ok +started' <<<"$OUT")" = 3
contains "the error names the run to stop" "$ERR" "datacrumbs_stop --run-id job2"
check_rc "stop with n3 down exits 1" 1 "$STOP" "${CC[@]}" --node-list 'n[1-4]' --run-id job2
check "... n3 unreachable, the others stopped" \
    test "$(grep -cE '^n[124] +ok +stopped' <<<"$OUT")" = 3 -a "$(grep -cE '^n3 +unreachable' <<<"$OUT")" = 1
rm -f "$FAKE_NODES/n3/down"
check_rc "a node that does not resolve" 1 "$RUN" "${CC[@]}" --node-list n1,n9 --probe-file "$OK" --run-id job3
contains "... says so" "$OUT" "Could not resolve hostname n9"
check_rc "stop job3" 0 "$STOP" "${CC[@]}" --node-list n1 --run-id job3
touch "$FAKE_NODES/n2/hang"
t0=$(date +%s)
check_rc "a node that never answers is cut off at --timeout" 1 \
    "$RUN" "${CC[@]}" --node-list n1,n2 --probe-file "$OK" --run-id job4 --timeout 2
t1=$(date +%s)
check "... after about 2 s" test $((t1 - t0)) -le 6
check "... its row says no answer" grep -qE '^n2 +no answer +timed out after 2 s' <<<"$OUT"
check "... and nothing started (it is a check-round failure)" test -z "$(nodes_left)"
rm -f "$FAKE_NODES/n2/hang"

# --- one node with another secret -------------------------------------------------------------
new_secret "$FAKE_NODES/n2/etc/secret"
check_rc "run with another secret on n2 exits 1" 1 \
    "$RUN" "${CC[@]}" --node-list 'n[1-4]' --probe-file "$OK" --run-id job5
check "n2's row says its secret differs" grep -qE '^n2 +failed +secret differs: fingerprint [0-9a-f]{16}, 3 other nodes have [0-9a-f]{16}' <<<"$OUT"
check "the others were checked, not started" test "$(grep -cE '^n[134] +skipped +checked, not started' <<<"$OUT")" = 3
contains "the error says nothing started" "$ERR" "nothing was started"
check "no node has anything of job5" test -z "$(nodes_left)"
cp "$FAKE_NODES/n1/etc/secret" "$FAKE_NODES/n2/etc/secret"

# --- refused here, before any ssh -------------------------------------------------------------
before=$(ssh_runs)
refused() {
    local name=$1
    shift
    check_rc "refused locally: $name" 2 "$@"
}
refused "run id with a slash" "$RUN" "${CC[@]}" --node-list n1 --probe-file "$OK" --run-id ../../x
refused "run id with shell syntax" "$RUN" "${CC[@]}" --node-list n1 --probe-file "$OK" --run-id '$(reboot)'
refused "run id with a space" "$STOP" "${CC[@]}" --node-list n1 --run-id 'a b'
refused "run id starting with -" "$STOP" "${CC[@]}" --node-list n1 --run-id -x
refused "run id too long" "$STOP" "${CC[@]}" --node-list n1 --run-id "$(printf 'r%.0s' {1..65})"
refused "probe file with a newline" "$RUN" "${CC[@]}" --node-list n1 --probe-file "$T/a
verb=stop"
refused "probe file that does not exist" "$RUN" "${CC[@]}" --node-list n1 --probe-file "$T/missing"
refused "probe file that is a directory" "$RUN" "${CC[@]}" --node-list n1 --probe-file "$T"
refused "node name like an ssh option" "$RUN" "${CC[@]}" --node-list '-oProxyCommand=touch /tmp/x' --probe-file "$OK"
refused "node name with ;" "$RUN" "${CC[@]}" --node-list 'n1;reboot' --probe-file "$OK"
refused "node name with \$()" "$STOP" "${CC[@]}" --node-list 'n$(id)' --run-id r
refused "node list with an open bracket" "$STOP" "${CC[@]}" --node-list 'n[1-3' --run-id r
refused "empty node list" "$STOP" "${CC[@]}" --node-list '' --run-id r
refused "ssh option with a newline" "$STOP" "${CC[@]}" --node-list n1 --run-id r --ssh-option "Port=22
x"
refused "ssh option that is not Key=Value" "$STOP" "${CC[@]}" --node-list n1 --run-id r --ssh-option=-F/tmp/x
refused "no --probe-file" "$RUN" "${CC[@]}" --node-list n1
refused "no --run-id for stop" "$STOP" "${CC[@]}" --node-list n1
refused "--probe-file given to stop" "$STOP" "${CC[@]}" --node-list n1 --run-id r --probe-file "$OK"
refused "an unknown option" "$RUN" "${CC[@]}" --node-list n1 --probe-file "$OK" --sudo
refused "a stray argument" "$STOP" "${CC[@]}" --node-list n1 --run-id r extra
refused "--parallel 0" "$STOP" "${CC[@]}" --node-list n1 --run-id r --parallel 0
check "no ssh was started for any of them" test "$(ssh_runs)" = "$before"

# --- dry run, help ----------------------------------------------------------------------------
check_rc "--dry-run" 0 "$RUN" "${CC[@]}" --node-list 'n[1-2]' --probe-file "$OK" --run-id dry --dry-run
contains "... shows the fixed remote command" "$OUT" "-- n1 sudo -n $LIBEXEC/datacrumbs_nodectl --stdin"
contains "... and the request" "$OUT" "verb=start"
check "... and starts nothing" test "$(ssh_runs)" = "$before" -a -z "$(nodes_left)"
check_rc "stop --dry-run" 0 "$STOP" "${CC[@]}" --node-list n1 --run-id dry --dry-run
contains "... shows the request" "$OUT" "verb=stop"
check_rc "run --help" 0 "$RUN" --help
contains "... ends with examples" "$OUT" "EXAMPLES"
check_rc "stop --help" 0 "$STOP" --help
contains "... ends with examples" "$OUT" "EXAMPLES"
check_rc "--parallel 1 still reaches every node" 0 \
    "$RUN" "${CC[@]}" --node-list 'n[1-4]' --probe-file "$OK" --run-id seq --parallel 1
check_rc "... and stop" 0 "$STOP" "${CC[@]}" --node-list 'n[1-4]' --run-id seq --parallel 1
check "nothing left anywhere" test -z "$(nodes_left)"

# --- the sudo rule the nodes need -----------------------------------------------------------
if command -v visudo >/dev/null; then
    for f in "$SRC/etc/sudoers.d/datacrumbs.example" "$BUILD/src/nodectl/sudoers.example"; do
        check "visudo accepts $(basename "$(dirname "$f")")/$(basename "$f")" \
            bash -c 'visudo -cf "$1" >/dev/null' _ "$f"
    done
    check "the installed rule names this build's node control with --stdin only" \
        grep -qx "ALL ALL=(root) NOPASSWD: $LIBEXEC/datacrumbs_nodectl --stdin" \
        "$BUILD/src/nodectl/sudoers.example"
else
    echo "# visudo missing: the sudoers example is not checked"
fi

finish
