#!/bin/bash
# test_runtime_units.sh BUILD SRC - datacrumbs@.service and the tmpfiles snippet keep the
# contract of docs/design.md §4.6 (Type=notify, the env file, ExecStart without a shell, never
# enabled) and pass systemd-analyze verify; the man page renders without warnings.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
UNIT=$SRC/systemd/datacrumbs@.service
TMPF=$SRC/systemd/datacrumbs.tmpfiles
MAN=$SRC/man/man8/datacrumbs.8

key() { sed -n "s/^$1=//p" "$UNIT"; }
check "unit exists" [ -f "$UNIT" ]
check "Type=notify" [ "$(key Type)" = notify ]
check "env file per run" [ "$(key EnvironmentFile)" = "/run/datacrumbs/datacrumbs-%i.env" ]
check "ExecStart exactly as the contract" [ "$(key ExecStart)" = '/usr/sbin/datacrumbs ${DATACRUMBS_PROBE_FILE} %i ${DATACRUMBS_USER}' ]
check "no shell anywhere" bash -c '! grep -Eq "(^Exec[A-Za-z]*=.*(/bin/sh|bash| -c ))|^ExecStartPre|^ExecStartPost|^ExecStop" "$0"' "$UNIT"
check "never enabled: no [Install]" bash -c '! grep -q "^\[Install\]" "$0"' "$UNIT"
check "SIGINT stops it" [ "$(key KillSignal)" = SIGINT ]
check "no RuntimeDirectory (it would vanish with any instance)" bash -c '! grep -q "^RuntimeDirectory" "$0"' "$UNIT"
check "hardened" bash -c 'grep -q "^NoNewPrivileges=yes" "$0" && grep -q "^ProtectSystem=strict" "$0" && grep -q "^CapabilityBoundingSet=" "$0"' "$UNIT"
# Without CAP_SYS_RESOURCE the daemon cannot lift quotas or other limits; the root reserve it
# keeps out of itself (runtime_min_free_space), as ext4 lets root in regardless.
check "no CAP_SYS_RESOURCE" bash -c '! grep -q "^CapabilityBoundingSet=.*CAP_SYS_RESOURCE" "$0"' "$UNIT"
check "tmpfiles: the run dir, root's, 0755" [ "$(grep -v '^#' "$TMPF")" = "d /run/datacrumbs 0755 root root -" ]

if command -v systemd-analyze >/dev/null 2>&1 && { [ -d /lib/systemd/system ] || [ -d /usr/lib/systemd/system ]; }; then
    # A throwaway root with the units systemd needs and an executable at /usr/sbin/datacrumbs.
    R=$T_TMP/root
    mkdir -p "$R/usr/sbin" "$R/usr/lib/systemd" "$R/etc/systemd/system"
    cp -r "$( [ -d /usr/lib/systemd/system ] && echo /usr/lib/systemd/system || echo /lib/systemd/system)" "$R/usr/lib/systemd/"
    cp /bin/true "$R/usr/sbin/datacrumbs"
    cp "$UNIT" "$R/etc/systemd/system/"
    check_rc "systemd-analyze verify" 0 systemd-analyze verify --man=no --root="$R" datacrumbs@myrun.service
    check "verify printed nothing" [ -z "$OUT$ERR" ]
    SEC=$(systemd-analyze security --offline=true --root="$R" datacrumbs@myrun.service 2>/dev/null | tail -1)
    echo "# $SEC"
    contains "exposure score computed" "$SEC" "Overall exposure level"
else
    echo "# systemd-analyze not available: syntax not verified"
fi

if command -v man >/dev/null 2>&1; then
    check_rc "man page renders" 0 env LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$MAN"
    check "man page: no warnings" [ -z "$ERR" ]
    for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
        check "man page has $s" grep -q "^\.SH \"*$s\"*\$" "$MAN"
    done
fi
finish
