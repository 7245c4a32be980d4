#!/bin/bash
# bench/trace_bench.sh [BUILD_DIR] - datacrumbs_trace against zcat, in the same run (results:
# docs/perf-trace.md). Needs a build with BUILD_TESTING=ON (tr_gen writes the traces).
#
#   1. summary of one 5-million-event trace against "zcat TRACE >/dev/null": median wall time
#      ratio (target <= 2.0: decompression is the floor) and summary's peak RSS (<= 64 MiB);
#   2. merge of 8 traces of 1 million events each against "zcat" of all 8: ratio <= 2.5.
#
# The traces are synthetic, in the runtime's exact line format and at its default gzip level
# (1): 16 (summary) and 8 (merge, per node) processes opening 64 files each over and over, libc
# calls with the system call under each. REPS (default 5) sets the repetitions; the commands
# alternate, and medians are shown. EVENTS and MERGE_EVENTS change the sizes.
set -eu
BUILD=$(cd "${1:-build}" && pwd)
REPS=${REPS:-5}
EVENTS=${EVENTS:-5000000}
MERGE_EVENTS=${MERGE_EVENTS:-1000000}
export EVENTS MERGE_EVENTS
TR=$BUILD/src/trace/datacrumbs_trace
GEN=$BUILD/tests/integration/trace/tr_gen
[ -x "$TR" ] && [ -x "$GEN" ] || { echo "trace_bench: build datacrumbs_trace and tr_gen (BUILD_TESTING=ON) first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "trace_bench: needs GNU time (/usr/bin/time, package time)" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/dc-trbench.XXXXXX")
trap 'rm -rf -- "$W"' EXIT

# run NAME CMD...: wall seconds and peak RSS (KiB) appended to $W/NAME.
run() {
    local name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$W/t" "$@" >/dev/null
    cat "$W/t" >>"$W/$name"
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { awk -v c="$2" '{print $c}' "$W/$1"; }

echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$GEN" --events "$EVENTS" --procs 16 --level 1 "$W/trace-bench-1-n0.pfw.gz" >/dev/null
echo "summary trace: $EVENTS events, $(stat -c %s "$W/trace-bench-1-n0.pfw.gz") bytes gzip'ed, $(zcat "$W/trace-bench-1-n0.pfw.gz" | wc -c) bytes of JSON"
for h in 1 2 3 4 5 6 7 8; do
    "$GEN" --events "$MERGE_EVENTS" --procs 8 --level 1 --seed "$h" --ts0 $((1765000000000000 + h * 1000)) \
        "$W/trace-bench-2-n$h.pfw.gz" >/dev/null
done
echo "merge traces: 8 x $MERGE_EVENTS events, $(cat "$W"/trace-bench-2-n*.pfw.gz | wc -c) bytes gzip'ed"

for _ in $(seq "$REPS"); do
    run zcat1 zcat "$W/trace-bench-1-n0.pfw.gz"
    run summary "$TR" summary "$W/trace-bench-1-n0.pfw.gz"
    run zcat8 bash -c "zcat '$W'/trace-bench-2-n*.pfw.gz"
    run merge "$TR" merge -o "$W/merged.pfw.gz" "$W"/trace-bench-2-n1.pfw.gz "$W"/trace-bench-2-n2.pfw.gz \
        "$W"/trace-bench-2-n3.pfw.gz "$W"/trace-bench-2-n4.pfw.gz "$W"/trace-bench-2-n5.pfw.gz \
        "$W"/trace-bench-2-n6.pfw.gz "$W"/trace-bench-2-n7.pfw.gz "$W"/trace-bench-2-n8.pfw.gz
done
Z1=$(col zcat1 1 | median)
S=$(col summary 1 | median)
SRSS=$(col summary 2 | sort -n | tail -1)
Z8=$(col zcat8 1 | median)
M=$(col merge 1 | median)
MRSS=$(col merge 2 | sort -n | tail -1)
echo
echo "| benchmark | datacrumbs_trace median | zcat median | ratio | target | peak RSS |"
echo "|---|---|---|---|---|---|"
awk -v s="$S" -v z="$Z1" -v r="$SRSS" 'BEGIN {printf "| summary, %s events | %.2f s | %.2f s | %.2f | <= 2.0 | %.1f MiB (<= 64) |\n", ENVIRON["EVENTS"], s, z, s / z, r / 1024}'
awk -v s="$M" -v z="$Z8" -v r="$MRSS" 'BEGIN {printf "| merge, 8 x %s events | %.2f s | %.2f s | %.2f | <= 2.5 | %.1f MiB |\n", ENVIRON["MERGE_EVENTS"], s, z, s / z, r / 1024}'
echo
echo "all runs (wall s, RSS KiB):"
for f in zcat1 summary zcat8 merge; do echo "  $f: $(tr '\n' ' ' <"$W/$f")"; done
