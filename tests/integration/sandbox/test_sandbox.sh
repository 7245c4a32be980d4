#!/bin/bash
# test_sandbox.sh BUILD SRC - the sandbox of the demo and the tests (tests/sandbox/sandbox.sh):
# its own configuration, secret and signing service on a private socket; a probe file signed
# there verifies with its secret; sandbox_destroy stops the signer and removes everything.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/sandbox/sandbox.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (the secret is root's, the signer runs as root)"
for p in secret/datacrumbs_secret sign_probes/datacrumbs_sign_probes \
    probe_configurator/datacrumbs_probe_configurator probe_inspect/datacrumbs_probe_inspect; do
    [ -x "$BUILD/src/$p" ] || skip_all "$p is not built"
done
trap 'sandbox_destroy; rm -rf -- "$T_TMP"' EXIT
chmod 0755 "$T_TMP"

sandbox_create "$T_TMP/sb" "$BUILD"
check "the sandbox has its own configuration" grep -q "^secret_file = $T_TMP/sb/" "$SANDBOX_CONF"
check_rc "sandbox_secret" 0 sandbox_secret
check_rc "the secret passes datacrumbs_secret check" 0 "$SANDBOX_BIN/datacrumbs_secret" --config "$SANDBOX_CONF" check
sandbox_signer_start "$T_TMP/signer.log"
check "sandbox_signer_start: listening on the private socket" test -S "$SANDBOX/run/sign.sock"
SPID=$SANDBOX_SIGNER_PID
cat >"$T_TMP/host.yaml" <<'YAML'
capture_probes:
  - name: sys
    type: btf
    probe: syscalls
    regex: (read|write)
YAML
check_rc "a probe file signed in the sandbox" 0 "$SANDBOX_BIN/datacrumbs_probe_configurator" \
    --config "$SANDBOX_CONF" --quiet "$T_TMP/host.yaml" "$T_TMP/p.json.gz"
check_rc "it verifies with the sandbox's secret" 0 "$SANDBOX_BIN/datacrumbs_probe_inspect" \
    --config "$SANDBOX_CONF" --verify "$T_TMP/p.json.gz"
sandbox_destroy
check "sandbox_destroy stopped the signer" gone "$SPID"
wait "$SPID" 2>/dev/null
check "sandbox_destroy removed the sandbox" test ! -e "$T_TMP/sb"
finish
