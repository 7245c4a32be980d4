#!/bin/bash
# flux_traced.sh - DataCrumbs under a real Flux (scripts/build-flux) with the real runtime:
# the CLI plugin's options put the request in the jobspec, the perilog prolog starts the runtime
# through datacrumbs_flux_hook, the job's datacrumbs_wrap'ed dd is traced and a concurrent
# untraced job is not, the epilog stops it (a cancelled job's too); jobs without the options,
# and hostile or broken attributes, start nothing and complete; a two-broker instance runs the
# prolog on both ranks of a two-node job, each rank with a runtime of its own.
#   flux_traced.sh BUILD_DIR SOURCE_DIR   (root; the runtime built; Flux built)
set -u
. "$2/tests/integration/lib.sh"
. "$2/tests/integration/slurm/common.sh" "$1" "$2"
need_root
. "$2/tests/system/flux_lib.sh"
need "$FHOOK" "$DC_WRAP"
# The instance is root's, so its jobs are root's: the user the probe files are issued for.
TEST_USER=root

D=$T_TMP
chmod 0755 "$D"
trap 'stop_instances; rm -rf -- "$T_TMP"' EXIT
why=$(runtime_works "$D") || skip_all "$why"
flux_node
real_probe "$SECRET" "$PUB/p.json.gz" || { not_ok "probe file made"; finish; exit 1; }
trace_of() { echo "$TRACES/trace-root-$(run_of "$1")-$HOST.pfw.gz"; }

instance one 1 root "$(perilog "[ \"$FHOOK\", \"--config\", \"$CONF\", \"prolog\" ]" \
    "[ \"$FHOOK\", \"--config\", \"$CONF\", \"epilog\" ]")" ||
    { not_ok "a Flux instance starts"; finish; exit 1; }
ok "a one-broker Flux instance with the perilog plugin is up"

check_rc "flux run --help" 0 F run --help
contains "flux run --help lists --datacrumbs-enable" "$OUT" "--datacrumbs-enable"
contains "flux run --help lists --datacrumbs-probe-file" "$OUT" "--datacrumbs-probe-file"
for cmd in submit batch alloc; do
    check_rc "flux $cmd --help" 0 F "$cmd" --help
    contains "flux $cmd has the options" "$OUT" "--datacrumbs-probe-file"
done
check_rc "--dry-run shows the request" 0 F run --dry-run --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/p.json.gz" true
contains "... in attributes.system.datacrumbs" "$(printf '%s' "$OUT" | jq -c .attributes.system.datacrumbs)" \
    "{\"enable\":\"yes\",\"probe_file\":\"$PUB/p.json.gz\"}"
(cd "$PUB" && check_rc "a relative path is made absolute" 0 F run --dry-run --datacrumbs-enable \
    --datacrumbs-probe-file p.json.gz true)
contains "... absolute" "$OUT" "\"probe_file\": \"$PUB/p.json.gz\""
check_rc "a job without the options has no request" 0 F run --dry-run true
check "... no datacrumbs attribute" test "$(printf '%s' "$OUT" | jq -c .attributes.system.datacrumbs)" = null
check_rc "--datacrumbs-probe-file alone is refused" 1 F run --datacrumbs-probe-file "$PUB/p.json.gz" true
contains "... saying what to add" "$ERR" "add --datacrumbs-enable"
check_rc "--datacrumbs-enable alone is refused" 1 F run --datacrumbs-enable true
check_rc "a missing probe file is refused at submission" 1 F run --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/nope.json.gz" true
contains "... saying why" "$ERR" "No such file"
"$RT_MKPROBE" --secret "$SECRET" --out "$PUB/nobody.json.gz" --user nobody \
    --syscalls posix:openat,read >/dev/null && chmod 0644 "$PUB/nobody.json.gz"
check_rc "another user's probe file is refused at submission" 1 F run --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/nobody.json.gz" true
contains "... not yours" "$ERR" "not for you"

