#!/bin/bash
# test_runtime_strings.sh BUILD SRC - string arguments are as long as documented, and say
# when they are not whole or not text:
#  - a probe file from the configurator and the signer with the shipped probe policy: the
#    syscalls' paths at the default length (255 bytes, datacrumbs(8)), the C library's at the
#    length the host YAML asks for (string_bytes: 100);
#  - cat opens paths of 200, 255, 256 and 300 bytes: each comes out whole, or cut at the
#    length and marked "LABEL.cut": true;
#  - a file name that is not UTF-8 comes out with U+FFFD and its exact bytes in "LABEL.hex";
#    one with the character U+00FF has no hex form (the two cannot be confused);
#  - a read buffer (dc_rt_mkprobe --buffers --string-bytes 16): what the call returned, NUL
#    and non-UTF-8 bytes included, cut at 16 and marked when it returned more.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
command -v jq >/dev/null || skip_all "no jq"
rt_setup
trap 'rt_cleanup; rm -rf -- "$T_TMP"' EXIT
P=$RT/pub
MAX=255
check "datacrumbs(8) documents $MAX bytes" grep -q "at most $MAX bytes" "$SRC/man/man8/datacrumbs.8"

# mkpath LEN: a file whose absolute path is LEN bytes long (directories of 50 bytes).
mkpath() {
    local want=$1 p=$P/long$1 d
    d=$(printf '%050d' 0)
    mkdir -p "$p"
    while [ $((want - ${#p})) -gt 60 ]; do
        p=$p/$d
        mkdir -p "$p"
    done
    p=$p/$(printf "%0$((want - ${#p} - 1))d" 0)
    echo "path of $want" >"$p"
    echo "$p"
}
F200=$(mkpath 200)
F255=$(mkpath 255)
F256=$(mkpath 256)
F300=$(mkpath 300)
check "paths of 200, 255, 256 and 300 bytes" [ ${#F200} -eq 200 ] && [ ${#F255} -eq 255 ] &&
    [ ${#F256} -eq 256 ] && [ ${#F300} -eq 300 ]
BAD=$P/bad-$(printf '\377\376')-name
GOOD=$P/good-$(printf '\303\277')-name
echo bad >"$BAD"
echo good >"$GOOD"
chmod -R a+rX "$P"

rt_signer
cat >"$RT/host.yaml" <<YAML
capture_probes:
  - name: libc
    type: binary
    probe: uprobe
    file: libc.so.6
    regex: (open|open64|openat|openat64)
    string_bytes: 100
  - name: sys
    type: btf
    probe: syscalls
    regex: (openat|read|close)
YAML
check_rc "configurator: string_bytes 100 for the C library" 0 "$RT_CFG" --config "$RT_CONF" --quiet \
    "$RT/host.yaml" "$RT/p.json.gz"
contains "the probe file says 100 for libc" "$(zcat "$RT/p.json.gz" | jq -c '.categories[0].function_arguments[][] | select(.is_pointer) | .num_bytes' | sort -u)" 100
contains "and $MAX for the syscalls" "$(zcat "$RT/p.json.gz" | jq -c '.categories[1].function_arguments.openat[] | select(.is_pointer) | .num_bytes')" $MAX
sed "s/string_bytes: 100/string_bytes: 4096/" "$RT/host.yaml" >"$RT/big.yaml"
check_rc "string_bytes above $MAX is refused, naming the line" 2 "$RT_CFG" --config "$RT_CONF" --dry-run \
    "$RT/big.yaml"
contains "with the maximum" "$ERR" ":7: capture_probes[0] (libc): key 'string_bytes' must be between 1 and $MAX, not 4096"

rt_start_first "$RT/p.json.gz" str root
"$RT_WRAP" --config "$RT_CONF" cat "$F200" "$F255" "$F256" "$F300" "$BAD" "$GOOD" >/dev/null
check "cat read them all" [ $? -eq 0 ]
rt_stop
T=$(rt_summary_get str trace_file)
check "the trace is valid" rt_valid_trace "$T"
zcat "$T" | sed '1d;$d' >"$RT/events.json"

# args EXPR CAT: the args objects of the CAT events whose path argument satisfies EXPR, where
# $p is the path argument's value (the one string argument that starts with $P).
args_of() {
    jq -c --arg pub "$P" --arg cat "$2" "select(.cat == \$cat) | .args |
        (to_entries | map(select((.value | type) == \"string\" and (.value | startswith(\$pub))))
            | .[0].value) as \$p | select(\$p != null) | select($1)" "$RT/events.json"
}
# one KEY CAT PATH: the value of args KEY of the first CAT event of PATH (jq output).
one() {
    jq -c --arg pub "$P" --arg cat "$2" --arg path "$3" --arg key "$1" '
        select(.cat == $cat) | .args | select(to_entries | map(.value) | index($path)) | .[$key]' \
        "$RT/events.json" | head -1
}
# the label of the path argument of CAT's events
label_of() {
    jq -r --arg pub "$P" --arg cat "$1" 'select(.cat == $cat) | .args | to_entries[]
        | select((.value | type) == "string" and (.value | startswith($pub))) | .key' \
        "$RT/events.json" | head -1
}
SL=$(label_of sys)
LL=$(label_of libc)
check "the syscall openat has a path label ($SL)" [ -n "$SL" ]
check "the C library's open has one ($LL)" [ -n "$LL" ]

# Syscalls: 255 bytes.
check "200 bytes: whole" [ "$(one "$SL" sys "$F200")" = "\"$F200\"" ]
check "200 bytes: not marked" [ "$(one "$SL.cut" sys "$F200")" = null ]
check "255 bytes: whole" [ "$(one "$SL" sys "$F255")" = "\"$F255\"" ]
check "255 bytes: not marked" [ "$(one "$SL.cut" sys "$F255")" = null ]
check "256 bytes: cut at $MAX" [ -n "$(args_of "\$p == \"${F256:0:MAX}\"" sys)" ]
check "256 bytes: marked" [ "$(args_of "\$p == \"${F256:0:MAX}\"" sys | jq -c ".[\"$SL.cut\"]" | head -1)" = true ]
check "300 bytes: cut at $MAX and marked" \
    [ "$(args_of "\$p == \"${F300:0:MAX}\"" sys | jq -c ".[\"$SL.cut\"]" | head -1)" = true ]
check "no path shorter than it should be" [ -z "$(args_of "(\$p | length) < 200 and (\$p | startswith(\"$P/long\"))" sys)" ]
# The C library: 100 bytes, as the host file says.
check "libc: 200 bytes cut at 100" [ -n "$(args_of "\$p == \"${F200:0:100}\"" libc)" ]
check "libc: and marked" [ "$(args_of "\$p == \"${F200:0:100}\"" libc | jq -c ".[\"$LL.cut\"]" | head -1)" = true ]
check "libc: nothing longer than 100" [ -z "$(args_of "(\$p | length) > 100" libc)" ]
# Not UTF-8, and UTF-8.
HEX=$(printf '%s' "$BAD" | od -An -tx1 | tr -d ' \n')
check "a name that is not UTF-8: U+FFFD in the text" \
    [ "$(one "$SL" sys "$P/bad-$(printf '\357\277\275\357\277\275')-name")" = "\"$P/bad-$(printf '\357\277\275\357\277\275')-name\"" ]
check "and its exact bytes in $SL.hex" \
    [ "$(one "$SL.hex" sys "$P/bad-$(printf '\357\277\275\357\277\275')-name")" = "\"$HEX\"" ]
check "a name with U+00FF: as it is" [ "$(one "$SL" sys "$GOOD")" = "\"$GOOD\"" ]
check "without a hex form" [ "$(one "$SL.hex" sys "$GOOD")" = null ]

# --- a read buffer: NUL and non-UTF-8 bytes, bounded by the return value, cut at 16.
printf 'ab\000cd\377ef' >"$P/bin8"
head -c 40 /dev/zero | tr '\0' 'x' >"$P/text40"
chmod a+r "$P/bin8" "$P/text40"
check "probe file with buffer captures of 16 bytes" "$RT_MKPROBE" --buffers --string-bytes 16 \
    --secret "$RT/etc/secret" --out "$RT/b.json.gz" --user root --syscalls sys:openat,read
rt_start "$RT/b.json.gz" buf root
check "daemon started" [ -n "$RT_PID" ]
"$RT_WRAP" --config "$RT_CONF" cat "$P/bin8" "$P/text40" >/dev/null
rt_stop
T=$(rt_summary_get buf trace_file)
check "the trace is valid" rt_valid_trace "$T"
R=$(zcat "$T" | grep '"name":"read"' | grep -v '"ret":0}' | sed 's/.*"args":{\(.*\)}}$/\1/')
echo "$R" | sed 's/^/#   /'
contains "8 bytes returned: all 8, NUL and U+FFFD" "$R" '"buf":"ab\u0000cd'"$(printf '\357\277\275')"'ef"'
contains "with the bytes" "$R" '"buf.hex":"6162006364ff6566"'
lacks "not cut" "$(grep '"ret":8$' <<<"$R")" 'buf.cut'
contains "40 returned: 16 shown, marked" "$R" '"buf":"xxxxxxxxxxxxxxxx","buf.cut":true,"count":131072,"ret":40'
finish
