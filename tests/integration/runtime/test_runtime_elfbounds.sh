#!/bin/bash
# test_runtime_elfbounds.sh BUILD SRC - the binaries a probe file names are the user's choice:
# reading them is bounded. A crafted ELF with 65534 PT_LOAD headers and 600k symbols (which made
# --check burn a CPU for the whole ready_timeout, holding the run's lock) is refused at once,
# with the file and the limit named.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_setup
trap 'rt_cleanup; rm -rf -- "$T_TMP"' EXIT
MKELF=$BUILD/tests/integration/runtime/rt_mkelf

# timed NAME WANT ARGS...: check_rc of the daemon (killed after 20 s); MS is how long it took.
timed() {
    local name=$1 want=$2 t0
    shift 2
    t0=$(date +%s%N)
    check_rc "$name" "$want" timeout 20 "$RT_DAEMON" --config "$RT_CONF" "$@"
    MS=$((($(date +%s%N) - t0) / 1000000))
    echo "# $name: $MS ms"
}

check "crafted ELF written" "$MKELF" "$RT/pub/crafted.so" 65534 600000
chmod 0644 "$RT/pub/crafted.so"
"$RT_MKPROBE" --secret "$RT/etc/secret" --out "$RT/pub/evil.json.gz" --user nobody \
    --uprobe "evil:$RT/pub/crafted.so:f1,f2,f599999"
chmod 0644 "$RT/pub/evil.json.gz"
timed "--check of a probe file naming it: refused (exit 4)" 4 --check "$RT/pub/evil.json.gz" ev1 nobody
check "within a second" [ "$MS" -lt 1000 ]
contains "the error names the file and the limit" "$OUT$ERR" "$RT/pub/crafted.so: 65534 program headers, more than the limit of 1024"
contains "nothing traceable" "$ERR" "nothing in $RT/pub/evil.json.gz can be traced here"

# A real run refuses it the same way, before any probe or file exists.
timed "a run of it: refused (exit 4)" 4 "$RT/pub/evil.json.gz" ev2 nobody
check "within a second too" [ "$MS" -lt 1000 ]
check "no ready file, no trace" [ ! -e "$RT/run/datacrumbs-ev2.ready" ] && [ -z "$(find "$RT/traces" -type f 2>/dev/null)" ]

# Within the bounds (1024 segments, 600k symbols) a file is read quickly and correctly.
check "large but sane ELF written" "$MKELF" "$RT/pub/big.so" 1024 600000
chmod 0644 "$RT/pub/big.so"
"$RT_MKPROBE" --secret "$RT/etc/secret" --out "$RT/pub/big.json.gz" --user nobody \
    --uprobe "big:$RT/pub/big.so:f599999" --syscalls sys:read
chmod 0644 "$RT/pub/big.json.gz"
timed "--check of a large sane ELF (1024 segments, 600000 symbols) passes" 0 --check "$RT/pub/big.json.gz" ev3 nobody
check "quickly" [ "$MS" -lt 3000 ]
contains "its symbol is found" "$OUT" "big/f599999 at $RT/pub/big.so+0x"
finish
