# rt_lib.sh - shared by the runtime's integration tests (bash; source after lib.sh).
# A private "system" in $T_TMP: secret, datacrumbs.conf, run and trace dirs; the daemon is
# started and stopped by PID. Needs root and a kernel with BPF uprobes and BTF.

BUILD=$(cd "$BUILD" && pwd)
RT_DAEMON=$BUILD/src/runtime/datacrumbs
RT_MKPROBE=$BUILD/src/runtime/dc_rt_mkprobe
RT_TRACECAT=$BUILD/src/runtime/dc_rt_tracecat
RT_WRAP=$BUILD/src/wrap/datacrumbs_wrap
RT_CLIENT=$BUILD/src/client/libdatacrumbs_client.so.0
RT_PID=
RT_SIGNER_PID=

# rt_require: skip (77) with the reason when this machine cannot run the daemon for real.
rt_require() {
    [ -x "$RT_DAEMON" ] || skip_all "the runtime is not built (DC_WITH_RUNTIME=OFF or no clang/bpftool)"
    [ -x "$RT_WRAP" ] && [ -f "$RT_CLIENT" ] || skip_all "datacrumbs_wrap or the client library is not built"
    [ "$(id -u)" -eq 0 ] || skip_all "needs root (loads BPF programs)"
    [ -r /sys/kernel/btf/vmlinux ] || skip_all "no kernel BTF (/sys/kernel/btf/vmlinux)"
    RT_LIBC=$(ldd /bin/dd | awk '/libc\.so/ {print $3; exit}')
    [ -f "$RT_LIBC" ] || skip_all "cannot find the C library of dd"
    # The ASan build's programs must not complain about the preloaded client library.
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
}

# rt_require_strace WHAT: strace is the ground truth of WHAT; skip without it. LeakSanitizer
# cannot run under ptrace: the sanitizer builds' programs run without it.
rt_require_strace() {
    command -v strace >/dev/null || skip_all "no strace: the ground truth of $1"
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}

# rt_setup: the private system under $T_TMP (world-traversable, so "nobody" can run things).
rt_setup() {
    RT=$T_TMP
    chmod 0755 "$RT"
    mkdir -p "$RT/etc" "$RT/run" "$RT/traces" "$RT/pub"
    chmod 1777 "$RT/pub"
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RT/etc/secret"
    chmod 0400 "$RT/etc/secret"
    RT_CONF=$RT/etc/datacrumbs.conf
    cat >"$RT_CONF" <<CONF
secret_file = $RT/etc/secret
run_dir = $RT/run
trace_dir = $RT/traces/%Y
client_lib = $RT_CLIENT
CONF
}

# rt_probe OUT USER [extra dc_rt_mkprobe args]: the usual dd probe file (libc and syscalls).
rt_probe() {
    local out=$1 user=$2
    shift 2
    "$RT_MKPROBE" --secret "$RT/etc/secret" --out "$out" --user "$user" \
        --syscalls sys:openat,read,write,close,pwrite64 \
        --uprobe "libc:$RT_LIBC:read,write,open,open64,openat,close,pwrite64" "$@"
}

# rt_start PROBE RUN_ID [USER [daemon options...]]: start in the background, wait for ready.
rt_start() {
    local probe=$1 run=$2 user=${3:-} i
    shift 3 2>/dev/null || shift $#
    rm -f "$RT/daemon.err"
    # RT_NOTIFY: the path of a notification socket (as systemd gives NOTIFY_SOCKET).
    if [ -n "$user" ]; then
        env ${RT_NOTIFY:+NOTIFY_SOCKET=$RT_NOTIFY} "$RT_DAEMON" --config "$RT_CONF" "$@" "$probe" "$run" "$user" >"$RT/daemon.out" 2>"$RT/daemon.err" &
    else
        env ${RT_NOTIFY:+NOTIFY_SOCKET=$RT_NOTIFY} "$RT_DAEMON" --config "$RT_CONF" "$@" "$probe" "$run" >"$RT/daemon.out" 2>"$RT/daemon.err" &
    fi
    RT_PID=$!
    for i in $(seq 200); do
        [ -f "$RT/run/datacrumbs-$run.ready" ] && return 0
        kill -0 "$RT_PID" 2>/dev/null || break
        sleep 0.05
    done
    wait "$RT_PID"
    RT_RC=$?
    RT_PID=
    return 1
}

# rt_start_first PROBE RUN_ID [USER [daemon options...]]: rt_start for a test's first run:
# skip (77) when the kernel refuses the BPF programs, fail the test on any other refusal.
rt_start_first() {
    rt_start "$@" && return 0
    [ "$RT_RC" -eq 5 ] && skip_all "the kernel refused the BPF programs: $(tail -1 "$RT/daemon.err")"
    not_ok "daemon starts (exit $RT_RC)"
    cat "$RT/daemon.err"
    finish
    exit 1
}

# rt_stop: SIGINT, wait; RT_RC is the daemon's exit status.
rt_stop() {
    [ -n "$RT_PID" ] || return 1
    kill -INT "$RT_PID"
    wait "$RT_PID"
    RT_RC=$?
    RT_PID=
}

# rt_signer: the signing service from the build tree on a private socket, with the shipped
# probe policy, for tests that make probe files the product's way. Sets RT_CFG (the
# configurator; run it with --config "$RT_CONF").
rt_signer() {
    local signer=$BUILD/src/sign_probes/datacrumbs_sign_probes
    RT_CFG=$BUILD/src/probe_configurator/datacrumbs_probe_configurator
    [ -x "$signer" ] && [ -x "$RT_CFG" ] || skip_all "the signer or the configurator is not built"
    cp "$SRC/etc/datacrumbs/probe-policy" "$RT/etc/probe-policy"
    chmod 0644 "$RT/etc/probe-policy"
    cat >>"$RT_CONF" <<CONF
signer_socket = $RT/run/sign.sock
probe_policy = $RT/etc/probe-policy
probe_validity = 1d
CONF
    "$signer" --config "$RT_CONF" --socket "$RT/run/sign.sock" --foreground >"$RT/signer.log" 2>&1 &
    RT_SIGNER_PID=$!
    for _ in $(seq 400); do
        grep -q 'ready on' "$RT/signer.log" 2>/dev/null && return 0
        kill -0 "$RT_SIGNER_PID" 2>/dev/null || break
        sleep 0.05
    done
    not_ok "the signer starts"
    cat "$RT/signer.log"
    finish
    exit 1
}

# rt_summary_get RUN_ID KEY: a top-level number or string of the summary JSON.
rt_summary_get() {
    sed -n "s/^  \"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$RT/run/datacrumbs-$1.json"
}

# rt_valid_trace FILE: a complete gzip stream, "[", valid events with consecutive ids, "]".
rt_valid_trace() {
    "$RT_TRACECAT" --count "$1" >/dev/null
}

rt_cleanup() {
    if [ -n "${RT_SIGNER_PID:-}" ]; then
        kill "$RT_SIGNER_PID" 2>/dev/null
        wait "$RT_SIGNER_PID" 2>/dev/null
        RT_SIGNER_PID=
    fi
    if [ -n "${RT_PID:-}" ]; then
        kill -INT "$RT_PID" 2>/dev/null
        wait "$RT_PID" 2>/dev/null
    fi
}
