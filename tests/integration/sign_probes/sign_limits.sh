#!/usr/bin/env bash
# datacrumbs_sign_probes limits: a 100 MiB request is refused once it passes --max-request,
# and the signer's peak memory (VmHWM) grows by about the cap, not by the request.
. "$(dirname "$0")/lib.sh"

# Under AddressSanitizer, freed memory sits in a quarantine and new requests take fresh pages,
# which would count against the budget; without a quarantine the peak is the signer's own.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"

start_signer --threads 2
before=$(vmhwm_kb "$SIGNER_PID")
r=$("$CLIENT" big "$SOCK" --bytes $((100 * 1024 * 1024)))
expect_code "100 MiB request" -32010 "$r"
sent=$(printf '%s' "$r" | sed -n 's/^sent=\([0-9]*\).*/\1/p')
after=$(vmhwm_kb "$SIGNER_PID")
grow=$((after - before))
echo "VmHWM before ${before} kB, after ${after} kB, grew ${grow} kB; client sent ${sent} bytes"
# 16 MiB (the default --max-request) of request buffers, plus slack for the allocator's and
# the sanitizers' bookkeeping.
if [ "$grow" -lt $((16 * 1024 + 6 * 1024)) ]; then
    pass "peak memory grew by ${grow} kB (cap 16 MiB)"
else
    fail "peak memory grew by ${grow} kB for a 16 MiB cap"
fi
[ "${sent:-0}" -lt $((100 * 1024 * 1024)) ] && pass "the rest of the request was not read" ||
    fail "the whole request was consumed"
grep -q 'refused (-32010 too large)' "$T/signer.log" && pass "logged" || fail "not logged"
expect_alive "a 100 MiB request"

# Several at once stay within --max-buffered: the extra ones are told to retry.
stop_signer
start_signer --max-request 4M --max-buffered 6M --threads 2
before=$(vmhwm_kb "$SIGNER_PID")
for i in 1 2 3 4; do
    "$CLIENT" big "$SOCK" --bytes $((20 * 1024 * 1024)) > "$T/big$i.out" &
    pids="${pids:-} $!"
done
wait $pids
after=$(vmhwm_kb "$SIGNER_PID")
grow=$((after - before))
busy=$(cat "$T"/big*.out | grep -c -- '-32012' || true)
large=$(cat "$T"/big*.out | grep -c -- '-32010' || true)
[ $((busy + large)) = 4 ] && pass "4 big requests: $large too large, $busy busy" ||
    fail "big requests: $(cat "$T"/big*.out)"
if ldd "$SIGNER" 2>/dev/null | grep -q libasan; then
    # Four threads' allocator caches of AddressSanitizer hold more than the budget itself.
    echo "note: AddressSanitizer build: peak memory ${grow} kB not checked against the budget"
elif [ "$grow" -lt $((6 * 1024 + 6 * 1024)) ]; then
    pass "peak memory grew by ${grow} kB (budget 6 MiB)"
else
    fail "peak memory grew by ${grow} kB for a 6 MiB budget"
fi
expect_alive "parallel big requests"
finish
