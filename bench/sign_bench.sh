#!/usr/bin/env bash
# Throughput and latency of datacrumbs_sign_probes: 1, 8 and 64 concurrent clients, each
# sending sign_probe_payload requests of about 10 KB and 1 MB (one request per connection, as
# the protocol has it). Prints a Markdown table; the results live in docs/perf-signer.md.
#
# Usage: bench/sign_bench.sh BUILD_DIR [SECONDS_PER_CELL]   (as root)
#        SIGNER=/path/to/other/datacrumbs_sign_probes bench/sign_bench.sh ...  (A/B runs)
# The client runs as nobody, so the path checks run with a real user identity. Client and
# signer share the machine's cores: on a 2-core machine the client's own CPU time counts.
set -eu
BUILD=${1:?usage: sign_bench.sh BUILD_DIR [SECONDS]}
SECS=${2:-3}
SIGNER=${SIGNER:-$BUILD/src/sign_probes/datacrumbs_sign_probes}
CLIENT_BUILT=$BUILD/tests/integration/sign_probes/sign_client
PARSE=$BUILD/bench/sign_parse
[ -x "$SIGNER" ] && [ -x "$CLIENT_BUILT" ] || { echo "build $SIGNER and sign_client first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }

T=$(mktemp -d /tmp/dc-sign-bench.XXXXXX)
chmod 0755 "$T"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$T"' EXIT
cp "$CLIENT_BUILT" "$T/sign_client"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$T/secret"
chmod 0400 "$T/secret"
printf 'x\n' > "$T/host.yaml"
printf 'ELF' > "$T/libbench.so"
chmod 0644 "$T/host.yaml" "$T/libbench.so"
mkdir -m 0755 "$T/run"
cat > "$T/dc.conf" <<CONF
secret_file = $T/secret
max_runtime_functions = 1000000
CONF

# template FILE NFUNCS: one syscalls category and one uprobe category of NFUNCS functions,
# every tenth with two argument specs (what the configurator emits for documented functions).
template() {
    local n=$2
    {
        printf '{"summary":{"config_file_path":"%s","probe_file_path":"%s"},"categories":[' \
            "$T/host.yaml" "$T/probes.json.gz"
        printf '{"type":0,"name":"sys","functions":["openat","read","write","close","pread64"]},'
        printf '{"type":2,"name":"libbench","functions":['
        seq -f 'bench_function_%06g' 1 "$n" | awk '{printf "%s\"%s:0x%x\"", (NR > 1 ? "," : ""), $0, NR * 16}'
        printf '],"function_arguments":{'
        seq -f 'bench_function_%06g' 10 10 "$n" | awk '{printf "%s\"%s:0x%x\":[{\"index\":0,\"num_bytes\":8,\"is_pointer\":true,\"label\":\"buf\",\"c_type\":\"void *\"},{\"index\":1,\"num_bytes\":8,\"is_pointer\":false,\"label\":\"count\",\"c_type\":\"size_t\"}]", (NR > 1 ? "," : ""), $0, NR * 160}'
        printf '},"binary_path":"%s","include_offsets":true}]}' "$T/libbench.so"
    } > "$1"
}
template "$T/small.json" 200   # payload ~10 KB
template "$T/large.json" 20000 # payload ~1 MB
for size in small large; do
    "$T/sign_client" request "$T/$size.json" --user nobody --uid "$(id -u nobody)" \
        --expires 3600 > "$T/$size.req"
done

echo "# $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), signer $SIGNER"
if [ -x "$PARSE" ]; then
    echo
    echo "CPU per request, one thread (bench/sign_parse, microseconds):"
    echo
    echo '| step | small | large |'
    echo '|---|---|---|'
    "$PARSE" "$T/small.req" 2000 > "$T/parse.small"
    "$PARSE" "$T/large.req" 20 > "$T/parse.large"
    grep -v '^#' "$T/parse.small" | while read -r line; do
        step=${line% *}
        step=${step%"${step##*[! ]}"}
        echo "| $step | ${line##* } | $(grep -F "$step " "$T/parse.large" | awk '{print $NF}') |"
    done
    grep '^# the handler refused' "$T/parse.small" || true
    echo
    grep -h '^# request' "$T/parse.small" "$T/parse.large"
    echo
fi

"$SIGNER" --config "$T/dc.conf" --socket "$T/run/sign.sock" --foreground > "$T/signer.log" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q 'ready on' "$T/signer.log" && break; sleep 0.05; done

# One cell: a short warm-up, then enough requests for about SECS seconds.
cell() {
    local req=$1 clients=$2 n out rate
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
        "$T/sign_client" load "$T/run/sign.sock" "$req" --clients "$clients" --requests $((clients * 4)))
    rate=$(printf '%s' "$out" | sed 's/.*rate=\([0-9]*\).*/\1/')
    n=$((rate * SECS))
    [ "$n" -ge "$clients" ] || n=$clients
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
        "$T/sign_client" load "$T/run/sign.sock" "$req" --clients "$clients" --requests "$n"
}

# CPU time (user + system) the signer used so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
tick=$(getconf CLK_TCK)

echo "| payload | request bytes | clients | signs/s | p50 ms | p99 ms | max ms | failed | signer CPU us/sign |"
echo "|---|---|---|---|---|---|---|---|---|"
for size in small large; do
    bytes=$(stat -c %s "$T/$size.req")
    for clients in 1 8 64; do
        c0=$(cpu_ticks)
        out=$(cell "$T/$size.req" "$clients")
        c1=$(cpu_ticks)
        # ok=.. failed=.. seconds=.. rate=.. p50_ms=.. p99_ms=.. max_ms=..
        eval "$(printf '%s' "$out" | tr ' ' '\n' | sed 's/^/r_/')"
        # Over the warm-up and the measured run together.
        n=$(( r_ok + r_failed + clients * 4 ))
        cpu=$(awk -v t=$((c1 - c0)) -v hz="$tick" -v n="$n" 'BEGIN { printf "%.0f", t / hz / n * 1e6 }')
        echo "| $size | $bytes | $clients | $r_rate | $r_p50_ms | $r_p99_ms | $r_max_ms | $r_failed | $cpu |"
    done
done
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=
echo
echo "signer: $(grep -c accepted "$T/signer.log") accepted, $(grep -c refused "$T/signer.log") refused"
