# Shared helpers of the datacrumbs_sign_probes integration tests (sourced, not run).
# Each test runs the signer from the build tree in a private temp dir with its own config,
# secret and socket, and kills only the processes it started.
set -u

BUILD=$1
SRC=$2
SIGNER=$BUILD/src/sign_probes/datacrumbs_sign_probes
CLIENT_BUILT=$BUILD/tests/integration/sign_probes/sign_client
SIGNER_PID=
FAILS=0

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }

[ -x "$SIGNER" ] || skip "$SIGNER is not built"
[ -x "$CLIENT_BUILT" ] || skip "$CLIENT_BUILT is not built"
[ "$(id -u)" = 0 ] || skip "needs root (the signer takes its callers' identities)"

# 0755 so that the unprivileged callers of the tests can reach the socket and the files.
T=$(mktemp -d /tmp/dc-sign-test.XXXXXX)
chmod 0755 "$T"
cleanup() {
    [ -n "$SIGNER_PID" ] && kill "$SIGNER_PID" 2>/dev/null && wait "$SIGNER_PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

# A copy every user can run (the build tree may sit below a private directory).
CLIENT=$T/sign_client
cp "$CLIENT_BUILT" "$CLIENT"
chmod 0755 "$CLIENT"

SOCK=$T/run/sign.sock
mkdir -m 0755 "$T/run"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$T/secret"
chmod 0400 "$T/secret"
cat > "$T/datacrumbs.conf" <<CONF
secret_file = $T/secret
signer_socket = $SOCK
max_runtime_functions = 100
probe_validity = 1d
admin_group = adm
CONF

# start_signer [options...]: start in the foreground, wait for "ready".
start_signer() {
    "$SIGNER" --config "$T/datacrumbs.conf" --socket "$SOCK" --foreground "$@" \
        > "$T/signer.log" 2>&1 &
    SIGNER_PID=$!
    # Up to 20 s: a sanitizer build on a busy machine reads /proc/kallsyms slowly.
    for _ in $(seq 400); do
        grep -q 'ready on' "$T/signer.log" 2>/dev/null && return 0
        kill -0 "$SIGNER_PID" 2>/dev/null || break
        sleep 0.05
    done
    cat "$T/signer.log"
    echo "FAIL: the signer did not start"
    exit 1
}

# After the signer exited: a sanitizer build reports leaks and errors on its stderr.
check_sanitizers() {
    if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T/signer.log" 2>/dev/null; then
        fail "sanitizer report from the signer: $(grep -m3 -E 'Sanitizer|runtime error' "$T/signer.log")"
    fi
}

stop_signer() {
    [ -n "$SIGNER_PID" ] && kill "$SIGNER_PID" 2>/dev/null
    [ -n "$SIGNER_PID" ] && wait "$SIGNER_PID" 2>/dev/null
    SIGNER_PID=
    check_sanitizers
}

# as USER CMD...: run CMD with USER's uid, gid and groups.
as() {
    local user=$1
    shift
    setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- "$@"
}

# expect_code NAME CODE RESPONSE: the answer is an error with that code.
expect_code() {
    if printf '%s' "$3" | grep -q "\"code\":$2[,}]"; then
        pass "$1 ($2)"
    else
        fail "$1: expected error $2, got: $(printf '%.400s' "$3")"
    fi
}

# expect_result NAME RESPONSE
expect_result() {
    if printf '%s' "$2" | grep -q '"result":'; then
        pass "$1"
    else
        fail "$1: expected a result, got: $(printf '%.400s' "$2")"
    fi
}

# The signer still answers (after every bad request).
expect_alive() {
    local r
    r=$(printf '{"jsonrpc":"2.0","id":0,"method":"status"}' | "$CLIENT" send "$SOCK")
    printf '%s' "$r" | grep -q '"key_fingerprint"' || fail "signer not answering after $1: $r"
}

vmhwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

finish() {
    stop_signer
    if [ "$FAILS" -gt 0 ]; then
        echo "--- signer log"
        tail -n 50 "$T/signer.log"
        echo "$FAILS check(s) failed"
        exit 1
    fi
    echo "all checks passed"
    exit 0
}
