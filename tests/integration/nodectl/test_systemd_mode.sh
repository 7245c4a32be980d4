#!/bin/bash
# Node control with service_manager = systemd, against a fake systemctl bind-mounted over
# /usr/bin/systemctl in a private mount namespace (this host runs no systemd): start with
# --no-block and polling until active, never enable, stop and wait, a template that is not
# installed, a unit that fails, a runtime that never becomes ready.
# Usage: test_systemd_mode.sh BUILD_DIR SOURCE_DIR
if [ -z "${DC_PRIVATE_MOUNTS:-}" ]; then
    [ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 77; }
    command -v unshare >/dev/null || { echo "1..0 # SKIP unshare(1) is missing"; exit 77; }
    [ -x /usr/bin/systemctl ] || { echo "1..0 # SKIP no /usr/bin/systemctl to stand in for"; exit 77; }
    DC_PRIVATE_MOUNTS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/nodelib.sh" "$1" "$2"

N=$T/node
node_make "$N" service_manager=systemd
sed -i '/^service_manager = direct$/d' "$N/datacrumbs.conf"
S=$T/systemd
mkdir -p "$S/units"
touch "$S/installed"
sed -e "s|@STATE@|$S|" -e "s|@CONF@|$N/datacrumbs.conf|" -e "s|@RUN_DIR@|$N/run|" \
    -e "s|@STUB@|$STUB|" "$SRC/tests/integration/nodectl/fake_systemctl.in" >"$T/systemctl"
chmod 0755 "$T/systemctl"
mount --bind "$T/systemctl" /usr/bin/systemctl || skip_all "cannot bind-mount over /usr/bin/systemctl"
[ -x /bin/systemctl ] && ! [ /bin/systemctl -ef /usr/bin/systemctl ] &&
    { mount --bind "$T/systemctl" /bin/systemctl || skip_all "cannot bind-mount over /bin/systemctl"; }
nc() { "$NODECTL" --config "$N/datacrumbs.conf" "$@"; }
not_alive() { ! alive "$1"; }
unit_pid() { cat "$S/units/datacrumbs@$1.service/pid" 2>/dev/null; }
# Runtimes the fake started: killed by pid at exit, like everything else.
T_PIDS_FN() { for u in "$S"/units/*/pid; do cat "$u" 2>/dev/null; done; }
trap 'T_PIDS="$T_PIDS $(T_PIDS_FN)"; nodelib_cleanup' EXIT

OK=$(probe p-ok ok)
check_rc "start through systemd" 0 nc start s1 "$OK" root
contains "... started the unit" "$OUT" "started datacrumbs@s1.service (pid"
check "... with start --no-block, never enable" \
    grep -qx 'systemctl start --no-block -- datacrumbs@s1.service' "$S/calls"
check "... and no enable anywhere" bash -c '! grep -q enable "$1"' _ "$S/calls"
check "the unit's runtime got the snapshot from the env file" \
    bash -c 'tr "\0" " " <"/proc/$1/cmdline" | grep -q "datacrumbs-s1.probes s1 root"' _ "$(unit_pid s1)"
check "env file root 0600" test "$(stat -c '%U %a' "$N/run/datacrumbs-s1.env")" = "root 600"
check_rc "status" 0 nc status s1
contains "... running" "$OUT" "running for root"
check_rc "start again: already running" 0 nc start s1 "$OK" root
contains "... says so" "$OUT" "already running"
PID=$(unit_pid s1)
check_rc "stop through systemd" 0 nc stop s1
contains "... stopped the unit" "$OUT" "stopped datacrumbs@s1.service"
check "... the runtime is gone" not_alive "$PID"
check "... and so are the env file and the snapshot" test -z "$(leftovers "$N")"
check_rc "stop again: not running" 0 nc stop s1
contains "... says so" "$OUT" "not running"

rm -f "$S/installed"
check_rc "no datacrumbs@.service installed: start fails" 1 nc start s2 "$OK" root
contains "... saying so" "$ERR" "datacrumbs@.service is not installed"
check "... leaving nothing" test -z "$(leftovers "$N")"
touch "$S/installed"

EARLY=$(probe p-early exit-early)
check_rc "a unit that fails while starting" 1 nc start s3 "$EARLY" root
contains "... is reported with its result" "$ERR" "failed to start (result exit-code"
check "... reset-failed afterwards" grep -qx 'systemctl reset-failed -- datacrumbs@s3.service' "$S/calls"
check "... leaving nothing" test -z "$(leftovers "$N")"

NEVER=$(probe p-never never-ready)
check_rc "a unit that never becomes ready" 1 nc start s4 "$NEVER" root
contains "... times out and is stopped again" "$ERR" "not ready within ready_timeout (3 s), stopped again"
check "... its runtime is gone" bash -c "! pgrep -f -- '$N/run/datacrumbs-s4[.]probes' >/dev/null"
check "... leaving nothing" test -z "$(leftovers "$N")"

check_rc "start s5" 0 nc start s5 "$OK" root
P5=$(unit_pid s5)
case $P5 in '' | *[!0-9]*) P5=0 ;; esac
[ "$P5" -gt 1 ] && kill -KILL "$P5"
check_rc "stop after the runtime died (unit failed)" 0 nc stop s5
contains "... says it was not running" "$OUT" "not running"
check "... resets the failed unit" grep -qx 'systemctl reset-failed -- datacrumbs@s5.service' "$S/calls"
check "... and tidies the env file" test -z "$(leftovers "$N")"

finish
