#!/bin/bash
# test_wrap.sh BUILD SRC - datacrumbs_wrap end to end, and the client library's ELF contract.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/sandbox/sandbox.sh"

# In the ASan build, wrap started under our LD_PRELOAD (wrapping twice) must not abort.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
WRAP=$BUILD/src/wrap/datacrumbs_wrap
LIB=$BUILD/src/client/libdatacrumbs_client.so.0
[ -x "$WRAP" ] && [ -f "$LIB" ] || skip_all "datacrumbs_wrap or the client library is not built"

sandbox_create "$T_TMP/sb" "$BUILD"
W() { "$WRAP" --config "$SANDBOX_CONF" "$@"; }

# The main contract: dd writes its 4096 bytes, and the library ran (start, and exit: it never
# stops tracing by itself).
check_rc "dd through wrap exits 0" 0 env DATACRUMBS_CLIENT_DEBUG=1 "$WRAP" --config "$SANDBOX_CONF" \
    dd if=/dev/zero of="$T_TMP/F" bs=4096 count=1 status=none
check "dd wrote 4096 bytes" [ "$(stat -c %s "$T_TMP/F")" = 4096 ]
contains "library start line" "$ERR" "datacrumbs_client: start (pid"
contains "library exit line" "$ERR" "datacrumbs_client: exit (pid"
lacks "no stop at exit" "$ERR" "datacrumbs_client: stop (pid"
check_rc "silent without DATACRUMBS_CLIENT_DEBUG" 0 W dd if=/dev/zero of="$T_TMP/G" bs=4096 count=1 status=none
check "no output by default" [ -z "$ERR$OUT" ]
check_rc "DATACRUMBS_DISABLE=1 runs" 0 env DATACRUMBS_CLIENT_DEBUG=1 DATACRUMBS_DISABLE=1 "$WRAP" \
    --config "$SANDBOX_CONF" /bin/true
check "DATACRUMBS_DISABLE=1 makes the library silent" [ -z "$ERR" ]

# --run-id: the command gets DATACRUMBS_RUN_ID; a bad one is a usage error naming it.
check_rc "--run-id sets DATACRUMBS_RUN_ID" 0 W --run-id job-42.a sh -c 'test "$DATACRUMBS_RUN_ID" = job-42.a'
check_rc "--run-id=ID too" 0 W --run-id=r7 sh -c 'test "$DATACRUMBS_RUN_ID" = r7'
check_rc "a bad --run-id is refused (exit 2)" 2 W --run-id '../x' /bin/true
contains "naming it" "$ERR" "--run-id '../x': not a run id"

# Exit codes: the command's own, and a shell's for what cannot run.
check_rc "command's exit code passes through" 42 W sh -c 'exit 42'
check_rc "false gives 1" 1 W false
check_rc "no command: usage, exit 2" 2 "$WRAP"
contains "usage on stderr" "$ERR" "Usage: datacrumbs_wrap"
check_rc "only options: exit 2" 2 "$WRAP" --config "$SANDBOX_CONF" --
check_rc "unknown option: exit 2" 2 "$WRAP" --bogus true
contains "unknown option named" "$ERR" "unknown option '--bogus'"
check_rc "not found: 127" 127 W no-such-command-xyz
contains "not found message" "$ERR" "datacrumbs_wrap: error: no-such-command-xyz: command not found"
check_rc "missing path: 127" 127 W "$T_TMP/missing"
printf 'echo hi\n' >"$T_TMP/noexec"
chmod 0644 "$T_TMP/noexec"
check_rc "not executable: 126" 126 W "$T_TMP/noexec"
check_rc "a directory: 126" 126 W "$T_TMP"
contains "directory message" "$ERR" "is a directory"
printf 'echo from-script "$@"\n' >"$T_TMP/nosheb"
chmod 0755 "$T_TMP/nosheb"
check_rc "script without #! runs under sh" 0 W "$T_TMP/nosheb" a b
check "script got its arguments" [ "$OUT" = "from-script a b" ]
check_rc "killed by a signal like the command" 143 bash -c '"$0" --config "$1" sh -c "kill -TERM \$\$"; exit $?' "$WRAP" "$SANDBOX_CONF"

# Options only before the command; --help/--version only first.
check_rc "--help exits 0" 0 "$WRAP" --help
check "--help ends with EXAMPLES" bash -c '"$0" --help | sed -n "/^EXAMPLES/,\$p" | grep -q datacrumbs_wrap' "$WRAP"
check_rc "--version exits 0" 0 "$WRAP" --version
contains "--version names the package" "$OUT" "(datacrumbs-utils)"
check_rc "--help after the command goes to the command" 0 W printf '%s\n' --help
check "the command got --help" [ "$OUT" = "--help" ]
check_rc "-- then a dash command name" 127 W -- -dash
check_rc "--config=FILE form" 0 "$WRAP" --config="$SANDBOX_CONF" true

