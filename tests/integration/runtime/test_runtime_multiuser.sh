#!/bin/bash
# test_runtime_multiuser.sh BUILD SRC - what one user can do to another user's run through the
# run's files: read its summary (who ran what, where, how much), or take its trace names in a
# shared (sticky) trace_dir in advance so that the run is refused. Victim: nobody; the other
# user: daemon.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_setup
trap 'rt_cleanup; rm -rf -- "$T_TMP"' EXIT
id daemon >/dev/null 2>&1 || skip_all "no user 'daemon' to play the other user"
OTHER() { setpriv --reuid=daemon --regid=daemon --clear-groups "$@"; }
VICTIM() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
NOBODY_UID=$(id -u nobody)
HOST=$(hostname)
HOST=${HOST//[^A-Za-z0-9_.-]/_}
SHARED=$RT/pub # root's, 1777, as /tmp
sed -i "s|^trace_dir = .*|trace_dir = $SHARED|" "$RT_CONF"
rt_probe "$RT/pn.json.gz" nobody
chmod 0644 "$RT/pn.json.gz"

# 1. The other user takes every name the victim's trace could have, before the run.
for n in "" $(seq 1 99); do
    OTHER touch "$SHARED/trace-nobody-mu1-$HOST${n:+.$n}.pfw.gz"
done
if rt_start "$RT/pn.json.gz" mu1 nobody; then
    ok "the victim's run starts although its trace names were taken"
    VICTIM "$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of=/dev/null bs=512 count=8 status=none
    rt_stop
    check "exit 0" [ "$RT_RC" -eq 0 ]
    TRACE=$(jq -r .trace_file "$RT/run/datacrumbs-mu1.json")
    UDIR=$SHARED/datacrumbs-nobody-$NOBODY_UID
    check "the trace is in the victim's own directory" [ "$TRACE" = "$UDIR/trace-nobody-mu1-$HOST.pfw.gz" ]
    check "which is the victim's, mode 0700" [ "$(stat -c %U:%a "$UDIR")" = nobody:700 ]
    check "the trace is the victim's" [ "$(stat -c %U:%a "$TRACE")" = nobody:600 ]
    check "valid" rt_valid_trace "$TRACE"
    check "with the victim's dd in it" bash -c '"$0" "$1" | grep -q "cat=libc name=write .* n=512 ret=512"' "$RT_TRACECAT" "$TRACE"
    check "the other user's files are left alone" [ "$(stat -c %U "$SHARED/trace-nobody-mu1-$HOST.pfw.gz")" = daemon ]
    check_rc "the other user cannot list the victim's traces" 2 OTHER ls "$UDIR"
else
    not_ok "the victim's run starts although its trace names were taken (exit $RT_RC)"
    cat "$RT/daemon.err"
fi

# 2. The summary: the run's user and root read it, nobody else.
SUM=$RT/run/datacrumbs-mu1.json
check "summary: the victim's, mode 0400" [ "$(stat -c %U:%a "$SUM")" = nobody:400 ]
check_rc "summary: the other user cannot read it" 1 OTHER cat "$SUM"
check_rc "summary: the victim can" 0 VICTIM cat "$SUM"
contains "summary: it is the run's" "$OUT" '"run_id": "mu1"'

# 3. The other user takes the victim's directory name itself (the victim never ran here yet).
rm -rf -- "$SHARED/datacrumbs-nobody-$NOBODY_UID"
OTHER mkdir -m 0755 "$SHARED/datacrumbs-nobody-$NOBODY_UID"
if rt_start "$RT/pn.json.gz" mu2 nobody; then
    ok "the victim's run starts although its directory name was taken"
    VICTIM "$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of=/dev/null bs=512 count=8 status=none
    rt_stop
    TRACE=$(jq -r .trace_file "$RT/run/datacrumbs-mu2.json")
    D=$(dirname "$TRACE")
    case $D in
    "$SHARED/datacrumbs-nobody-$NOBODY_UID".????????) ok "a directory with a random part instead ($D)" ;;
    *) not_ok "a directory with a random part instead ($D)" ;;
    esac
    check "it is the victim's, mode 0700" [ "$(stat -c %U:%a "$D")" = nobody:700 ]
    check "the trace in it is the victim's and valid" [ "$(stat -c %U "$TRACE")" = nobody ] && rt_valid_trace "$TRACE"
    check "the taken directory holds nothing of the run" [ -z "$(ls -A "$SHARED/datacrumbs-nobody-$NOBODY_UID")" ]
    contains "the daemon says the name was taken" "$(cat "$RT/daemon.err")" "is not nobody's (somebody else took the name)"
else
    not_ok "the victim's run starts although its directory name was taken (exit $RT_RC)"
    cat "$RT/daemon.err"
fi

# 4. A trace_dir only root can write keeps the plain names.
sed -i "s|^trace_dir = $SHARED\$|trace_dir = $RT/traces|" "$RT_CONF"
if rt_start "$RT/pn.json.gz" mu3 nobody; then
    rt_stop
    check "root's own trace_dir: the usual name" [ "$(jq -r .trace_file "$RT/run/datacrumbs-mu3.json")" = "$RT/traces/trace-nobody-mu3-$HOST.pfw.gz" ]
else
    not_ok "run with trace_dir only root can write (exit $RT_RC)"
fi
finish
