#!/bin/bash
# test_trace_cli.sh BUILD SRC - datacrumbs_trace on synthetic traces in the runtime's format:
# the numbers summary gives, gzip and plain input, each kind of bad input with its exit code
# and file:line, cat's filters, and merge (every event exactly once, in time order, hosts
# kept apart).
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
TR=$BUILD/src/trace/datacrumbs_trace
GEN=$BUILD/tests/integration/trace/tr_gen
[ -x "$TR" ] && [ -x "$GEN" ] || skip_all "datacrumbs_trace or tr_gen is not built"
command -v jq >/dev/null || skip_all "jq is not installed"
D=$T_TMP
gen_val() { sed -n "s/^$1 //p" "$2"; }
jqok() { jq -e "$@" >/dev/null; }

# A trace with known totals.
"$GEN" --events 20000 --procs 3 --seed 1 "$D/trace-alice-77-nodeA.pfw.gz" >"$D/gen1.txt"
T1=$D/trace-alice-77-nodeA.pfw.gz
check_rc "summary of a complete trace: exit 0" 0 "$TR" summary "$T1"
contains "run id, user and host from the file name" "$OUT" "run:      77"
contains "user" "$OUT" "users:    alice"
contains "host" "$OUT" "hosts:    nodeA"
contains "a percentile column" "$OUT" "p99"
check_rc "summary --json: exit 0" 0 "$TR" summary --json "$T1"
J=$OUT
check "the JSON parses" jq -e . <<<"$J" >/dev/null
check "schema named" [ "$(jq -r .schema <<<"$J")" = datacrumbs_trace.summary/1 ]
check "events: all of them" [ "$(jq .events <<<"$J")" = "$(gen_val events "$D/gen1.txt")" ]
check "libc write calls" [ "$(jq '.functions[] | select(.cat=="libc" and .name=="write") | .calls' <<<"$J")" = "$(gen_val libc_write_calls "$D/gen1.txt")" ]
check "libc bytes written" [ "$(jq '.functions[] | select(.cat=="libc" and .name=="write") | .bytes_written' <<<"$J")" = "$(gen_val libc_write_bytes "$D/gen1.txt")" ]
check "libc bytes read" [ "$(jq '.functions[] | select(.cat=="libc" and .name=="read") | .bytes_read' <<<"$J")" = "$(gen_val libc_read_bytes "$D/gen1.txt")" ]
check "bytes per file add up to the libc total" [ "$(jq '[.files[] | select(.cat=="libc") | .bytes_written] | add' <<<"$J")" = "$(gen_val libc_write_bytes "$D/gen1.txt")" ]
check "opens per file add up" [ "$(jq '[.files[] | select(.cat=="libc") | .opens] | add' <<<"$J")" = "$(gen_val opens "$D/gen1.txt")" ]
check "3 processes per category" [ "$(jq '[.processes[] | select(.cat=="libc")] | length' <<<"$J")" = 3 ]
check "every path resolved" [ "$(jq .unresolved_calls <<<"$J")" = 0 ]
check "p50 <= p99 <= max" jqok '[.functions[] | .p50_us <= .p99_us and .p99_us <= .max_us] | all' <<<"$J"
check "input complete" [ "$(jq -r '.inputs[0].status' <<<"$J")" = complete ]
check "access sizes count every read and write" [ "$(jq '(.access_sizes.read | add) + (.access_sizes.write | add)' <<<"$J")" = "$(jq '[.functions[] | select(.name=="read" or .name=="write") | .calls] | add' <<<"$J")" ]
check "top files lists hold --top entries" [ "$("$TR" summary --json --top 2 "$T1" | jq '.top_files_by_bytes | length')" = 2 ]

