#!/bin/bash
# test_inspect.sh BUILD SRC - probe files written by the library, checked by
# datacrumbs_probe_inspect and by independent tools: the reference vector, openssl HMAC, jq,
# tampering, expiry, non-root callers, broken files and a gzip bomb.
# shellcheck disable=SC2015 # pass and fail always return 0: A && pass || fail is an if
. "$2/tests/integration/probefile/common.sh" "$1" "$2"

[ "$(id -u)" -eq 0 ] || skip_all "verification needs a root-owned secret; run as root"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

D=$T/etc
mkdir -m 0700 "$D"
KEY=$D/probe-secret
"$SECRET_TOOL" --secret-file "$KEY" create 2>/dev/null || { echo "cannot create a secret"; exit 1; }
printf 'secret_file = %s\n' "$KEY" >"$T/datacrumbs.conf"
chmod 0644 "$T/datacrumbs.conf"
inspect() { "$INSPECT" --config "$T/datacrumbs.conf" "$@"; }
hmac() { openssl dgst -sha256 -mac HMAC -macopt "key:$1" | sed 's/^.*= //'; }
checksum_of() { gzip -dcf "$1" | sed -n 's/.*"checksum": *"\([0-9a-f]*\)".*/\1/p'; }
HAVE_OPENSSL=1
command -v openssl >/dev/null || HAVE_OPENSSL=0

# --- the reference vector (upstream-probe-generation.md 5.3) ----------------------------------
VKEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
mkdir -m 0700 "$T/vec" && printf '%s' "$VKEY" >"$T/vec/key" && chmod 0400 "$T/vec/key"
printf 'secret_file = %s\n' "$T/vec/key" >"$T/vec.conf"
cat >"$T/vec-payload.txt" <<'PAYLOAD'
{"summary":{"config_file_path":"\/home\/alice\/host.yaml","probe_file_path":"\/home\/alice\/probes.json.gz","hostname":"node1","user":"alice","install_user":"root"},"categories":[{"type":0,"name":"sys","functions":["openat","read"],"function_arguments":{"read":[{"index":0,"num_bytes":4,"is_pointer":false,"label":"fd","c_type":"unsigned int"},{"index":1,"num_bytes":64,"is_pointer":true,"label":"buf","c_type":"char *"}]}},{"type":2,"name":"libc","functions":["fopen:0x7f1c0","fread:0x7a2b0"],"binary_path":"\/usr\/lib64\/libc.so.6","include_offsets":true}],"checksum_algorithm":"hmac-sha256"}
PAYLOAD
printf '%s' "$(cat "$T/vec-payload.txt")" >"$T/vec-payload.bin" # without the newline
VSUM='{"config_file_path":"/home/alice/host.yaml","probe_file_path":"/home/alice/probes.json.gz","hostname":"node1","user":"alice","install_user":"root"}'
VCAT='[{"type":0,"name":"sys","functions":["openat","read"],"function_arguments":{"read":[{"index":0,"num_bytes":4,"is_pointer":false,"label":"fd","c_type":"unsigned int"},{"index":1,"num_bytes":64,"is_pointer":true,"label":"buf","c_type":"char *"}]}},{"type":2,"name":"libc","functions":["fopen:0x7f1c0","fread:0x7a2b0"],"binary_path":"/usr/lib64/libc.so.6","include_offsets":true}]'
"$PF_SIGN" "$VSUM" "$VCAT" "$T/vec/key" "$T/vec.json.gz"
expect_rc 0 "vector: written file inspects" -- "$INSPECT" --payload "$T/vec.json.gz"
if [ "$(stat -c %s "$T/vec-payload.bin")" = 594 ] && cmp -s "$T/out" "$T/vec-payload.bin"; then
    pass "vector: the canonical payload is the reference 594 bytes"
else
    fail "vector: payload differs: $(cmp "$T/out" "$T/vec-payload.bin" 2>&1)"
fi
VMAC=05a148bfbbec07dcc4ec3d3bf38da2740b96f2747f299238551bf0e18c66b884
[ "$(checksum_of "$T/vec.json.gz")" = "$VMAC" ] && pass "vector: checksum is the reference" ||
    fail "vector: checksum $(checksum_of "$T/vec.json.gz")"
expect_rc 0 "vector: verifies with its key" -- "$INSPECT" --config "$T/vec.conf" --verify "$T/vec.json.gz"
expect_grep "never" "$T/out" "vector: no expiry shown as never"
expect_rc 5 "vector: wrong key (our secret) fails" -- inspect --verify "$T/vec.json.gz"
if [ $HAVE_OPENSSL = 1 ]; then
    [ "$(hmac "$VKEY" <"$T/vec-payload.bin")" = "$VMAC" ] && pass "vector: openssl agrees" || fail "vector: openssl disagrees"
