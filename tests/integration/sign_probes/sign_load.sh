#!/usr/bin/env bash
# datacrumbs_sign_probes under load: 200 clients at once are all served while 20 connections
# that send nothing sit open; the idle ones are closed with -32011 after the read deadline.
. "$(dirname "$0")/lib.sh"

# Seconds since START (both from date +%s.%N), to the millisecond.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }'; }

printf 'x\n' > "$T/host.yaml"
printf 'ELF' > "$T/lib.so"
chmod 0644 "$T/host.yaml" "$T/lib.so"
cat > "$T/t.json" <<JSON
{"summary": {"config_file_path": "$T/host.yaml", "probe_file_path": "$T/p.json.gz"},
 "categories": [{"type":0,"name":"sys","functions":["openat","read","write","close"]},
   {"type":2,"name":"lib","functions":["f1","f2","f3"],"binary_path":"$T/lib.so","include_offsets":false}]}
JSON
"$CLIENT" request "$T/t.json" > "$T/req.json"

start_signer --timeout 3 --threads 2

# The idle connections go first, so the busy clients run while they are open.
"$CLIENT" idle "$SOCK" --count 20 --within 6 > "$T/idle.out" &
idle_pid=$!
sleep 0.3
start=$(date +%s.%N)
if "$CLIENT" load "$SOCK" "$T/req.json" --clients 200 --requests 200 > "$T/load.out"; then
    pass "200 concurrent clients served: $(cat "$T/load.out")"
else
    fail "concurrent clients: $(cat "$T/load.out")"
fi
took=$(since "$start")
# Served while the idle connections were still open (their deadline is 3 s).
if awk -v t="$took" 'BEGIN { exit !(t < 2.5) }'; then
    pass "the idle connections did not hold anyone up (${took}s)"
else
    fail "200 requests took ${took}s next to idle connections"
fi
if wait "$idle_pid"; then
    pass "idle connections timed out with -32011: $(cat "$T/idle.out")"
else
    fail "idle connections: $(cat "$T/idle.out")"
fi
n=$(grep -c 'refused (-32011 timeout)' "$T/signer.log")
[ "$n" = 20 ] && pass "20 timeouts logged" || fail "$n timeouts logged, want 20"
n=$(grep -c 'uid=0 user=root pid=[0-9]* method="sign_probe_payload" .* accepted' "$T/signer.log")
[ "$n" = 200 ] && pass "200 decisions logged" || fail "$n accepted decisions logged, want 200"

# A client that sends half a request and stalls is cut off too.
printf '{"jsonrpc":"2.0","id":1,' > "$T/half.json"
start=$(date +%s.%N)
r=$(timeout 10 "$CLIENT" send "$SOCK" "$T/half.json" --no-shutdown)
took=$(since "$start")
expect_code "stalled client cut off after ${took}s" -32011 "$r"
expect_alive "load"

# One user may not take every connection: 256 per uid by default, here 5.
stop_signer
start_signer --timeout 2 --max-clients-per-user 5
"$CLIENT" idle "$SOCK" --count 5 --within 4 > /dev/null &
idle_pid=$!
sleep 0.3
r=$(printf '{"jsonrpc":"2.0","id":1,"method":"status"}' | "$CLIENT" send "$SOCK")
expect_code "sixth connection of one user" -32012 "$r"
r=$(printf '{"jsonrpc":"2.0","id":1,"method":"status"}' | as nobody "$CLIENT" send "$SOCK")
expect_result "another user meanwhile" "$r"
wait "$idle_pid"
finish