# Plain (not gzip'ed) input gives the same numbers.
"$GEN" --events 20000 --procs 3 --seed 1 --level 0 "$D/trace-alice-77-nodeA.pfw" >/dev/null
check_rc "plain .pfw: exit 0" 0 "$TR" summary --json "$D/trace-alice-77-nodeA.pfw"
check "plain and gzip'ed: same functions" [ "$(jq -c .functions <<<"$OUT")" = "$(jq -c .functions <<<"$J")" ]
check_rc "stdin as -" 0 bash -c "'$TR' summary --json - <'$T1' >/dev/null"

# A truncated gzip stream (a node that died): read up to the damage, exit 5.
SIZE=$(stat -c %s "$T1")
head -c $((SIZE / 2)) "$T1" >"$D/cut.pfw.gz"
check_rc "truncated gzip: exit 5" 5 "$TR" summary --json "$D/cut.pfw.gz"
contains "says where it stopped (file:line)" "$ERR" "cut.pfw.gz:"
contains "says it is truncated" "$ERR" "truncated"
check "the events before the damage are counted" [ "$(jq .events <<<"$OUT")" -gt 1000 ]
check "status incomplete" [ "$(jq -r '.inputs[0].status' <<<"$OUT")" = incomplete ]
check_rc "truncated gzip in text mode says so too" 5 "$TR" summary "$D/cut.pfw.gz"
contains "text: warning line" "$OUT" "incomplete"
zcat "$T1" | head -n 100 >"$D/noend.pfw"
check_rc "no closing ]: exit 5" 5 "$TR" summary "$D/noend.pfw"
contains "no closing ]: names the last line" "$ERR" "noend.pfw:100:"
zcat "$T1" | head -n 50 | head -c -20 >"$D/midline.pfw"
check_rc "cut mid-line: exit 5" 5 "$TR" summary "$D/midline.pfw"
contains "cut mid-line: line 50" "$ERR" "midline.pfw:50:"

# Not a trace, bad JSON, missing keys: exit 4 with file and line.
echo "hello world" >"$D/text.pfw"
check_rc "not a trace: exit 4" 4 "$TR" summary "$D/text.pfw"
contains "not a trace: file:1" "$ERR" "text.pfw:1: not a trace"
printf '[\n{"id":0,"name":"read","cat":"sys","ph":"X","ts":1,"dur":1,"pid":1,"tid":1,"args":{}}\n{"id":1,"name":"read",\n]\n' >"$D/badjson.pfw"
check_rc "a line that is not JSON: exit 4" 4 "$TR" summary "$D/badjson.pfw"
contains "bad JSON: file:3" "$ERR" "badjson.pfw:3: not valid JSON"
printf '[\n{"id":0,"name":"read","cat":"sys","ph":"X","dur":1,"pid":1,"tid":1,"args":{}}\n]\n' >"$D/nokey.pfw"
check_rc "an event lacking a key: exit 4" 4 "$TR" summary "$D/nokey.pfw"
contains "missing key named" "$ERR" 'nokey.pfw:2: an event lacks the key "ts"'
printf '[\n{"name":"read","cat":"sys","ph":"X","ts":"x","dur":1,"pid":1,"tid":1}\n]\n' >"$D/strts.pfw"
check_rc "a string ts: exit 4" 4 "$TR" summary "$D/strts.pfw"
head -c 3000 /dev/urandom >"$D/random.pfw.gz"
check_rc "random bytes: exit 4" 4 "$TR" summary "$D/random.pfw.gz"
check_rc "a missing file: exit 3" 3 "$TR" summary "$D/nothere.pfw.gz"
contains "names the file" "$ERR" "nothere.pfw.gz"
check_rc "bad and good together: the worst code (4 before 5)" 4 "$TR" summary "$D/cut.pfw.gz" "$D/text.pfw" "$T1"
{ echo "["; head -c 2000000 /dev/zero | tr '\0' 'a'; echo; echo "]"; } >"$D/long.pfw"
check_rc "a 2 MB line: exit 4, bounded buffer" 4 "$TR" summary "$D/long.pfw"
contains "too long" "$ERR" "longer than 1 MiB"

