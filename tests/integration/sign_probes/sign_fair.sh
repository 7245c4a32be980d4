#!/usr/bin/env bash
# datacrumbs_sign_probes fairness: requests whose path checks hang (a hung NFS or FUSE mount,
# simulated by hang_stat.so) hold at most half the workers; another user is still signed at
# once, and the held requests complete when the mount answers again.
. "$(dirname "$0")/lib.sh"

HANG=$BUILD/tests/integration/sign_probes/libdc_test_hang_stat.so
[ -f "$HANG" ] || skip "$HANG is not built"

mkdir -m 0755 "$T/hung" "$T/fine"
printf 'x\n' >"$T/host.yaml"
printf 'ELF' >"$T/hung/lib.so"
printf 'ELF' >"$T/fine/lib.so"
chmod 0644 "$T/host.yaml" "$T/hung/lib.so" "$T/fine/lib.so"
for d in hung fine; do
    cat >"$T/$d.json" <<JSON
{"summary": {"config_file_path": "$T/host.yaml", "probe_file_path": "$T/p.json.gz"},
 "categories": [{"type":2,"name":"lib","functions":["f1"],"binary_path":"$T/$d/lib.so","include_offsets":false}]}
JSON
done
"$CLIENT" request "$T/hung.json" >"$T/req-hung.json"
as nobody "$CLIENT" request "$T/fine.json" >"$T/req-fine.json"

export DC_TEST_HANG_RELEASE=$T/release
# The ASan runtime wants to come first; the preload only wraps stat().
LD_PRELOAD=$HANG ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    start_signer --threads 2 --timeout 30 --verbose
unset DC_TEST_HANG_RELEASE

# Root's requests hang in their path checks: the first takes one of the two workers, the
# second must wait rather than take the other.
"$CLIENT" send "$SOCK" "$T/req-hung.json" >"$T/h1.out" &
h1=$!
sleep 0.5
"$CLIENT" send "$SOCK" "$T/req-hung.json" >"$T/h2.out" &
h2=$!
for _ in $(seq 100); do grep -q 'one waits' "$T/signer.log" && break; sleep 0.05; done
grep -q 'uid 0 has 1 requests in the workers: one waits' "$T/signer.log" &&
    pass "a user's second request waits while its first is in a worker" ||
    fail "no request waited: $(tail -3 "$T/signer.log")"

r=$(as nobody timeout 10 "$CLIENT" send "$SOCK" "$T/req-fine.json")
expect_result "another user is signed while root's requests hang" "$r"

touch "$T/release"
wait "$h1" && expect_result "the first held request completes" "$(cat "$T/h1.out")" ||
    fail "the first held request: $(cat "$T/h1.out")"
wait "$h2" && expect_result "the waiting request completes after it" "$(cat "$T/h2.out")" ||
    fail "the waiting request: $(cat "$T/h2.out")"
expect_alive "hung path checks"
finish
