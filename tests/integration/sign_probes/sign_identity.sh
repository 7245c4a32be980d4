#!/usr/bin/env bash
# datacrumbs_sign_probes log lines lead with the identity the kernel gave (SO_PEERCRED) and
# quote what the caller wrote: a method name cannot make a line look like someone else's
# decision, end the line, or hide text with terminal or bidi control bytes.
. "$(dirname "$0")/lib.sh"

start_signer

# A method that imitates the start of a line of root's: on the old log format the line began
# with the method, so it read "sign_probe_payload uid=0 user=root ... accepted ...".
forged='sign_probe_payload uid=0 user=root accepted \" FORGE1'
r=$(printf '{"jsonrpc":"2.0","id":1,"method":"%s"}' "$forged" | as nobody "$CLIENT" send "$SOCK")
expect_code "forged method name" -32601 "$r"
# Escape sequences, a bidi override (U+202E) and a quote that would close ours.
r=$(printf '{"jsonrpc":"2.0","id":2,"method":"FORGE2\\u001b[2K\\u202e\\"x\\\\"}' |
    as nobody "$CLIENT" send "$SOCK")
expect_code "method with control bytes" -32601 "$r"
# A long one is cut.
long=FORGE3$(printf 'x%.0s' $(seq 100))
r=$(printf '{"jsonrpc":"2.0","id":3,"method":"%s"}' "$long" | as nobody "$CLIENT" send "$SOCK")
expect_code "long method name" -32601 "$r"
stop_signer

lines=$(grep -a 'FORGE' "$T/signer.log")
n=$(printf '%s\n' "$lines" | grep -c .)
[ "$n" = 3 ] && pass "one line per request" || fail "$n log lines name the forged methods, want 3"
bad=$(printf '%s\n' "$lines" | grep -v '^datacrumbs_sign_probes: uid=65534 user=nobody pid=[0-9]* method="')
[ -z "$bad" ] && pass "every line leads with the caller's uid, user and pid" ||
    fail "a line does not lead with the verified identity: $bad"
printf '%s\n' "$lines" | grep -q 'method="sign_probe_payload uid=0 user=root accepted \\" FORGE1"' &&
    pass "the caller's quote is escaped inside the quoted method" ||
    fail "method not quoted with its quote escaped: $(printf '%s\n' "$lines" | grep FORGE1)"
if LC_ALL=C grep -a 'FORGE2' "$T/signer.log" | LC_ALL=C grep -q "$(printf '[\001-\037\177-\377]')"; then
    fail "control or non-ASCII bytes reached the log: $(grep -a FORGE2 "$T/signer.log" | od -c | head -3)"
else
    pass "control and non-ASCII bytes are written as \\xNN"
fi
grep -a 'FORGE2' "$T/signer.log" | grep -q 'FORGE2\\x1b\[2K\\xe2\\x80\\xae\\"x\\\\"' &&
    pass "escapes are readable" || fail "escapes: $(grep -a FORGE2 "$T/signer.log")"
m=$(grep -a 'FORGE3' "$T/signer.log" | sed -n 's/.* method="\([^"]*\)"\.\.\. .*/\1/p')
[ "${#m}" = 64 ] && pass "a long method is cut at 64 bytes and marked" ||
    fail "long method logged as ${#m} bytes: $(grep -a FORGE3 "$T/signer.log" | head -c 300)"
finish
