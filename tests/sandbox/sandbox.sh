# sandbox.sh - a throwaway DataCrumbs "system" under one directory, for tests and the demo.
# Source it, then: sandbox_create DIR BUILD_DIR. Nothing touches /etc, /run or /var.
# Sets SANDBOX (the dir), SANDBOX_CONF (its datacrumbs.conf) and SANDBOX_BIN (the programs).
# As root, sandbox_secret makes its probe signing secret and sandbox_signer_start runs a
# signing service on its private socket; sandbox_destroy stops what it started.

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
probe_policy = $SANDBOX/etc/datacrumbs/probe-policy
CONF
    # The shipped probe policy (root's, not writable by others, as the signer requires).
    cp "$(dirname "${BASH_SOURCE[0]}")/../../etc/datacrumbs/probe-policy" "$SANDBOX/etc/datacrumbs/"
    chmod 0644 "$SANDBOX/etc/datacrumbs/probe-policy"
    # Programs by name, straight from the build tree.
    SANDBOX_BIN=$SANDBOX/bin
    mkdir -p "$SANDBOX_BIN"
    for p in "$SANDBOX_BUILD"/src/*/datacrumbs*; do
        [ -f "$p" ] && [ -x "$p" ] && ln -sf "$p" "$SANDBOX_BIN/"
    done
    export SANDBOX SANDBOX_CONF SANDBOX_BIN SANDBOX_BUILD
}

# sandbox_secret: the sandbox's own secret (datacrumbs_secret create; root, as on a node).
sandbox_secret() {
    "$SANDBOX_BUILD/src/secret/datacrumbs_secret" --config "$SANDBOX_CONF" create
}

# sandbox_signer_start [LOG]: the signing service on the sandbox's socket, in the foreground
# of a background job; waits until it listens. Sets SANDBOX_SIGNER_PID (also in run/signer.pid
# for sandbox_destroy). Returns 1 (with the log's tail) when it does not come up.
sandbox_signer_start() {
    local log=${1:-$SANDBOX/log/signer.log}
    "$SANDBOX_BUILD/src/sign_probes/datacrumbs_sign_probes" --config "$SANDBOX_CONF" \
        --socket "$SANDBOX/run/sign.sock" --foreground 2>"$log" &
    SANDBOX_SIGNER_PID=$!
    echo "$SANDBOX_SIGNER_PID" >"$SANDBOX/run/signer.pid"
    for _ in $(seq 200); do
        [ -S "$SANDBOX/run/sign.sock" ] && return 0
        kill -0 "$SANDBOX_SIGNER_PID" 2>/dev/null || break
        sleep 0.05
    done
    tail -3 "$log" >&2
    return 1
}

# sandbox_signer_stop: stop the signing service and wait for it.
sandbox_signer_stop() {
    local pid=${SANDBOX_SIGNER_PID:-}
    SANDBOX_SIGNER_PID=
    rm -f "$SANDBOX/run/signer.pid"
    case $pid in '' | *[!0-9]*) return 0 ;; esac
    [ "$pid" -gt 1 ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    return 0
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
        # Until it is gone (or a zombie of the caller's), 10 s at most: under a sanitizer
        # the exit itself takes a while.
        for _ in $(seq 200); do
            kill -0 "$pid" 2>/dev/null || break
            grep -q '^[0-9]* ([^)]*) Z' "/proc/$pid/stat" 2>/dev/null && break
            sleep 0.05
        done
    done
    rm -rf -- "$SANDBOX"
}
