#!/bin/bash
# test_runtime_budget.sh BUILD SRC - a run's trace has a byte cap (runtime_max_trace_bytes,
# --max-trace-bytes), and never takes the trace file system into its root reserve: a real small
# ext4 (5% reserved) as trace_dir, filled by a traced dd of many small writes. Either way the
# trace stays a valid gzip stream and JSON array, the summary says why it stopped, and what was
# not written is counted. The daemon runs without CAP_SYS_RESOURCE, as its unit does.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_setup
MNT=
FSPID=
cleanup() {
    [ -n "$FSPID" ] && kill "$FSPID" 2>/dev/null
    rt_cleanup
    [ -n "$MNT" ] && mountpoint -q "$MNT" && umount "$MNT"
    rm -rf -- "$T_TMP"
}
trap cleanup EXIT

# As datacrumbs@.service: no CAP_SYS_RESOURCE in the bounding set.
REAL_DAEMON=$RT_DAEMON
if setpriv --bounding-set=-sys_resource true 2>/dev/null; then
    RT_DAEMON=$RT/datacrumbs-nosysres
    printf '#!/bin/sh\nexec setpriv --bounding-set=-sys_resource --inh-caps=-sys_resource "%s" "$@"\n' "$REAL_DAEMON" >"$RT_DAEMON"
    chmod 0755 "$RT_DAEMON"
else
    echo "# setpriv cannot drop CAP_SYS_RESOURCE here: running the daemon with it"
fi

# summary_drop RUN KEY: a number from drop_reasons.
summary_drop() { jq -r ".drop_reasons.$2" "$RT/run/datacrumbs-$1.json"; }

check "probe file written" rt_probe "$RT/p.json.gz" root

