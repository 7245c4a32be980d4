#!/bin/bash
# test_trace_runtime.sh BUILD SRC - datacrumbs_trace on traces the real runtime made here (root,
# BPF): a dd with a known count and block size and tr_writer (known bytes to known files from
# two processes, through fork) give exactly their counts, bytes and paths; merging the traces of
# a two-"host" run (the same pids on both) keeps every event exactly once and the processes
# apart; the runtime's own checker accepts the merged trace.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
TR=$BUILD/src/trace/datacrumbs_trace
WRITER=$BUILD/tests/integration/trace/tr_writer
[ -x "$TR" ] && [ -x "$WRITER" ] || skip_all "datacrumbs_trace or tr_writer is not built"
command -v jq >/dev/null || skip_all "jq is not installed"
rt_require
rt_setup
trap 'rt_cleanup; rm -rf -- "$T_TMP"' EXIT
P=$RT/pub
mkdir -p "$P/w"
chmod 0777 "$P/w"
jqok() { jq -e "$@" >/dev/null; }
jqv() { jq -r "$1" "$RT/s.json"; }
file_field() { jq -r --arg p "$1" --arg c "$2" ".files[] | select(.path == \$p and .cat == \$c) | .$3" "$RT/s.json"; }

check "probe file written" rt_probe "$RT/p.json.gz" root --uprobe "proc:$RT_LIBC:fork"
if ! rt_start "$RT/p.json.gz" tr1 root; then
    [ "$RT_RC" -eq 5 ] && skip_all "the kernel refused the BPF programs: $(tail -1 "$RT/daemon.err")"
    not_ok "daemon starts (exit $RT_RC)"
    cat "$RT/daemon.err"
    finish
    exit 1
fi
ok "daemon ready"
check_rc "wrapped dd: 8 blocks of 4096" 0 "$RT_WRAP" --config "$RT_CONF" \
    dd if=/dev/zero of="$P/dd.bin" bs=4096 count=8 status=none