# --- a traced job beside an untraced one: each holds its own ---
cat >"$D/traced.sh" <<JOB
#!/bin/sh
[ -e "$RUN/datacrumbs-\$(echo "\$FLUX_JOB_ID" | sed 's/^\xc6\x92/f/').ready" ] && echo "runtime ready"
sleep 2
"$DC_WRAP" --config "$CONF" -- dd if=/dev/zero of="$PUB/traced.bin" bs=4096 count=20 status=none
echo "job done"
JOB
chmod 0755 "$D/traced.sh"
check_rc "flux submit a traced job" 0 F submit --output="$D/out-traced.txt" --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/p.json.gz" "$D/traced.sh"
jt=$OUT
check_rc "flux submit an untraced job beside it" 0 F submit \
    sh -c "sleep 1; \"$DC_WRAP\" --config \"$CONF\" -- dd if=/dev/zero of=\"$PUB/plain.bin\" bs=512 count=7 status=none"
ju=$OUT
check "the traced job ended and its epilog ran" done_clean "$jt"
check "the untraced job ended" done_clean "$ju"
check_rc "the traced job succeeded" 0 F job status "$jt"
check "the runtime was ready when the job ran" grep -q "runtime ready" "$D/out-traced.txt"
contains "the prolog started the runtime" "$(hook_lines "$jt")" "tracing with $PUB/p.json.gz"
contains "the epilog stopped it" "$(hook_lines "$jt")" "tracing stopped"
t=$(trace_of "$jt")
check "the trace exists, named by the job" test -s "$t"
tt=$(zcat "$t" 2>/dev/null)
check "the job's dd reads are in the trace" test "$(printf '%s\n' "$tt" | grep -c '"name":"read".*"count":4096')" -ge 20
contains "the job's output file is in the trace" "$tt" "$PUB/traced.bin"
lacks "the untraced job's file is not" "$tt" "plain.bin"
check "no trace for the untraced job" test ! -e "$(trace_of "$ju")"
check "the runtime is gone" test ! -e "$RUN/datacrumbs-$(run_of "$jt").pid"
check "no hook line for the untraced job" test -z "$(hook_lines "$ju")"

# --- hostile and broken attributes: the job runs, nothing starts, the log says why ---
"$RT_MKPROBE" --secret "$SECRET" --out "$PUB/expired.json.gz" --user root --valid -60 \
    --syscalls posix:openat >/dev/null 2>&1 && chmod 0644 "$PUB/expired.json.gz"
BIG=$(printf '%05000d' 0)
hostile() { # NAME WHY SETATTR...
    local name=$1 why=$2 id
    shift 2
    id=$(F submit "$@" true 2>/dev/null)
    check "hostile: $name: submitted" test -n "$id"
    check "hostile: $name: the job completes" done_clean "$id"
    check_rc "hostile: $name: the job succeeded" 0 F job status "$id"
    contains "hostile: $name: the log says why" "$(hook_lines "$id")" "$why"
    check "hostile: $name: nothing started" test ! -e "$RUN/datacrumbs-$(run_of "$id").env"
}
hostile "relative path" "must be absolute" --setattr=system.datacrumbs.enable=yes \
    --setattr=system.datacrumbs.probe_file=p.json.gz
hostile "\$(...) in the path" "'\$'" --setattr=system.datacrumbs.enable=yes \
    "--setattr=system.datacrumbs.probe_file=$PUB/\$(touch $D/pwned)/p.json.gz"
check "hostile: no command ran" test ! -e "$D/pwned"
hostile "enable YES" 'must be the string "yes" or "no"' --setattr=system.datacrumbs.enable=YES \
    "--setattr=system.datacrumbs.probe_file=$PUB/p.json.gz"
hostile "a string, not an object" '"datacrumbs" is not a JSON object' --setattr=system.datacrumbs=please
hostile "a number" '"datacrumbs" is not a JSON object' --setattr=system.datacrumbs=42
hostile "probe_file a number" '"probe_file" must be a string' --setattr=system.datacrumbs.enable=yes \
    --setattr=system.datacrumbs.probe_file=7
hostile "huge" "4096" --setattr=system.datacrumbs.enable=yes \
    "--setattr=system.datacrumbs.probe_file=$PUB/p.json.gz" "--setattr=system.datacrumbs.pad=$BIG"