fi

# --- a file of ours, checked by independent tools ----------------------------------------------
SUMMARY='{"config_file_path":"/home/root/host.yaml","probe_file_path":"/home/root/p.json.gz","hostname":"node1","user":"root","install_user":"root","uid":0,"issued_at":"@now","expires_at":"@+604800"}'
CATS='[{"type":0,"name":"sys","functions":["openat","read"]},{"type":2,"name":"libc \u00e9/x","functions":["fopen","fread","fwrite"],"binary_path":"/usr/lib/x86_64-linux-gnu/libc.so.6","include_offsets":false}]'
"$PF_SIGN" "$SUMMARY" "$CATS" "$KEY" "$T/p.json.gz"
chmod 0644 "$T/p.json.gz"
SUM=$(checksum_of "$T/p.json.gz")
expect_rc 0 "ours: --verify as root" -- inspect --verify "$T/p.json.gz"
expect_grep "verification  ok" "$T/out" "ours: says ok"
expect_grep "uid 0" "$T/out" "ours: shows the uid"
expect_grep "expires .*(in 6d 23h\|(in 7d 0h" "$T/out" "ours: shows the expiry"
expect_grep "2 (5 functions)" "$T/out" "ours: category and function counts"
inspect --payload "$T/p.json.gz" >"$T/p.payload"
if [ $HAVE_OPENSSL = 1 ]; then
    [ "$(hmac "$(cat "$KEY")" <"$T/p.payload")" = "$SUM" ] && pass "ours: openssl HMAC of the payload = checksum" ||
        fail "ours: openssl HMAC differs"
fi
if command -v jq >/dev/null; then
    # The payload rebuilt without our code: jq keeps key order and writes compact JSON; only
    # '/' must become '\/' (jq writes it bare, and it occurs nowhere but in strings).
    gzip -dc "$T/p.json.gz" | jq -cj '{summary, categories, checksum_algorithm: "hmac-sha256"}' |
        sed 's#/#\\/#g' >"$T/p.jq"
    cmp -s "$T/p.jq" "$T/p.payload" && pass "ours: jq rebuilds the same payload bytes" ||
        fail "ours: jq payload differs: $(cat "$T/p.jq")"
    [ $HAVE_OPENSSL = 1 ] && { [ "$(hmac "$(cat "$KEY")" <"$T/p.jq")" = "$SUM" ] &&
        pass "ours: jq + openssl verify the file without our code" || fail "ours: jq + openssl disagree"; }
    inspect --json --verify "$T/p.json.gz" >"$T/p.js"
    [ "$(jq -r '.verification, .total_functions, .categories[1].type_name, .summary.uid, .expired' "$T/p.js" | tr '\n' ' ')" = "verified 5 uprobe 0 false " ] &&
        pass "ours: --json fields" || fail "ours: --json: $(cat "$T/p.js")"
else
    echo "note: jq not installed, independent payload rebuild skipped"
fi

# --- plain copy, tampering, wrong key, validity window ------------------------------------------
gzip -dc "$T/p.json.gz" >"$T/plain.json"
expect_rc 0 "gunzipped copy verifies" -- inspect --verify "$T/plain.json"
expect_grep "plain JSON" "$T/out" "gunzipped copy: shown as plain JSON"
sed 's/"fwrite"/"fwritE"/' "$T/plain.json" >"$T/tampered.json"
expect_rc 5 "tampered function name fails" -- inspect --verify "$T/tampered.json"
expect_grep "checksum does not match" "$T/err" "tampered: message"
sed 's/"uid": 0/"uid": 1000/' "$T/plain.json" >"$T/tampered2.json"
expect_rc 5 "tampered uid fails" -- inspect --verify "$T/tampered2.json"
expect_rc 0 "tampered file still inspects without --verify" -- inspect "$T/tampered.json"
mkdir -m 0700 "$T/other"
"$SECRET_TOOL" --secret-file "$T/other/key" create 2>/dev/null
printf 'secret_file = %s\n' "$T/other/key" >"$T/other.conf"
expect_rc 5 "another node's secret fails" -- "$INSPECT" --config "$T/other.conf" --verify "$T/p.json.gz"
"$PF_SIGN" "${SUMMARY/@+604800/@-10}" "$CATS" "$KEY" "$T/expired.json.gz"
expect_rc 6 "expired fails --verify" -- inspect --verify "$T/expired.json.gz"
expect_grep "expired" "$T/err" "expired: message"
expect_rc 0 "expired still inspects" -- inspect "$T/expired.json.gz"
expect_grep "EXPIRED" "$T/out" "expired: shown"
"$PF_SIGN" "${SUMMARY/@now/@+3600}" "$CATS" "$KEY" "$T/future.json.gz"
expect_rc 6 "issued in the future fails --verify" -- inspect --verify "$T/future.json.gz"

