#!/usr/bin/env bash
# HMAC-SHA256 speed of dc_pf_hmac_hex (the probe file MAC) against `openssl dgst -sha256 -hmac`
# on the same bytes, in the same run: the reference vector payload (594 B), 64 KiB, 1 MiB and
# 16 MiB (the reader's cap). Prints a Markdown table; results live in docs/perf-probefile.md.
#
# Usage: bench/probefile_hmac.sh BUILD_DIR [HYPERFINE_RUNS]
# In-process: the median of N calls of dc_pf_hmac_hex against `openssl speed -hmac sha256` at the
# same length (ratio = time ours / time openssl, so > 1 means slower).
# Process level: hyperfine runs `probefile_hmac once` and `openssl dgst` alternately (both read
# the file, compute one MAC, print it) and reports medians.
set -eu
BUILD=${1:?usage: probefile_hmac.sh BUILD_DIR [RUNS]}
RUNS=${2:-60}
SRC=$(cd "$(dirname "$0")/.." && pwd)
command -v hyperfine >/dev/null || { echo "hyperfine is needed" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl is needed" >&2; exit 1; }

T=$(mktemp -d /tmp/dc-pf-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
DRIVER=$BUILD/bench/probefile_hmac
if [ ! -x "$DRIVER" ]; then
    # Not built by bench/CMakeLists.txt: build it against the tree's libraries.
    cmake --build "$BUILD" --target dc_probefile >/dev/null
    DRIVER=$T/probefile_hmac
    # shellcheck disable=SC2046 # pkg-config prints several words
    cc -O2 -D_GNU_SOURCE -I"$SRC/src/probefile" -o "$DRIVER" "$SRC/bench/probefile_hmac.c" \
        "$BUILD/src/probefile/libdc_probefile.a" "$BUILD/src/common/libdc_common.a" \
        $(pkg-config --cflags --libs jansson libcrypto zlib)
fi

KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
printf '%s' "$KEY" >"$T/key"
printf '%s' '{"summary":{"config_file_path":"\/home\/alice\/host.yaml","probe_file_path":"\/home\/alice\/probes.json.gz","hostname":"node1","user":"alice","install_user":"root"},"categories":[{"type":0,"name":"sys","functions":["openat","read"],"function_arguments":{"read":[{"index":0,"num_bytes":4,"is_pointer":false,"label":"fd","c_type":"unsigned int"},{"index":1,"num_bytes":64,"is_pointer":true,"label":"buf","c_type":"char *"}]}},{"type":2,"name":"libc","functions":["fopen:0x7f1c0","fread:0x7a2b0"],"binary_path":"\/usr\/lib64\/libc.so.6","include_offsets":true}],"checksum_algorithm":"hmac-sha256"}' >"$T/594B"
head -c 65536 /dev/urandom >"$T/64KiB"
head -c 1048576 /dev/urandom >"$T/1MiB"
head -c 16777216 /dev/urandom >"$T/16MiB"

median_ms() { # hyperfine JSON -> median of the command at index $2, in ms
    sed -n 's/.*"median": *\([0-9.e-]*\).*/\1/p' "$1" | sed -n "$(($2 + 1))p" |
        awk '{ printf "%.2f", $1 * 1000 }'
}

echo "| input | dc_pf_hmac_hex median per call | ours MB/s | openssl speed MB/s | in-process ratio | probefile_hmac process median | openssl dgst process median | process ratio |"
echo "|---|---|---|---|---|---|---|---|"
for f in 594B 64KiB 1MiB 16MiB; do
    case $f in 594B) n=20000 ;; 64KiB) n=2000 ;; 1MiB) n=200 ;; *) n=20 ;; esac
    read -r ours med_ns _ mbs < <("$DRIVER" loop "$T/key" "$T/$f" "$n")
    theirs=$(openssl dgst -sha256 -hmac "$KEY" "$T/$f" | sed 's/^.*= //')
    if [ "$ours" != "$theirs" ]; then
        echo "MAC mismatch on $f: $ours vs $theirs" >&2
        exit 1
    fi
    # OpenSSL's own loop over the same length (HMAC cost does not depend on the bytes).
    speed=$(openssl speed -seconds 2 -bytes "$(stat -c %s "$T/$f")" -hmac sha256 2>/dev/null |
        awk '/^hmac\(sha256\)/ { sub(/k$/, "", $NF); printf "%.1f", $NF / 1000 }')
    hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$T/h.json" \
        "$DRIVER once $T/key $T/$f" "openssl dgst -sha256 -hmac $KEY $T/$f" >/dev/null 2>&1
    a=$(median_ms "$T/h.json" 0)
    b=$(median_ms "$T/h.json" 1)
    if [ "$med_ns" -lt 100000 ]; then inproc="$(awk -v n="$med_ns" 'BEGIN { printf "%.2f µs", n / 1000 }')"; else inproc="$(awk -v n="$med_ns" 'BEGIN { printf "%.2f ms", n / 1e6 }')"; fi
    echo "| $f | $inproc | $mbs | $speed | $(awk -v a="$mbs" -v b="$speed" 'BEGIN { printf "%.3f", b / a }') | $a ms | $b ms | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", a / b }') |"
done