hostile "no probe file" 'without a "probe_file"' --setattr=system.datacrumbs.enable=yes
hostile "another user's file" "refused the probe file" --setattr=system.datacrumbs.enable=yes \
    "--setattr=system.datacrumbs.probe_file=$PUB/nobody.json.gz"
hostile "an expired file" "refused the probe file" --setattr=system.datacrumbs.enable=yes \
    "--setattr=system.datacrumbs.probe_file=$PUB/expired.json.gz"
# A file removed between submission and the prolog: held, removed, released.
cp "$PUB/p.json.gz" "$PUB/gone.json.gz"
check_rc "a held traced job" 0 F submit --urgency=hold --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/gone.json.gz" true
jg=$OUT
rm -f "$PUB/gone.json.gz"
F job urgency "$jg" default
check "removed file: the job completes" done_clean "$jg"
check_rc "removed file: the job succeeded" 0 F job status "$jg"
contains "removed file: the log says why" "$(hook_lines "$jg")" "No such file"
check "removed file: nothing started" test ! -e "$RUN/datacrumbs-$(run_of "$jg").env"
check "hostile: the prolog never failed a job" test -z "$(F jobs -a -f failed -n -o '{id}' 2>/dev/null)"

# --- a cancelled job's runtime is stopped ---
check_rc "a long traced job" 0 F submit --datacrumbs-enable --datacrumbs-probe-file "$PUB/p.json.gz" sleep 300
jc=$OUT
for _ in $(seq 150); do [ -e "$RUN/datacrumbs-$(run_of "$jc").ready" ] && break; sleep 0.2; done
check "its runtime is ready" test -e "$RUN/datacrumbs-$(run_of "$jc").ready"
check_rc "flux cancel" 0 F cancel "$jc"
check "the cancelled job's epilog ran" done_clean "$jc"
check "the cancelled job's runtime is gone" test ! -e "$RUN/datacrumbs-$(run_of "$jc").pid"
check "nothing of it is left but its summary" \
    test -z "$(ls "$RUN"/datacrumbs-"$(run_of "$jc")".* 2>/dev/null | grep -v '\.json$')"
stop_instances

# --- two brokers, a two-node job: the prolog on each rank, a runtime per rank ---
# Both brokers share this host, so each rank gets a node of its own (configuration, run and
# trace directories) through a wrapper that picks it by the broker's rank.
for r in 0 1; do
    flux_node "rank$r"
done
cat >"$D/perrank" <<WRAP
#!/bin/sh
exec "$FHOOK" --config "$D/rank\$(flux getattr rank).conf" "\$1"
WRAP
chmod 0755 "$D/perrank"
instance two 2 root "$(perilog "[ \"$D/perrank\", \"prolog\" ]" "[ \"$D/perrank\", \"epilog\" ]")" ||
    { not_ok "a two-broker instance starts"; finish; exit 1; }
ok "a two-broker instance is up"
check_rc "a two-node traced job" 0 F submit -N2 -n2 --output="$D/out-two.txt" --datacrumbs-enable \
    --datacrumbs-probe-file "$PUB/p.json.gz" \
    sh -c "sleep 2; \"$DC_WRAP\" --config \"$D/rank0.conf\" -- dd if=/dev/zero of=\"$PUB/two-\$FLUX_TASK_RANK.bin\" bs=512 count=5 status=none"
j2=$OUT
check "two-node job: done, epilogs ran" done_clean "$j2"
check_rc "two-node job: succeeded" 0 F job status "$j2"
lines=$(hook_lines "$j2")
contains "two-node job: the prolog ran on rank 0" "$lines" "(rank 0)"
contains "two-node job: the prolog ran on rank 1" "$lines" "(rank 1)"
for r in 0 1; do
    tr=$D/rank$r/traces/trace-root-$(run_of "$j2")-$HOST.pfw.gz
    check "two-node job: rank $r had its own runtime and trace" test -s "$tr"
    contains "two-node job: rank $r's trace holds the job's I/O" "$(zcat "$tr" 2>/dev/null)" "$PUB/two-"
    check "two-node job: rank $r's runtime is gone" test ! -e "$D/rank$r/run/datacrumbs-$(run_of "$j2").pid"
done
finish
