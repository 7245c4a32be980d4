# shellcheck shell=bash
# shellcheck disable=SC2034  # variables used by the scripts that source this file
# common.sh - sourced by the SLURM integration and system tests (after tests/integration/lib.sh):
# the built programs, and a private DataCrumbs "node" (configuration, secret, directories) whose
# runtime is the real daemon or tests/integration/slurm/stub_daemon.
#   . common.sh BUILD_DIR SOURCE_DIR

B=$(cd "${1:?build dir}" && pwd)
S=$(cd "${2:?source dir}" && pwd)
HOOK=$B/src/slurm_hook/datacrumbs_slurm_hook
SERVICE_WRAPPER=$B/src/service_wrapper/datacrumbs_service_wrapper
DC_SBATCH=$B/src/sbatch/datacrumbs_sbatch
DC_SALLOC=$B/src/salloc/datacrumbs_salloc
DC_WRAP=$B/src/wrap/datacrumbs_wrap
SPANK_SO=$B/src/spank/datacrumbs.so
STUB=$B/tests/integration/slurm/stub_daemon
MKPROBE=$B/tests/integration/slurm/slurm_mkprobe
REAL_DAEMON=$B/src/runtime/datacrumbs
RT_MKPROBE=$B/src/runtime/dc_rt_mkprobe
TEST_USER=nobody

# need FILE...: skip the whole test when a program is not built.
need() {
    local f
    for f in "$@"; do
        [ -x "$f" ] || skip_all "$f is not built"
    done
}

need_root() {
    [ "$(id -u)" -eq 0 ] || skip_all "needs root (node control starts the runtime as root)"
    id "$TEST_USER" >/dev/null 2>&1 || skip_all "no user $TEST_USER to run jobs as"
}

# as_user CMD...: run as the test user (no login shell, no supplementary groups).
as_user() {
    setpriv --reuid="$TEST_USER" --regid="$(id -g "$TEST_USER")" --clear-groups -- "$@"
}

# node_create DIR DAEMON [NAME]: a node's configuration in DIR/NAME.conf (default dc.conf),
# with its own run, trace and log directories under DIR/NAME; one secret per DIR.
node_create() {
    local dir=$1 daemon=$2 name=${3:-dc}
    mkdir -p "$dir/$name/run" "$dir/$name/traces" "$dir/$name/log"
    chmod 0755 "$dir" "$dir/$name" "$dir/$name/run" "$dir/$name/traces" "$dir/$name/log"
    if [ ! -e "$dir/secret" ]; then
        (umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$dir/secret")
        chmod 0400 "$dir/secret"
    fi
    SECRET=$dir/secret
    cat >"$dir/$name.conf" <<CONF
secret_file = $dir/secret
run_dir = $dir/$name/run
trace_dir = $dir/$name/traces
log_dir = $dir/$name/log
client_lib = $B/src/client/libdatacrumbs_client.so.0
runtime_daemon = $daemon
service_manager = direct
scheduler = slurm
ready_timeout = 30
stop_timeout = 15
CONF
}

# probe OUT [VALID_SECONDS [USER [SECRET]]]: a probe file signed with $SECRET (the last
# node_create's) that the stub daemon accepts, mode 0644.
probe() {
    "$MKPROBE" "${4:-$SECRET}" "$1" "${3:-$TEST_USER}" "${2:-86400}"
}

# real_probe SECRET OUT: a probe file for the real runtime (a few syscalls), for the test user.
real_probe() {
    "$RT_MKPROBE" --secret "$1" --out "$2" --user "$TEST_USER" \
        --syscalls posix:openat,read,write,close >/dev/null && chmod 0644 "$2"
}

# runtime_works DIR: can the real daemon attach here (root, BPF)? Prints why not.
runtime_works() {
    local dir=$1 pid rc=1
    [ -x "$REAL_DAEMON" ] && [ -x "$RT_MKPROBE" ] || { echo "the real runtime is not built"; return 1; }
    node_create "$dir" "$REAL_DAEMON" probe-rt
    real_probe "$dir/secret" "$dir/probe-rt/p.json.gz" || { echo "dc_rt_mkprobe failed"; return 1; }
    "$REAL_DAEMON" --config "$dir/probe-rt.conf" "$dir/probe-rt/p.json.gz" rtcheck "$TEST_USER" \
        >"$dir/probe-rt/log/out" 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        [ -e "$dir/probe-rt/run/datacrumbs-rtcheck.ready" ] && { rc=0; break; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ "$pid" -gt 1 ] && kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ $rc -eq 0 ] || echo "the runtime cannot trace here: $(tail -1 "$dir/probe-rt/log/out")"
    return $rc
}