# 1. The byte cap, from datacrumbs.conf.
CONF_MAIN=$RT_CONF
RT_CONF=$RT/etc/cap.conf
{ cat "$CONF_MAIN"; echo "runtime_max_trace_bytes = 256K"; } >"$RT_CONF"
rt_start_first "$RT/p.json.gz" cap1 root
ok "daemon with runtime_max_trace_bytes = 256K ready"
# CAP_SYS_RESOURCE is bit 24.
check "it runs without CAP_SYS_RESOURCE" [ $((0x$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$RT_PID/status") >> 24 & 1)) -eq 0 ]
# About 4 events per 16 bytes (libc and syscall read and write), some 13 bytes each in the
# trace: about 1 MB.
check_rc "traced dd of 20000 small writes runs to its end" 0 "$RT_WRAP" --config "$RT_CONF" \
    dd if=/dev/zero of=/dev/null bs=16 count=20000 status=none
rt_stop
check "cap: exit 0" [ "$RT_RC" -eq 0 ]
TRACE=$(rt_summary_get cap1 trace_file)
SIZE=$(stat -c %s "$TRACE")
echo "# trace $SIZE bytes"
check "cap: the trace is no larger than 256K" [ "$SIZE" -le 262144 ]
check "cap: and not far below it" [ "$SIZE" -gt 200000 ]
check "cap: the summary's trace_bytes is the file's size" [ "$(rt_summary_get cap1 trace_bytes)" = "$SIZE" ]
check "cap: valid gzip" gzip -t "$TRACE"
check "cap: valid trace (every line, the array closed)" rt_valid_trace "$TRACE"
check "cap: summary says why" [ "$(rt_summary_get cap1 truncated)" = "trace byte cap reached" ]
NW=$(summary_drop cap1 after_truncation)
check "cap: the events not written are counted" [ "$NW" -gt 20000 ]
check "cap: events in the summary are those in the file" [ "$(rt_summary_get cap1 events)" = "$("$RT_TRACECAT" --count "$TRACE")" ]
contains "cap: said when it happened" "$(cat "$RT/daemon.err")" "runtime_max_trace_bytes (262144): later events are counted, not written"

# The command line wins over the file; 0 is no cap.
if rt_start "$RT/p.json.gz" cap2 root --max-trace-bytes 0; then
    "$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of=/dev/null bs=16 count=5000 status=none
    rt_stop
    check "--max-trace-bytes 0: not truncated" [ "$(jq -r .truncated "$RT/run/datacrumbs-cap2.json")" = null ]
    check "--max-trace-bytes 0: nothing counted as not written" [ "$(summary_drop cap2 after_truncation)" = 0 ]
else
    not_ok "daemon with --max-trace-bytes 0 starts"
fi
check_rc "--max-trace-bytes 100: refused" 2 "$REAL_DAEMON" --config "$RT_CONF" --max-trace-bytes 100 "$RT/p.json.gz" x root
contains "--max-trace-bytes 100: says why" "$ERR" "is not a size of at least 4096"
echo "runtime_max_trace_bytes = 12X" >>"$RT_CONF"
check_rc "runtime_max_trace_bytes = 12X: refused" 3 "$REAL_DAEMON" --config "$RT_CONF" --check "$RT/p.json.gz" x root
contains "runtime_max_trace_bytes = 12X: names the key" "$ERR" "runtime_max_trace_bytes"
RT_CONF=$CONF_MAIN

# 2. A small ext4 with the usual 5% root reserve as trace_dir.
command -v mkfs.ext4 >/dev/null || { echo "# SKIP file system part: no mkfs.ext4"; finish; exit $?; }
IMG=$RT/fs.img
MNT=$RT/mnt
mkdir -p "$MNT"
truncate -s 16M "$IMG"
mkfs.ext4 -q -F -m 5 "$IMG" >/dev/null 2>&1 || { not_ok "mkfs.ext4 of a 16 MiB image"; finish; exit 1; }
if ! mount -o loop "$IMG" "$MNT" 2>"$RT/mount.err"; then
    MNT=
    echo "# SKIP file system part: cannot loop-mount an ext4 image: $(cat "$RT/mount.err")"
    [ "$T_N" -gt 0 ] && { finish; exit $?; }
    skip_all "no loop devices"
fi
ok "16 MiB ext4 with 5% reserved mounted at $MNT"
RESERVED=$(($(stat -f -c '%f - %a' "$MNT")))
check "the file system has a root reserve" [ "$RESERVED" -gt 0 ]
# Others' files leave 2 MiB for users, so that a short traced dd fills it.
BS=$(stat -f -c %S "$MNT")
fallocate -l $(($(stat -f -c %a "$MNT") * BS - 2 * 1048576)) "$MNT/others"
RT_CONF=$RT/etc/fs.conf
sed "s|^trace_dir = .*|trace_dir = $MNT/traces|" "$CONF_MAIN" >"$RT_CONF"
echo "runtime_min_free_space = 512K" >>"$RT_CONF"
if rt_start "$RT/p.json.gz" full1 root; then
    ok "daemon with trace_dir on the small file system ready"
    # What an unprivileged user has left (f_bavail), the lowest seen while tracing.
    (
        low=
        while :; do
            a=$(setpriv --reuid=nobody --regid=nogroup --clear-groups stat -f -c %a "$MNT")
            if [ -z "$low" ] || [ "$a" -lt "$low" ]; then low=$a; echo "$low" >"$RT/low"; fi
            sleep 0.05
        done
    ) &
    FSPID=$!
    # About 4 MB of trace: more than the space left and the root reserve together.
    "$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of=/dev/null bs=16 count=120000 status=none
    sleep 0.5
    kill "$FSPID"
    wait "$FSPID" 2>/dev/null
    FSPID=
    LOW=$(cat "$RT/low")
    echo "# lowest f_bavail seen while tracing: $LOW blocks; reserve $RESERVED blocks"
    check "users were never left without space (f_bavail > 0 all along)" [ "$LOW" -gt 0 ]
    USE=$(setpriv --reuid=nobody --regid=nogroup --clear-groups df --output=pcent "$MNT" | tail -1 | tr -dc 0-9)
    echo "# df Use% as nobody: $USE"
    check "df as a user: Use% < 100" [ "$USE" -lt 100 ]
    check "the reserve is untouched" [ "$(($(stat -f -c '%f - %a' "$MNT")))" -ge "$RESERVED" ]
    check "the daemon is still running (it stopped writing, not tracing)" kill -0 "$RT_PID"
    rt_stop
    check "full: exit 0" [ "$RT_RC" -eq 0 ]
    TRACE=$(rt_summary_get full1 trace_file)
    case $TRACE in "$MNT"/*) ok "trace on the small file system" ;; *) not_ok "trace on the small file system ($TRACE)" ;; esac
    check "full: valid gzip" gzip -t "$TRACE"
    check "full: valid trace (every line, the array closed)" rt_valid_trace "$TRACE"
    check "full: summary says why" [ "$(rt_summary_get full1 truncated)" = "file system nearly full" ]
    check "full: the events not written are counted" [ "$(summary_drop full1 after_truncation)" -gt 0 ]
    check "full: f_bavail still > 0 after the end" [ "$(stat -f -c %a "$MNT")" -gt 0 ]
    contains "full: said when it happened" "$(cat "$RT/daemon.err")" "bytes left for unprivileged users"
else
    not_ok "daemon with trace_dir on the small file system starts (exit $RT_RC)"
    cat "$RT/daemon.err"
fi
RT_CONF=$CONF_MAIN
finish
