# shellcheck shell=bash
# nodelib.sh - shared by the node control tests: the programs, a private temp dir that other
# users may traverse, node configurations and a clean-up that stops what the tests started.
# Usage: . nodelib.sh BUILD_DIR SOURCE_DIR
set -u

BUILD=${1:?build dir}
SRC=${2:?source dir}
. "$SRC/tests/integration/lib.sh"

NODECTL=$BUILD/src/nodectl/datacrumbs_nodectl
RUN=$BUILD/src/run/datacrumbs_run
STOP=$BUILD/src/stop/datacrumbs_stop
STUB=$BUILD/tests/integration/nodectl/dc_test_stub_daemon

[ "$(id -u)" = 0 ] || skip_all "node control runs as root; run the tests as root"
for exe in "$NODECTL" "$RUN" "$STOP" "$STUB"; do
    [ -x "$exe" ] || skip_all "$exe is not built"
done

# Node control wants root-owned directories that nobody else may write; users (nobody) must
# be able to reach their probe files in here.
T=$T_TMP
chmod 0755 "$T"

# Every pid a test started; killed (numeric and > 1 only) at exit, with the runtimes that
# node control left behind in the run dirs of this test.
T_PIDS=""
nodelib_cleanup() {
    local p pf
    for pf in "$T"/*/run/*.pid "$T"/run/*.pid; do
        [ -f "$pf" ] || continue
        p=$(cat "$pf" 2>/dev/null)
        case $p in '' | *[!0-9]*) continue ;; esac
        # Only a process still running the stub or the runtime named in our configurations.
        if [ "$p" -gt 1 ] && [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$(readlink -f "$STUB")" ]; then
            kill -KILL "$p" 2>/dev/null
        fi
    done
    for p in $T_PIDS; do
        case $p in '' | *[!0-9]*) continue ;; esac
        [ "$p" -gt 1 ] && kill -KILL "$p" 2>/dev/null
    done
    rm -rf -- "$T_TMP"
}
trap nodelib_cleanup EXIT

# new_secret FILE: 64 lowercase hex characters, no newline, root 0400.
new_secret() {
    rm -f -- "$1"
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$1"
    chmod 0400 "$1"
}

# node_make DIR [KEY=VALUE...]: DIR/datacrumbs.conf for a node running the stub (direct mode),
# with its own run, log and trace dirs and secret. Extra settings are appended.
node_make() {
    local d=$1
    shift
    mkdir -p "$d/run" "$d/log" "$d/traces" "$d/etc"
    chmod 0755 "$d" "$d/run" "$d/log" "$d/traces" "$d/etc"
    [ -f "$d/etc/secret" ] || new_secret "$d/etc/secret"
    {
        echo "secret_file = $d/etc/secret"
        echo "run_dir = $d/run"
        echo "log_dir = $d/log"
        echo "trace_dir = $d/traces"
        echo "runtime_daemon = ${NODE_DAEMON:-$STUB}"
        echo "service_manager = direct"
        echo "scheduler = none"
        echo "ready_timeout = 3"
        echo "stop_timeout = 2"
        for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done
    } >"$d/datacrumbs.conf"
}

# probe NAME WORD [OWNER]: a probe file for the stub that behaves as WORD says (see stub_daemon.c).
probe() {
    printf '%s\n' "$2" >"$T/$1"
    chmod 0600 "$T/$1"
    [ -n "${3:-}" ] && chown "$3" "$T/$1"
    echo "$T/$1"
}

# alive PID: the process exists and is not a zombie.
alive() {
    local s
    s=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

# leftovers DIR: the names of what a run left in DIR/run (an empty string when nothing).
leftovers() {
    (cd "$1/run" && ls -A | grep -v '\.json$' | grep -v '^stub-fds-' | tr '\n' ' ')
}
