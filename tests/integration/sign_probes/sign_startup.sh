#!/usr/bin/env bash
# datacrumbs_sign_probes start-up: the secret must be secure, the socket directory too, a stale
# socket is replaced, anything else at the socket path is left alone, and a second instance on
# the same socket refuses to start.
. "$(dirname "$0")/lib.sh"

run() { timeout 10 "$SIGNER" --config "$T/datacrumbs.conf" --foreground "$@" > "$T/out" 2>&1; }

chmod 0644 "$T/secret"
run --socket "$SOCK"
rc=$?
[ "$rc" = 1 ] && grep -q 'refusing to start' "$T/out" && pass "world-readable secret refused" ||
    fail "insecure secret: rc=$rc $(cat "$T/out")"
chmod 0400 "$T/secret"
mv "$T/secret" "$T/secret.real"
ln -s "$T/secret.real" "$T/secret"
run --socket "$SOCK"
[ $? = 1 ] && pass "symlinked secret refused" || fail "symlinked secret: $(cat "$T/out")"
rm "$T/secret"
mv "$T/secret.real" "$T/secret"
printf 'short' > "$T/short"
chmod 0400 "$T/short"
sed "s|^secret_file = .*|secret_file = $T/short|" "$T/datacrumbs.conf" > "$T/short.conf"
timeout 10 "$SIGNER" --config "$T/short.conf" --foreground --socket "$SOCK" > "$T/out" 2>&1
[ $? = 1 ] && pass "malformed secret refused" || fail "malformed secret: $(cat "$T/out")"

mkdir -m 0777 "$T/open"
run --socket "$T/open/sign.sock"
[ $? = 1 ] && grep -q 'not secure' "$T/out" && pass "world-writable socket directory refused" ||
    fail "open socket dir: $(cat "$T/out")"
printf 'data' > "$T/run/notasocket"
run --socket "$T/run/notasocket"
[ $? = 1 ] && [ "$(cat "$T/run/notasocket")" = data ] && pass "a regular file at the socket path is left alone" ||
    fail "file at socket path: $(cat "$T/out")"
run --socket relative.sock
[ $? = 1 ] && pass "relative socket path refused" || fail "relative socket: $(cat "$T/out")"
run --threads 0
[ $? = 2 ] && pass "usage error exits 2" || fail "usage error: $(cat "$T/out")"
run --bogus
[ $? = 2 ] && grep -q "error: unknown option '--bogus'" "$T/out" && pass "unknown option" ||
    fail "unknown option: $(cat "$T/out")"

# A stale socket (nobody listening) is replaced; a live one is not.
start_signer
stop_signer
"$SIGNER" --config "$T/datacrumbs.conf" --socket "$SOCK" --foreground > "$T/signer.log" 2>&1 &
SIGNER_PID=$!
sleep 0.5
kill -KILL "$SIGNER_PID"
wait "$SIGNER_PID" 2>/dev/null
SIGNER_PID=
[ -S "$SOCK" ] || fail "expected a stale socket after SIGKILL"
start_signer
pass "stale socket replaced"
[ "$(stat -c %a "$SOCK")" = 666 ] && pass "socket mode 0666" || fail "socket mode $(stat -c %a "$SOCK")"
run --socket "$SOCK"
[ $? = 1 ] && grep -q 'another server is listening' "$T/out" && pass "second instance refused" ||
    fail "second instance: $(cat "$T/out")"
expect_alive "a second instance"
"$SIGNER" --help | grep -q '^EXAMPLES' && pass "--help ends with EXAMPLES" || fail "--help"
"$SIGNER" --version | grep -q 'datacrumbs_sign_probes' && pass "--version" || fail "--version"
finish