# Usage.
check_rc "no verb: exit 2" 2 "$TR"
check_rc "unknown verb: exit 2" 2 "$TR" frobnicate "$T1"
contains "one error printer" "$ERR" "datacrumbs_trace: error: unknown or ambiguous verb"
check_rc "report without -o: exit 2" 2 "$TR" report "$T1"
check_rc "an option of another verb: exit 2" 2 "$TR" summary --pid 3 "$T1"
check_rc "no trace: exit 2" 2 "$TR" summary
check_rc "--help: exit 0" 0 "$TR" --help
check "--help ends with EXAMPLES" bash -c "'$TR' --help | grep -q '^EXAMPLES'"
check_rc "a verb prefix works" 0 "$TR" summ --json "$T1"

# cat and its filters.
check_rc "cat: exit 0" 0 "$TR" cat "$T1"
check "cat: one line per event" [ "$(wc -l <<<"$OUT")" = "$(gen_val events "$D/gen1.txt")" ]
contains "cat: readable call" "$OUT" "libc open(file=\"/data/p0/file0\", oflag=577) = 3"
check_rc "cat --json: exit 0" 0 "$TR" cat --json --pid 1001 --cat libc --name write "$T1"
check "cat --json: valid JSON lines" jqok -s 'length > 0' <<<"$OUT"
check "cat filters: only pid 1001 libc write" jqok -s 'all(.pid == 1001 and .cat == "libc" and .name == "write")' <<<"$OUT"
check "cat --name list" [ "$("$TR" cat --json --name open,close "$T1" | jq -s 'length')" = $(( $(gen_val opens "$D/gen1.txt") * 2 - $("$TR" cat --json --name open --cat sys "$T1" | wc -l) + $("$TR" cat --json --name close "$T1" | wc -l) - $(gen_val opens "$D/gen1.txt") )) ]
TS0=$(zcat "$T1" | sed -n '2s/.*"ts":\([0-9]*\).*/\1/p')
N=$("$TR" cat --json --since 10ms --until 20ms "$T1" | jq -s "all(.ts >= $TS0 + 10000 and .ts <= $TS0 + 20000) and length > 0")
check "cat --since/--until: the window only" [ "$N" = true ]
check "cat --since @abs" [ "$("$TR" cat --json --since "@$((TS0 + 10000))" --until "@$((TS0 + 20000))" "$T1" | wc -l)" = "$("$TR" cat --json --since 10ms --until 20ms "$T1" | wc -l)" ]
check_rc "cat --since bad: exit 2" 2 "$TR" cat --since soon "$T1"
check_rc "cat of a truncated trace: exit 5" 5 "$TR" cat "$D/cut.pfw.gz"

