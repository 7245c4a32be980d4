#!/bin/bash
# flux_latency.sh - start-to-finish latency of a trivial Flux job with and without DataCrumbs
# metadata, and the prolog's own cost.
#
#   bench/flux_latency.sh BUILD_DIR [ROUNDS]        (root; results in docs/perf-flux.md)
#
# A one-broker test instance (the Flux of scripts/build-flux) with the perilog plugin running
# datacrumbs_flux_hook per rank, and the real runtime. Each round runs, in turn (interleaved,
# so drift hits both alike), "flux run true" without the options and
# "flux run --datacrumbs-enable --datacrumbs-probe-file P true", and times each from the
# command's start to its return, and then to the job's "clean" event (the epilog done: the
# runtime stopped). The prolog's cost is the time between the job's prolog-start and
# prolog-finish events. Prints medians over ROUNDS (default 10) and the ratios to the
# untraced job measured in the same run.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:?usage: flux_latency.sh BUILD_DIR [ROUNDS]}" && pwd)
ROUNDS=${2:-10}
T_TMP=$(mktemp -d /tmp/dc-bench-flux.XXXXXX)
skip_all() { echo "cannot run here: $*" >&2; exit 77; }
. "$SRC/tests/integration/slurm/common.sh" "$BUILD" "$SRC"
[ "$(id -u)" -eq 0 ] || skip_all "needs root"
D=$T_TMP
. "$SRC/tests/system/flux_lib.sh"
trap 'stop_instances; rm -rf -- "$T_TMP"' EXIT
TEST_USER=root
chmod 0755 "$D"
why=$(runtime_works "$D") || skip_all "$why"
flux_node
real_probe "$SECRET" "$PUB/p.json.gz" || exit 1
instance bench 1 root "$(perilog "[ \"$FHOOK\", \"--config\", \"$CONF\", \"prolog\" ]" \
    "[ \"$FHOOK\", \"--config\", \"$CONF\", \"epilog\" ]")" || exit 1

now() { date +%s%N; }
# ts ID EVENT: the event's timestamp (s, float) in the job's eventlog.
ts() { F job eventlog -f json "$1" | jq -r "select(.name == \"$2\") | .timestamp" | head -1; }
: >"$D/times"
one() { # one KIND OPTIONS...: run, time, record "KIND run_ms clean_ms prolog_ms"
    local kind=$1 t0 t1 t2 id p0 p1
    shift
    t0=$(now)
    id=$(F submit "$@" true) || return 1
    F job attach "$id" >/dev/null 2>&1
    t1=$(now)
    F job wait-event -t 60 "$id" clean >/dev/null
    t2=$(now)
    p0=$(ts "$id" prolog-start)
    p1=$(ts "$id" prolog-finish)
    echo "$kind $(((t1 - t0) / 1000000)) $(((t2 - t0) / 1000000)) $(python3 -c "print(round(($p1 - $p0) * 1000))" 2>/dev/null || echo 0)" >>"$D/times"
}
one plain >/dev/null # warm-up: the first job loads the Python CLI and its modules cold
for r in $(seq "$ROUNDS"); do
    one plain
    one traced --datacrumbs-enable --datacrumbs-probe-file "$PUB/p.json.gz"
    echo "round $r/$ROUNDS" >&2
done
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { awk -v k="$1" -v c="$2" '$1 == k {print $c}' "$D/times" | median; }
pr=$(col plain 2) tr=$(col traced 2) pc=$(col plain 3) tc=$(col traced 3)
pp=$(col plain 4) tp=$(col traced 4)
echo "rounds: $ROUNDS (medians, ms)"
echo "flux submit + attach (the job's start to its end):  untraced $pr   traced $tr   ratio $(awk -v a="$tr" -v b="$pr" 'BEGIN {printf "%.2f", a / b}')"
echo "to the job's clean event (epilog done):            untraced $pc   traced $tc   ratio $(awk -v a="$tc" -v b="$pc" 'BEGIN {printf "%.2f", a / b}')"
echo "prolog (prolog-start to prolog-finish):            untraced $pp   traced $tp"