check_rc "wrapped tr_writer (two processes)" 0 "$RT_WRAP" --config "$RT_CONF" "$WRITER" "$P/w"
sleep 0.3
rt_stop
check "daemon exit 0" [ "$RT_RC" -eq 0 ]
TRACE=$(rt_summary_get tr1 trace_file)
HOST=$(hostname)
HOST=${HOST//[^A-Za-z0-9_.-]/_}

check_rc "summary of the real trace: exit 0" 0 "$TR" summary --json "$TRACE"
printf '%s\n' "$OUT" >"$RT/s.json"
check "events: as many as the daemon wrote" [ "$(jqv .events)" = "$(rt_summary_get tr1 events)" ]
check "run id from the file name" [ "$(jqv '.run.ids | join(",")')" = tr1 ]
check "user" [ "$(jqv '.run.users | join(",")')" = root ]
check "host" [ "$(jqv '.run.hosts | join(",")')" = "$HOST" ]
check "input complete" [ "$(jqv '.inputs[0].status')" = complete ]
# dd: 8 reads of /dev/zero and 8 writes of the output, 4096 bytes each, through libc and the
# system calls under it. dd moves the files it opens onto descriptors 0 and 1 with dup2, which
# the test probe file traces without arguments: its I/O is on <stdin> and <stdout>.
check "dd output: one libc open" [ "$(file_field "$P/dd.bin" libc opens)" = 1 ]
check "dd input: one libc open" [ "$(file_field /dev/zero libc opens)" = 1 ]
DD=$("$TR" cat --json --name open --cat libc "$TRACE" | jq -r --arg p "$P/dd.bin" 'select(.args.file == $p) | .pid')
proc_field() { jq -r --argjson pid "${DD:-0}" --arg c "$1" ".processes[] | select(.pid == \$pid and .cat == \$c) | .$2" "$RT/s.json"; }
check "dd: 32768 bytes written (libc)" [ "$(proc_field libc bytes_written)" = 32768 ]
check "dd: 32768 bytes read (libc)" [ "$(proc_field libc bytes_read)" = 32768 ]
check "dd: 32768 bytes written (syscalls)" [ "$(proc_field sys bytes_written)" = 32768 ]
check "dd: 8 writes of 4096 on <stdout>" [ "$(file_field "<stdout>" libc writes)/$(file_field "<stdout>" libc bytes_written)" = 8/32768 ]
check "dd: 8 reads of 4096 on <stdin>" [ "$(file_field "<stdin>" libc reads)/$(file_field "<stdin>" libc bytes_read)" = 8/32768 ]
check "dd: the 4096-byte accesses in the size histogram" [ "$(jqv '.access_sizes.write[2]')" -ge 16 ]
# tr_writer: a.bin 4000 bytes written (1000 by the child, through the descriptor it
# inherited across fork), 4000 read back; b.bin 7000 written by the child.
check "a.bin: 4000 bytes written" [ "$(file_field "$P/w/a.bin" libc bytes_written)" = 4000 ]
check "a.bin: 5 writes (3 by the parent, 2 by the child)" [ "$(file_field "$P/w/a.bin" libc writes)" = 5 ]
check "a.bin: 4000 bytes read back" [ "$(file_field "$P/w/a.bin" libc bytes_read)" = 4000 ]
check "a.bin: 2 opens" [ "$(file_field "$P/w/a.bin" libc opens)" = 2 ]
check "a.bin: the same through the syscalls" [ "$(file_field "$P/w/a.bin" sys bytes_written)" = 4000 ]
check "b.bin: 7000 bytes written" [ "$(file_field "$P/w/b.bin" libc bytes_written)" = 7000 ]
check "b.bin: 1 open, 1 write" [ "$(file_field "$P/w/b.bin" libc opens)/$(file_field "$P/w/b.bin" libc writes)" = 1/1 ]
CHILD=$(jq -r --arg p "$P/w/b.bin" '.files[] | select(.path == $p)' "$RT/s.json" >/dev/null;
    "$TR" cat --json --name open --cat libc "$TRACE" | jq -r --arg p "$P/w/b.bin" 'select(.args.file == $p) | .pid')
check "the child's process: 8000 bytes written (a.bin 1000 + b.bin 7000)" \
    [ "$(jq -r --argjson pid "${CHILD:-0}" '.processes[] | select(.pid == $pid and .cat == "libc") | .bytes_written' "$RT/s.json")" = 8000 ]
check "the fork is in the trace" [ "$(jq -r '.functions[] | select(.name == "fork") | .calls' "$RT/s.json")" = 1 ]
check "text summary lists the paths" bash -c "'$TR' summary '$TRACE' | grep -q '$P/w/b.bin'"

# A two-"host" run: the same trace as nodeA and nodeB (same pids on both).
cp "$TRACE" "$RT/trace-root-tr2-nodeA.pfw.gz"
cp "$TRACE" "$RT/trace-root-tr2-nodeB.pfw.gz"
N=$(jqv .events)
check_rc "merge two hosts: exit 0" 0 "$TR" merge -o "$RT/merged.pfw.gz" "$RT/trace-root-tr2-nodeA.pfw.gz" "$RT/trace-root-tr2-nodeB.pfw.gz"
check "the runtime's checker accepts the merged trace" rt_valid_trace "$RT/merged.pfw.gz"
"$TR" summary --json "$RT/merged.pfw.gz" >"$RT/m.json"
check "merged: every event of both" [ "$(jq .events "$RT/m.json")" = $((2 * N)) ]
NPROC=$(jq '[.processes[] | "\(.host) \(.pid)"] | unique | length' "$RT/s.json")
check "merged: the processes of both hosts kept apart" [ "$(jq '[.processes[] | "\(.host) \(.pid)"] | unique | length' "$RT/m.json")" = $((2 * NPROC)) ]
check "merged: hosts nodeA and nodeB" [ "$(jq -c .run.hosts "$RT/m.json")" = '["nodeA","nodeB"]' ]
check "merged: the same files and bytes, twice" [ "$(jq '[.files[] | select(.cat == "libc") | .bytes_written] | add' "$RT/m.json")" = $((2 * $(jq '[.files[] | select(.cat == "libc") | .bytes_written] | add' "$RT/s.json"))) ]
"$TR" cat --json "$RT/merged.pfw.gz" >"$RT/merged.jsonl"
{
    "$TR" cat --json "$TRACE" | jq -c 'del(.id) | .pid += 10000000 | .tid += 10000000'
    "$TR" cat --json "$TRACE" | jq -c 'del(.id) | .pid += 20000000 | .tid += 20000000'
} | sort >"$RT/in.sorted"
jq -c 'select(.ph == "X") | del(.id)' "$RT/merged.jsonl" | sort >"$RT/out.sorted"
check "merged: every event exactly once" cmp -s "$RT/in.sorted" "$RT/out.sorted"
check "merged: ordered by start time" jqok -s '[.[] | select(.ph == "X") | .ts] as $t | $t == ($t | sort)' "$RT/merged.jsonl"
check_rc "report of the real trace: exit 0" 0 "$TR" report -o "$RT/r.html" "$TRACE"
check "the report names the files" grep -q "$P/w/b.bin" "$RT/r.html"
finish
