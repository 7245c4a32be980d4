# shellcheck shell=bash
# flux_lib.sh - sourced by the Flux system tests (after tests/integration/lib.sh and
# tests/integration/slurm/common.sh): the Flux that scripts/build-flux built, test instances
# with the perilog plugin, and what the tests ask of a job.

FHOOK=$B/src/flux_hook/datacrumbs_flux_hook
PLUGINS=$B/src/flux_cli/plugins
FP=$("$S/scripts/build-flux" --print-prefix 2>/dev/null) || skip_all "no Flux built here (scripts/build-flux)"
FLUX=$FP/bin/flux
[ -x "$FLUX" ] || skip_all "$FLUX missing"
[ -f "$PLUGINS/datacrumbs.py" ] || skip_all "the flux CLI plugin is not built"
export FLUX_CLI_PLUGINPATH=$PLUGINS FLUX_F58_FORCE_ASCII=1
unset FLUX_URI
FPIDS=""

# instance NAME SIZE OWNER TOML: a test instance of SIZE brokers run by OWNER (root or a user),
# configured by TOML (the broker's configuration); FLUX_URI is set to it. Its socket directory
# is opened to others, so that guests (multi-user instances) can connect.
instance() {
    local name=$1 size=$2 owner=$3 dir
    dir=$D/flux-$name
    mkdir -p "$dir/conf" "$dir/out"
    printf '%s\n' "$4" >"$dir/conf/instance.toml"
    chmod -R a+rX "$dir"
    [ "$owner" = root ] || chown "$owner" "$dir/out"
    setpriv --reuid="$owner" --regid="$(id -g "$owner")" --clear-groups env HOME="$dir/out" \
        "$FLUX" start --test-size="$size" -o,--config-path="$dir/conf" \
        sh -c 'u=$(flux getattr local-uri) && chmod 0755 "$(dirname "${u#local://}")" &&
               echo "$u" >"$1/uri.tmp" && mv "$1/uri.tmp" "$1/uri"
               while [ ! -e "$1/stop" ]; do sleep 0.2; done' _ "$dir/out" >"$dir/log" 2>&1 &
    FPIDS="$FPIDS $!"
    for _ in $(seq 300); do [ -s "$dir/out/uri" ] && break; sleep 0.1; done
    [ -s "$dir/out/uri" ] || { cat "$dir/log"; return 1; }
    export FLUX_URI
    FLUX_URI=$(cat "$dir/out/uri")
}
# stop_instances: end every instance started (by its stop file), killing what lingers.
stop_instances() {
    local p
    for p in "$D"/flux-*/out; do [ -d "$p" ] && touch "$p/stop"; done
    for p in $FPIDS; do
        for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    FPIDS=""
    # A broker whose "flux start" had to be killed outlives it: those of this test by name.
    pkill -KILL -f -- "--config-path=$D/flux-" 2>/dev/null || true
}
# perilog PROLOG_JSON EPILOG_JSON: the job manager's perilog configuration, per rank.
perilog() {
    printf '[job-manager]\nplugins = [ { load = "perilog.so" } ]\n'
    printf '[job-manager.prolog]\n%s\nper-rank = true\ntimeout = "60s"\n' "${1:+command = $1}"
    printf '[job-manager.epilog]\n%s\nper-rank = true\n' "${2:+command = $2}"
}
# flux_node [NAME]: a DataCrumbs node for Flux jobs (node_create with scheduler = flux) in
# $D/NAME.conf (default dc). The default node also sets CONF, RUN, TRACES, HOST and PUB (a
# directory for probe files that everyone can read).
flux_node() {
    local name=${1:-dc}
    node_create "$D" "$REAL_DAEMON" "$name"
    sed -i 's/^scheduler = slurm$/scheduler = flux/' "$D/$name.conf"
    [ "$name" = dc ] || return 0
    CONF=$D/dc.conf
    RUN=$D/dc/run
    TRACES=$D/dc/traces
    HOST=$(hostname -s)
    PUB=$D/pub
    mkdir -p "$PUB" && chmod 0755 "$PUB"
}
F() { "$FLUX" "$@"; }
# done_clean ID: the job ended and its epilog ran (the "clean" event).
done_clean() { F job wait-event -t 60 "$1" clean >/dev/null 2>&1; }
run_of() { echo "f${1#f}"; }
hook_lines() { F dmesg 2>/dev/null | grep datacrumbs_flux_hook | grep -F "job $(run_of "$1")"; }
