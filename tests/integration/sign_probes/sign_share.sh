#!/usr/bin/env bash
# datacrumbs_sign_probes memory shares: one uid holding 16 slow connections of ~16 MiB each
# (the whole default --max-buffered of 256M on the old single budget) gets at most its share;
# another uid meanwhile gets 30 of 30 requests signed, each within 1 s.
. "$(dirname "$0")/lib.sh"

printf 'x\n' >"$T/host.yaml"
printf 'ELF' >"$T/lib.so"
chmod 0644 "$T/host.yaml" "$T/lib.so"
cat >"$T/t.json" <<JSON
{"summary": {"config_file_path": "$T/host.yaml", "probe_file_path": "$T/p.json.gz"},
 "categories": [{"type":2,"name":"lib","functions":["f1","f2"],"binary_path":"$T/lib.so","include_offsets":false}]}
JSON
as nobody "$CLIENT" request "$T/t.json" >"$T/req-nobody.json"

# The defaults: --max-request 16M, --max-buffered 256M (a quarter per uid).
start_signer --timeout 60 --threads 2

# Root (one uid) sends 16 requests of ~16 MiB and never finishes them: 15 of 256 chunks of
# 64 KiB and one of 255, which on one budget for all takes every chunk of the 256M.
"$CLIENT" hold "$SOCK" --count 15 --bytes $((16 * 1024 * 1024 - 4096)) --seconds 50 \
    >"$T/hold.out" &
hold_pid=$!
for _ in $(seq 600); do grep -q 'held=' "$T/hold.out" && break; sleep 0.05; done
"$CLIENT" hold "$SOCK" --count 1 --bytes $((255 * 65536 - 4096)) --seconds 50 >"$T/hold2.out" &
hold2_pid=$!
for _ in $(seq 600); do grep -q 'held=' "$T/hold2.out" && break; sleep 0.05; done
held=$(sed -n 's/^held=\([0-9]*\) of 15$/\1/p' "$T/hold.out")
held2=$(sed -n 's/^held=\([0-9]*\) of 1$/\1/p' "$T/hold2.out")
[ -n "$held" ] && [ -n "$held2" ] || fail "the holder did not finish sending: $(cat "$T/hold.out" "$T/hold2.out")"
held=$((${held:-0} + ${held2:-0}))
[ "$held" -lt 16 ] && pass "one uid holds $held of its 16 big requests" ||
    fail "one uid holds $held of 16 big requests (no per-uid share)"
grep -q 'refused (-32012 busy).*most memory one user may' "$T/signer.log" &&
    pass "its others were told they hold the most one user may" ||
    fail "no per-user busy refusal logged: $(grep -m2 busy "$T/signer.log")"

# Meanwhile, nobody asks 30 times, one after the other.
out=$(as nobody "$CLIENT" load "$SOCK" "$T/req-nobody.json" --clients 1 --requests 30)
printf '%s\n' "$out" | grep -q '^ok=30 failed=0 ' && pass "another uid: 30 of 30 signed ($out)" ||
    fail "another uid while one holds its share: $out"
max=$(printf '%s\n' "$out" | sed -n 's/.* max_ms=\([0-9.]*\).*/\1/p')
awk -v m="${max:-99999}" 'BEGIN { exit !(m < 1000) }' &&
    pass "each within 1 s (slowest ${max} ms)" || fail "slowest request took ${max:-?} ms"

kill "$hold_pid" "$hold2_pid" 2>/dev/null
wait "$hold_pid" "$hold2_pid" 2>/dev/null
# Their closes end the requests (a half-close); the memory is free once they are refused.
for _ in $(seq 100); do
    printf '{"jsonrpc":"2.0","id":0,"method":"status"}' | "$CLIENT" send "$SOCK" |
        grep -q '"key_fingerprint"' && break
    sleep 0.1
done
expect_alive "held memory"
finish
