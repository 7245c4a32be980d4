# sandbox.sh - a throwaway DataCrumbs "system" under one directory, for tests and the demo.
# Source it, then: sandbox_create DIR BUILD_DIR. Nothing touches /etc, /run or /var.
# Sets SANDBOX (the dir), SANDBOX_CONF (its datacrumbs.conf) and SANDBOX_BIN (the programs).
# Later pieces (the secret, the signer, the runtime) add functions here.

# sandbox_create DIR BUILD_DIR
sandbox_create() {
    case ${1:-} in /?*) ;; *) echo "sandbox_create: need an absolute directory" >&2; return 1 ;; esac
    SANDBOX=$1
    SANDBOX_BUILD=$(cd "$2" && pwd)
    mkdir -p "$SANDBOX/etc/datacrumbs" "$SANDBOX/run" "$SANDBOX/traces" "$SANDBOX/log"
    chmod 0755 "$SANDBOX" "$SANDBOX/etc" "$SANDBOX/etc/datacrumbs" "$SANDBOX/run"
    SANDBOX_CONF=$SANDBOX/etc/datacrumbs/datacrumbs.conf
    cat >"$SANDBOX_CONF" <<CONF
# Sandbox configuration written by tests/sandbox/sandbox.sh
secret_file = $SANDBOX/etc/datacrumbs/probe-secret
signer_socket = $SANDBOX/run/sign.sock
run_dir = $SANDBOX/run
trace_dir = $SANDBOX/traces
log_dir = $SANDBOX/log
client_lib = $SANDBOX_BUILD/src/client/libdatacrumbs_client.so.0
service_manager = direct
scheduler = none
CONF
    # Programs by name, straight from the build tree.
    SANDBOX_BIN=$SANDBOX/bin
    mkdir -p "$SANDBOX_BIN"
    for p in "$SANDBOX_BUILD"/src/*/datacrumbs*; do
        [ -f "$p" ] && [ -x "$p" ] && ln -sf "$p" "$SANDBOX_BIN/"
    done
    export SANDBOX SANDBOX_CONF SANDBOX_BIN SANDBOX_BUILD
}

# sandbox_destroy: stop what the sandbox started (by pid file) and remove it.
sandbox_destroy() {
    case ${SANDBOX:-} in /?*/*) ;; *) return 0 ;; esac
    [ -d "$SANDBOX" ] || return 0
    local pf pid
    for pf in "$SANDBOX"/run/*.pid; do
        [ -f "$pf" ] || continue
        pid=$(cat "$pf")
        case $pid in '' | *[!0-9]*) continue ;; esac
        [ "$pid" -gt 1 ] && kill "$pid" 2>/dev/null
    done
    rm -rf -- "$SANDBOX"
}