# LD_PRELOAD: first, existing kept, never twice.
check_rc "LD_PRELOAD set" 0 W printenv LD_PRELOAD
check "library alone" [ "$OUT" = "$LIB" ]
check_rc "existing entry kept after" 0 env LD_PRELOAD=/nonexistent/x.so "$WRAP" --config "$SANDBOX_CONF" printenv LD_PRELOAD
check "library first, then the old entry" [ "$OUT" = "$LIB:/nonexistent/x.so" ]
check_rc "wrap twice" 0 W "$WRAP" --config "$SANDBOX_CONF" printenv LD_PRELOAD
check "wrapping twice adds it once" [ "$OUT" = "$LIB" ]

# Errors of wrap itself: 125 with the file named.
printf 'client_lib = relative\n' >"$T_TMP/bad.conf"
check_rc "bad config: 125" 125 "$WRAP" --config "$T_TMP/bad.conf" true
contains "bad config names file:line and key" "$ERR" "$T_TMP/bad.conf:1: client_lib"
printf 'client_lib = /nonexistent/libdatacrumbs_client.so.0\n' >"$T_TMP/nolib.conf"
check_rc "missing library: 125" 125 "$WRAP" --config "$T_TMP/nolib.conf" true
contains "missing library message" "$ERR" "client library not found at /nonexistent/libdatacrumbs_client.so.0"
check_rc "missing config file: 125" 125 "$WRAP" --config "$T_TMP/none.conf" true

# setuid targets: a warning, not a failure.
cp /bin/true "$T_TMP/suid-true"
chmod 4755 "$T_TMP/suid-true"
check_rc "setuid target still runs" 0 W "$T_TMP/suid-true"
contains "setuid warning" "$ERR" "is setuid"
cp /bin/true "$T_TMP/sgid-true"
chmod 2755 "$T_TMP/sgid-true"
check_rc "setgid target still runs" 0 W "$T_TMP/sgid-true"
contains "setgid warning" "$ERR" "is setgid"

# Threads and forks: 8 threads call start/stop 50 times each and fork a child that exits
# normally; the library's destructor runs in each child, and nothing crashes.
FORKER=$BUILD/tests/integration/wrap/dc_test_forker
if [ -x "$FORKER" ]; then
    check_rc "threads + fork under the library" 0 env DATACRUMBS_CLIENT_DEBUG=1 "$WRAP" \
        --config "$SANDBOX_CONF" "$FORKER"
    check "the library was loaded" [ "$OUT" = "library-loaded" ]
    check "one start line (the constructor) plus 400 explicit calls" \
        [ "$(grep -c 'start (pid' "$T_TMP/err")" -eq 401 ]
    check "400 explicit stop lines (the library never stops by itself)" \
        [ "$(grep -c 'stop (pid' "$T_TMP/err")" -eq 400 ]
    check "an exit line from each of the 8 children and the parent" \
        [ "$(grep -c 'exit (pid' "$T_TMP/err")" -eq 9 ]
    check_rc "DATACRUMBS_DISABLE=1: explicit calls return 1, nothing printed" 0 \
        env DATACRUMBS_CLIENT_DEBUG=1 DATACRUMBS_DISABLE=1 "$WRAP" --config "$SANDBOX_CONF" "$FORKER"
    check "silent when disabled" [ -z "$ERR" ]
else
    not_ok "dc_test_forker not built"
fi
check_rc "stderr closed: the library stays quiet and harmless" 0 env DATACRUMBS_CLIENT_DEBUG=1 \
    "$WRAP" --config "$SANDBOX_CONF" sh -c 'exec 2>&-; dd if=/dev/zero of=/dev/null count=1 status=none' 

# The ELF contract of the library.
if command -v readelf >/dev/null; then
    dyn=$(readelf -d "$LIB")
    contains "SONAME" "$dyn" "Library soname: [libdatacrumbs_client.so.0]"
    needed=$(readelf -d "$LIB" | grep NEEDED | sed 's/.*\[\(.*\)\]/\1/' | tr '\n' ' ')
    check "only libc needed (got: $needed)" [ "$needed" = "libc.so.6 " ]
    syms=$(nm -D --defined-only "$LIB" | awk '$2 ~ /[TtWwDdBb]/ {print $3}' | sort | tr '\n' ' ')
    check "exports exactly the three functions (got: $syms)" \
        [ "$syms" = "datacrumbs_announce@@DATACRUMBS_CLIENT_0.1 datacrumbs_start@@DATACRUMBS_CLIENT_0.1 datacrumbs_stop@@DATACRUMBS_CLIENT_0.1 " ]
    check "functions are real, sized code" bash -c "nm -S -D '$LIB' | grep -q ' T datacrumbs_start'"
else
    not_ok "readelf missing (binutils)"
fi
finish