# --- who may verify -----------------------------------------------------------------------------
expect_rc 0 "non-root inspects" -- "${NOBODY[@]}" "$INSPECT" --config "$T/datacrumbs.conf" "$T/p.json.gz"
expect_rc 7 "non-root --verify: structure only" -- "${NOBODY[@]}" "$INSPECT" --config "$T/datacrumbs.conf" --verify "$T/p.json.gz"
expect_grep "structure" "$T/out" "non-root: output says structure only"
expect_grep "only the structure" "$T/err" "non-root: warning"
chmod 0644 "$KEY"
expect_rc 8 "root --verify with an insecure secret" -- inspect --verify "$T/p.json.gz"
expect_grep "world-readable\|group-readable" "$T/err" "insecure secret: message"
chmod 0400 "$KEY"

# --- broken files ---------------------------------------------------------------------------------
expect_rc 3 "missing file" -- inspect "$T/none.json.gz"
expect_rc 3 "a directory" -- inspect "$T"
printf 'not json' >"$T/bad.json"
expect_rc 4 "not JSON" -- inspect "$T/bad.json"
: >"$T/empty.json"
expect_rc 4 "empty file" -- inspect "$T/empty.json"
{ cat "$T/plain.json"; echo '{}'; } >"$T/trailing.json"
expect_rc 4 "trailing data after the JSON" -- inspect "$T/trailing.json"
{ cat "$T/p.json.gz"; echo garbage; } >"$T/trailing.gz"
expect_rc 4 "trailing data after the gzip stream" -- inspect "$T/trailing.gz"
head -c 100 "$T/p.json.gz" >"$T/truncated.gz"
expect_rc 4 "truncated gzip" -- inspect "$T/truncated.gz"
sed 's/"user": "root"/"user": "ro\\u0007ot"/' "$T/plain.json" >"$T/control.json"
expect_rc 4 "control character" -- inspect "$T/control.json"
expect_grep "control character" "$T/err" "control character: message"

# --- a gzip bomb: 1 GiB of zeros in about 1 MiB ----------------------------------------------------
# One member for 1 MiB of zeros, repeated 1024 times (gzip members may follow each other, and
# readers must take them all). Inflating the whole GiB here to prove it would take seconds;
# one member inflates to 1 MiB and the file is exactly 1024 of them.
head -c 1048576 /dev/zero | gzip -9 >"$T/m1.gz"
cp "$T/m1.gz" "$T/m.gz"
for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$T/m.gz" "$T/m.gz" >"$T/m2.gz" && mv "$T/m2.gz" "$T/m.gz"; done
if [ "$(gzip -dc "$T/m1.gz" | wc -c)" = 1048576 ] &&
    [ "$(stat -c %s "$T/m.gz")" = $((1024 * $(stat -c %s "$T/m1.gz"))) ]; then
    pass "bomb: $(stat -c %s "$T/m.gz") bytes inflate to 1 GiB"
else
    fail "bomb is not 1024 members of 1 MiB"
fi
if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%e %M' -o "$T/time" "$INSPECT" "$T/m.gz" >/dev/null 2>"$T/err"
    RC=$?
    read -r SECS KIB < <(tail -n 1 "$T/time") || true
    [ "$RC" = 4 ] && pass "bomb refused (exit 4)" || fail "bomb: exit $RC"
    expect_grep "too large" "$T/err" "bomb: message"
    awk -v s="$SECS" 'BEGIN { exit !(s < 5) }' && pass "bomb: refused in ${SECS}s" || fail "bomb took ${SECS}s"
    [ "${KIB:-999999}" -lt 131072 ] && pass "bomb: max RSS ${KIB} KiB" || fail "bomb: max RSS ${KIB} KiB"
else
    expect_rc 4 "bomb refused" -- timeout 10 "$INSPECT" "$T/m.gz"
    echo "note: /usr/bin/time missing, bomb memory not measured"
fi

# --- usage ------------------------------------------------------------------------------------------
expect_rc 2 "no file" -- inspect
expect_rc 2 "two files" -- inspect a b
expect_rc 2 "unknown option" -- inspect --frob x
expect_rc 2 "--payload with --json" -- inspect --payload --json x
expect_rc 0 "--help" -- "$INSPECT" --help
expect_grep "EXAMPLES" "$T/out" "--help has examples"

finish
