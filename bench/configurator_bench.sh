#!/bin/bash
# configurator_bench.sh [BUILD_DIR] [RUNS] - datacrumbs_probe_configurator on the largest
# host file there is: every function of the C library and every kernel function in the
# running kernel's BTF (about 2000 + 55000 on a current kernel), against
#   bpftool btf dump file /sys/kernel/btf/vmlinux format raw > /dev/null
# (what upstream's configurator ran to get the same kernel signatures), in the same run.
#
# Measured with hyperfine (medians) and /usr/bin/time (peak RSS, median of 5):
#   dry-run  that host file: discovery of ELF symbols, kallsyms, BTF functions and their
#            argument signatures (all a real run does before it writes JSON)
#   full     a whole run at the default limit (libc and the kernel functions a-e, about 16000
#            functions; all of them would make a file beyond the readers' 16 MiB cap): the
#            categories' JSON, the canonical payload, signing by a private
#            datacrumbs_sign_probes (its policy checks included) and the gzip'ed file
# Targets (docs/perf-configurator.md): dry-run <= 150 ms, <= 64 MiB, no slower than bpftool.
# The full run needs root (the signer reads a root-only secret); it is skipped otherwise.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
RUNS=${2:-30}
CFG=$BUILD/src/probe_configurator/datacrumbs_probe_configurator
SIGNER=$BUILD/src/sign_probes/datacrumbs_sign_probes
SECRET=$BUILD/src/secret/datacrumbs_secret

for tool in hyperfine bpftool /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "configurator_bench: $tool is needed" >&2; exit 2; }
done
[ -x "$CFG" ] || { echo "configurator_bench: build $CFG first" >&2; exit 2; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "configurator_bench: this kernel has no BTF" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/dc-cfg-bench.XXXXXX")
chmod 0755 "$W"
SIGNER_PID=
cleanup() {
    if [ -n "$SIGNER_PID" ] && [ "$SIGNER_PID" -gt 1 ]; then
        kill "$SIGNER_PID" 2>/dev/null || true
        wait "$SIGNER_PID" 2>/dev/null || true
    fi
    rm -rf -- "$W"
}
trap cleanup EXIT
mkdir -m 0700 "$W/etc"
mkdir -m 0755 "$W/run"
cat > "$W/dc.conf" <<CONF
secret_file = $W/etc/secret
signer_socket = $W/run/sign.sock
max_runtime_functions = 1000000
probe_validity = 1d
CONF
cat > "$W/host.yaml" <<'YAML'
capture_probes:
  - name: libc
    type: binary
    probe: uprobe
    file: libc.so.6
  - name: kernel
    type: btf
    probe: kprobe
    regex: .*
YAML
sed 's/regex: \.\*/regex: "[a-e].*"/' "$W/host.yaml" > "$W/host16k.yaml"

"$CFG" --config "$W/dc.conf" --dry-run "$W/host.yaml" | sed 's/^/# /'

FULL=
if [ "$(id -u)" = 0 ] && [ -x "$SIGNER" ] && [ -x "$SECRET" ]; then
    "$SECRET" --config "$W/dc.conf" create >/dev/null 2>&1
    "$SIGNER" --config "$W/dc.conf" --socket "$W/run/sign.sock" --foreground \
        > "$W/signer.log" 2>&1 &
    SIGNER_PID=$!
    for _ in $(seq 100); do
        grep -q 'ready on' "$W/signer.log" && break
        sleep 0.05
    done
    if "$CFG" --config "$W/dc.conf" --json "$W/host16k.yaml" "$W/p.json.gz" \
        >"$W/full.json" 2>"$W/full.err"; then
        FULL="$CFG --config $W/dc.conf $W/host16k.yaml $W/p.json.gz"
        echo "# full run: $(sed -n 's/^  "total": \([0-9]*\),/\1/p' "$W/full.json") functions," \
            "$(stat -c %s "$W/p.json.gz") bytes written"
    else
        echo "# full run skipped: $(tail -1 "$W/full.err")"
    fi
fi

# Rounds that alternate the commands, so that a change of load on a shared machine hits all
# of them alike; the medians are over every run of every round.
ROUNDS=5
PER=$(( (RUNS + ROUNDS - 1) / ROUNDS ))
echo "# hyperfine: $ROUNDS alternating rounds of $PER runs each (3 warm-up runs per round)"
for r in $(seq "$ROUNDS"); do
    hyperfine -N -w 3 -r "$PER" --export-json "$W/h$r.json" \
        -n dry-run "$CFG --config $W/dc.conf --dry-run $W/host.yaml" \
        -n bpftool "bpftool btf dump file /sys/kernel/btf/vmlinux format raw" \
        ${FULL:+-n full "$FULL"} >/dev/null
done

rss() { # median peak RSS (KiB) of 5 runs of the command
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
    done | sort -n | sed -n 3p
}
RSS_DRY=$(rss "$CFG" --config "$W/dc.conf" --dry-run "$W/host.yaml")
RSS_BPF=$(rss bpftool btf dump file /sys/kernel/btf/vmlinux format raw)
RSS_FULL=
[ -n "$FULL" ] && RSS_FULL=$(rss $FULL)

python3 - "$W" "$ROUNDS" "$RSS_DRY" "$RSS_BPF" "$RSS_FULL" <<'PY'
import json, statistics, sys
w, rounds = sys.argv[1], int(sys.argv[2])
rss = {"dry-run": sys.argv[3], "bpftool": sys.argv[4], "full": sys.argv[5]}
times = {}
for r in range(1, rounds + 1):
    for res in json.load(open("%s/h%d.json" % (w, r)))["results"]:
        times.setdefault(res["command"], []).extend(res["times"])
med = {k: statistics.median(v) * 1000 for k, v in times.items()}
print("| command | runs | median wall (ms) | min (ms) | vs bpftool (median) | peak RSS (MiB) |")
print("|---|---:|---:|---:|---:|---:|")
for name in ("dry-run", "full", "bpftool"):
    if name not in times:
        continue
    mib = "%.1f" % (int(rss[name]) / 1024) if rss[name] else "-"
    print("| %s | %d | %.1f | %.1f | %.2f | %s |" % (name, len(times[name]), med[name],
                                                       min(times[name]) * 1000,
                                                       med[name] / med["bpftool"], mib))
ok = med["dry-run"] <= 150 and int(rss["dry-run"]) <= 64 * 1024 and med["dry-run"] <= med["bpftool"]
print("targets (dry-run <= 150 ms, <= 64 MiB, <= bpftool):", "met" if ok else "NOT met")
PY
