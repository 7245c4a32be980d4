#!/bin/bash
# demo-flow.sh BUILD_DIR - the runtime end to end on this machine, in a throwaway directory:
# create a secret, sign a probe file (libc read/write/open/openat and the matching syscalls),
# start datacrumbs, run "datacrumbs_wrap dd ...", stop it, and summarise the trace.
# Needs root and a kernel with BPF uprobes (exit 77 with the reason otherwise). Called by
# scripts/demo; DC_DEMO_KEEP=1 keeps the directory.
set -eu
BUILD=$(cd "${1:?usage: demo-flow.sh BUILD_DIR}" && pwd)
DAEMON=$BUILD/src/runtime/datacrumbs
MKPROBE=$BUILD/src/runtime/dc_rt_mkprobe
TRACECAT=$BUILD/src/runtime/dc_rt_tracecat
WRAP=$BUILD/src/wrap/datacrumbs_wrap
SECRET_TOOL=$BUILD/src/secret/datacrumbs_secret
CLIENT=$BUILD/src/client/libdatacrumbs_client.so.0

skip() { echo "demo-flow: skipped: $*" >&2; exit 77; }
[ -x "$DAEMON" ] || skip "the runtime is not built (needs clang, bpftool, libbpf-dev)"
[ -x "$WRAP" ] && [ -f "$CLIENT" ] || skip "datacrumbs_wrap or the client library is not built"
[ "$(id -u)" -eq 0 ] || skip "the runtime loads BPF programs: run as root"
[ -r /sys/kernel/btf/vmlinux ] || skip "the kernel has no BTF (/sys/kernel/btf/vmlinux)"
LIBC=$(ldd /bin/dd | awk '/libc\.so/ {print $3; exit}')

D=$(mktemp -d "${TMPDIR:-/tmp}/datacrumbs-demo.XXXXXX")
PID=
cleanup() {
    [ -n "$PID" ] && kill -INT "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    if [ "${DC_DEMO_KEEP:-0}" = 1 ]; then echo "kept $D"; else rm -rf -- "$D"; fi
}
trap cleanup EXIT
chmod 0755 "$D"
mkdir -p "$D/etc" "$D/run" "$D/traces"
CONF=$D/etc/datacrumbs.conf
cat >"$CONF" <<CONF
secret_file = $D/etc/probe-secret
run_dir = $D/run
trace_dir = $D/traces/%Y/%m/%d
client_lib = $CLIENT
CONF
say() { printf '\n$ %s\n' "$*"; }

say datacrumbs_secret --config "$CONF" create
if [ -x "$SECRET_TOOL" ]; then
    "$SECRET_TOOL" --config "$CONF" create
else
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$D/etc/probe-secret")
    chmod 0400 "$D/etc/probe-secret"
    echo "(datacrumbs_secret is not built: wrote 64 random hex characters, mode 0400)"
fi

say "sign a probe file for $(id -un): libc read/write/open/openat and the syscalls"
"$MKPROBE" --secret "$D/etc/probe-secret" --out "$D/probes.json.gz" --user "$(id -un)" \
    --syscalls sys:openat,read,write,close \
    --uprobe "libc:$LIBC:read,write,open,open64,openat,close"
"$DAEMON" --config "$CONF" --check "$D/probes.json.gz" demo | sed 's/^/  /'

say datacrumbs "$D/probes.json.gz" demo "&"
"$DAEMON" --config "$CONF" "$D/probes.json.gz" demo &
PID=$!
for _ in $(seq 200); do
    [ -f "$D/run/datacrumbs-demo.ready" ] && break
    kill -0 "$PID" 2>/dev/null || { wait "$PID" || exit $?; }
    sleep 0.05
done
[ -f "$D/run/datacrumbs-demo.ready" ] || { echo "demo-flow: the daemon did not become ready" >&2; exit 1; }

say datacrumbs_wrap dd if=/dev/zero of="$D/out.bin" bs=1M count=4 status=none
"$WRAP" --config "$CONF" dd if=/dev/zero of="$D/out.bin" bs=1M count=4 status=none
say dd if=/dev/zero of="$D/untraced.bin" bs=1M count=4 status=none "  # without the library"
dd if=/dev/zero of="$D/untraced.bin" bs=1M count=4 status=none

say kill -INT "$PID"
kill -INT "$PID"
wait "$PID"
PID=
TRACE=$(sed -n 's/^  "trace_file": "\(.*\)",$/\1/p' "$D/run/datacrumbs-demo.json")
sed -n 's/^  "\(events\|drops\|trace_file\|kernel_events\)": \(.*\),$/  \1: \2/p' "$D/run/datacrumbs-demo.json"

say "zcat $(basename "$TRACE") | head -3"
zcat "$TRACE" | head -3 | cut -c1-200
echo
echo "events by category and function:"
"$TRACECAT" "$TRACE" | awk '{print $3, $4}' | sed 's/cat=//; s/name=//' | sort | uniq -c |
    sort -rn | sed 's/^/  /'
echo
echo "dd's own files in the trace:"
"$TRACECAT" "$TRACE" | grep -E "(file|filename)=$D/" | cut -d' ' -f1,3,4,6- | sed 's/^/  /'
if "$TRACECAT" "$TRACE" | grep -q untraced.bin; then
    echo "demo-flow: the untraced dd is in the trace" >&2
    exit 1
fi
echo
echo "the dd run without the library is not in the trace; every line is valid JSON:" \
    "$("$TRACECAT" --count "$TRACE") events"
