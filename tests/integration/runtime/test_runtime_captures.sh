#!/bin/bash
# test_runtime_captures.sh BUILD SRC - string arguments hold what the call saw: an output
# buffer is read when the call returns, bounded by what it returned (cat's read of a file of
# known content shows exactly that content; its final 0-byte read shows nothing, not stale
# bytes), and a path that was not paged in at the call's entry is still read (not a hex
# address).
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_setup
trap 'rt_cleanup; rm -rf -- "$T_TMP"' EXIT
COLD=$BUILD/tests/integration/runtime/rt_coldpath
P=$RT/pub
RUN=cap$$

check "probe file with buffer captures" "$RT_MKPROBE" --buffers --secret "$RT/etc/secret" \
    --out "$RT/p.json.gz" --user root --syscalls sys:openat,read \
    --uprobe "libc:$RT_LIBC:read,open,open64,openat"
printf 'known-content-42\n' >"$P/known.txt"
printf '%s\0' "$P/known.txt" >"$P/pathfile"
rt_start_first "$RT/p.json.gz" "$RUN" root
DATACRUMBS_RUN_ID=$RUN "$RT_WRAP" --config "$RT_CONF" cat "$P/known.txt" >/dev/null
# Drop the pages of pathfile from the cache too, so the path is read from disk at the call.
dd of="$P/pathfile" oflag=nocache conv=notrunc,fdatasync count=0 status=none 2>/dev/null
DATACRUMBS_RUN_ID=$RUN "$RT_WRAP" --config "$RT_CONF" "$COLD" "$P/pathfile"
check "the cold-path program ran" [ $? -eq 0 ]
rt_stop
T=$(rt_summary_get "$RUN" trace_file)
check "the trace is valid" rt_valid_trace "$T"
EV=$("$RT_TRACECAT" "$T")
CATPID=$(grep "filename=$P/known.txt" <<<"$EV" | grep -v coldpath | head -1 | sed 's/^pid=\([0-9]*\) .*/\1/')
R=$(grep "^pid=$CATPID " <<<"$EV" | grep 'cat=sys name=read ')
RAW=$(zcat "$T" | grep '"name":"read","cat":"sys"')
contains "cat's read holds exactly the file's content" "$RAW" '"buf":"known-content-42\n","count":131072,"ret":17'
lacks "and nothing more" "$RAW" '"buf":"known-content-42\n\u0000'
contains "its last read (0 bytes) holds nothing" "$R" 'buf= count=131072 ret=0'
COLDPID=$(grep -F "$COLD" <<<"$EV" | head -1 | sed 's/^pid=\([0-9]*\) .*/\1/')
[ -n "$COLDPID" ] || COLDPID=$(grep "filename=$P/pathfile" <<<"$EV" | head -1 | sed 's/^pid=\([0-9]*\) .*/\1/')
C=$(grep "^pid=$COLDPID " <<<"$EV")
check "the cold path's openat names the file (two opens of known.txt: cat's and this one)" \
    [ "$(grep -c "filename=$P/known.txt" <<<"$EV")" -ge 2 ]
lacks "no file name is shown as an address" "$(grep -E 'cat=sys name=openat|name=open' <<<"$EV")" 'filename=0x'
finish