# merge: two hosts with the same pids.
"$GEN" --events 3000 --procs 2 --seed 2 "$D/trace-alice-77-nodeB.pfw.gz" >"$D/gen2.txt"
"$GEN" --events 2000 --procs 2 --seed 3 --ts0 1765000000000500 "$D/trace-alice-77-nodeC.pfw.gz" >"$D/gen3.txt"
B=$D/trace-alice-77-nodeB.pfw.gz
C=$D/trace-alice-77-nodeC.pfw.gz
check_rc "merge: exit 0" 0 "$TR" merge -o "$D/merged.pfw.gz" "$B" "$C"
check "merged output gunzips" gzip -t "$D/merged.pfw.gz"
check_rc "merged output reads back" 0 "$TR" summary --json "$D/merged.pfw.gz"
MJ=$OUT
NEV=$(( $(gen_val events "$D/gen2.txt") + $(gen_val events "$D/gen3.txt") ))
check "merged: all events" [ "$(jq .events <<<"$MJ")" = "$NEV" ]
check "merged: both hosts from the metadata" [ "$(jq -c '.run.hosts' <<<"$MJ")" = '["nodeB","nodeC"]' ]
check "merged: user and run from the metadata" [ "$(jq -c '[.run.users, .run.ids]' <<<"$MJ")" = '[["alice"],["77"]]' ]
check "merged: the same pid on two hosts stays two processes" [ "$(jq '[.processes[] | select(.cat=="libc")] | length' <<<"$MJ")" = 4 ]
check "merged: pids shown as on the node" [ "$(jq -c '[.processes[] | select(.cat=="libc") | .pid] | sort' <<<"$MJ")" = '[1000,1000,1001,1001]' ]
"$TR" cat --json "$D/merged.pfw.gz" >"$D/merged.jsonl"
check "merged: ids 0, 1, 2, ..." jqok -s '[.[].id] == [range(length)]' "$D/merged.jsonl"
check "merged: ordered by time" jqok -s '[.[] | select(.ph=="X") | .ts] as $t | $t == ($t | sort)' "$D/merged.jsonl"
check "merged: one process_name event per process" [ "$(jq -s '[.[] | select(.ph=="M" and .name=="process_name")] | length' "$D/merged.jsonl")" = 4 ]
check "merged: process names carry the host" jqok -s '[.[] | select(.ph=="M") | .args.name] | sort == ["nodeB pid 1000","nodeB pid 1001","nodeC pid 1000","nodeC pid 1001"]' "$D/merged.jsonl"
# Every event exactly once: the inputs with pids moved to their host's range, against the output.
{
    "$TR" cat --json "$B" | jq -c 'del(.id) | .pid += 10000000 | .tid += 10000000'
    "$TR" cat --json "$C" | jq -c 'del(.id) | .pid += 20000000 | .tid += 20000000'
} | sort >"$D/in.sorted"
jq -c 'select(.ph=="X") | del(.id)' "$D/merged.jsonl" | sort >"$D/out.sorted"
check "merged: every event exactly once" cmp -s "$D/in.sorted" "$D/out.sorted"
check_rc "merge of a merged trace is refused: exit 4" 4 "$TR" merge -o "$D/m2.pfw.gz" "$D/merged.pfw.gz"
check_rc "merge with a truncated input: exit 5, output written" 5 "$TR" merge -o "$D/m3.pfw.gz" "$B" "$D/cut.pfw.gz"
check "and the output is a complete trace" gzip -t "$D/m3.pfw.gz"
check_rc "merge: output also an input refused" 2 "$TR" merge -o "$B" "$B"
mkfifo "$D/fifo"
cat "$D/fifo" >"$D/fifo.out" &
check_rc "merge into a FIFO: written as it is" 0 "$TR" merge -o "$D/fifo" "$B" "$C"
wait
check "the FIFO is still a FIFO" [ -p "$D/fifo" ]
check "and what came through is the merged trace" cmp -s "$D/fifo.out" "$D/merged.pfw.gz"
check "no temp files left" [ -z "$(find "$D" -name '*.tmp*')" ]
# Out of order beyond the window: counted and still written.
check_rc "merge with a tiny window" 0 "$TR" merge --window 16 -o "$D/m4.pfw.gz" "$B" "$C"
check "tiny window: still every event" [ "$("$TR" summary --json "$D/m4.pfw.gz" | jq .events)" = "$NEV" ]

# report writes a self-contained page.
check_rc "report: exit 0" 0 "$TR" report -o "$D/r.html" "$T1" "$B"
check "report: no external resources" bash -c "! grep -Eq '(src|href)=\"(https?:)?//' '$D/r.html'"
check "report: a CSP that forbids them" grep -q "default-src 'none'" "$D/r.html"
check "report: 5 charts" [ "$(grep -c '<svg class="chart"' "$D/r.html")" = 5 ]
check "report: the top files table" grep -q '<table class="sortable" id="files">' "$D/r.html"
check_rc "report into a missing directory: exit 1" 1 "$TR" report -o "$D/no/such/dir/r.html" "$T1"
finish
