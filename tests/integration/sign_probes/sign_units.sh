#!/usr/bin/env bash
# The systemd units of datacrumbs_sign_probes, offline: they verify, the socket is 0666 at the
# default signer_socket, and the service's exposure score stays at the level recorded in
# datacrumbs_sign_probes(8) (1.5; this test allows up to 2.0 so that a newer systemd-analyze
# weighting does not fail CI, but any loosening of the unit shows up here).
set -u
BUILD=$(cd "$1" && pwd)
SRC=$2
UNITS=$BUILD/systemd
SIGNER=$BUILD/src/sign_probes/datacrumbs_sign_probes
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }

command -v systemd-analyze > /dev/null || { echo "SKIP: no systemd-analyze"; exit 77; }
[ -f "$UNITS/datacrumbs_sign_probes.service" ] || { echo "SKIP: units not configured"; exit 77; }
[ -x "$SIGNER" ] || { echo "SKIP: $SIGNER not built"; exit 77; }
T=$(mktemp -d /tmp/dc-sign-units.XXXXXX)
trap 'rm -rf "$T"' EXIT

# The configured unit, with ExecStart pointing at the build tree (verify checks it exists).
grep -q '^ExecStart=/.*/datacrumbs_sign_probes$' "$UNITS/datacrumbs_sign_probes.service" &&
    pass "ExecStart has the sbin path filled in" || fail "ExecStart: $(grep ExecStart= "$UNITS/datacrumbs_sign_probes.service")"
sed "s|^ExecStart=.*|ExecStart=$SIGNER|" "$UNITS/datacrumbs_sign_probes.service" \
    > "$T/datacrumbs_sign_probes.service"
cp "$UNITS/datacrumbs_sign_probes.socket" "$T/"
if (cd "$T" && systemd-analyze verify --man=no ./datacrumbs_sign_probes.socket \
    ./datacrumbs_sign_probes.service) > "$T/verify.out" 2>&1; then
    pass "systemd-analyze verify"
else
    fail "systemd-analyze verify: $(cat "$T/verify.out")"
fi

sock=$T/datacrumbs_sign_probes.socket
grep -qx 'ListenStream=/run/datacrumbs/sign.sock' "$sock" && pass "socket at the default signer_socket" ||
    fail "ListenStream"
grep -qx 'SocketMode=0666' "$sock" && pass "SocketMode=0666" || fail "SocketMode"
grep -qx 'Type=notify' "$T/datacrumbs_sign_probes.service" && pass "Type=notify" || fail "Type"

if ! (cd "$T" && systemd-analyze security --offline=true ./datacrumbs_sign_probes.service) \
    > "$T/security.out" 2>&1; then
    if grep -q 'offline' "$T/security.out"; then
        echo "SKIP: this systemd-analyze has no --offline"
        exit 77
    fi
fi
score=$(sed -n 's/.*Overall exposure level for datacrumbs_sign_probes.service: \([0-9.]*\).*/\1/p' \
    "$T/security.out")
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
    pass "exposure $score"
else
    fail "exposure '${score}': $(grep -E '✗|Overall' "$T/security.out")"
fi
# The settings that would change the answer to "can the caller read this file" stay off.
for bad in '^PrivateTmp=yes' '^ProtectHome=yes' '^ProtectHome=tmpfs' '^PrivateUsers=yes' \
    '^ProcSubset=pid' '^DynamicUser=yes'; do
    grep -q "$bad" "$T/datacrumbs_sign_probes.service" && fail "unit sets ${bad#^}"
done
[ "$FAILS" = 0 ] || exit 1
echo "all checks passed"
