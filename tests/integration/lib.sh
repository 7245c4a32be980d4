# lib.sh - assertions shared by the integration tests (bash). Source it after set -u.
# Each check prints "ok N - name" or "not ok N - name" (TAP), and the script ends with
# finish, which prints "N passed, N failed" and exits 1 if anything failed.
T_PASS=0
T_FAIL=0
T_N=0

ok() { T_N=$((T_N + 1)); T_PASS=$((T_PASS + 1)); echo "ok $T_N - $*"; }
not_ok() { T_N=$((T_N + 1)); T_FAIL=$((T_FAIL + 1)); echo "not ok $T_N - $*"; }

# check NAME COMMAND...: the command must succeed.
check() {
    local name=$1
    shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# check_rc NAME WANT COMMAND...: the command must exit with WANT; its output goes to $OUT/$ERR.
check_rc() {
    local name=$1 want=$2 rc
    shift 2
    "$@" >"$T_TMP/out" 2>"$T_TMP/err"
    rc=$?
    OUT=$(cat "$T_TMP/out")
    ERR=$(cat "$T_TMP/err")
    if [ "$rc" -eq "$want" ]; then
        ok "$name"
    else
        not_ok "$name (exit $rc, want $want)"
        sed 's/^/#   stderr: /' "$T_TMP/err" | head -20
    fi
}

# contains NAME HAYSTACK NEEDLE
contains() {
    case "$2" in
    *"$3"*) ok "$1" ;;
    *) not_ok "$1"; echo "#   expected to find: $3"; echo "#   in: $2" | head -20 ;;
    esac
}

lacks() {
    case "$2" in
    *"$3"*) not_ok "$1"; echo "#   did not expect: $3" ;;
    *) ok "$1" ;;
    esac
}

skip_all() { echo "1..0 # SKIP $*"; exit 77; }

# gone PID [SECONDS]: PID has ended, or is a zombie its new parent has not reaped yet (its
# parent went first), within SECONDS (default 2).
gone() {
    for _ in $(seq $((${2:-2} * 20))); do
        kill -0 "$1" 2>/dev/null || return 0
        grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

finish() {
    echo "1..$T_N"
    echo "$T_PASS passed, $T_FAIL failed"
    [ "$T_FAIL" -eq 0 ]
}

# Every test works under $T_TMP. Tests run as root chmod and write below it, so an empty or
# odd value must stop the test before any of that touches the real system.
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dc-test.XXXXXX") || { echo "Bail out! mktemp -d failed"; exit 99; }
case $T_TMP in
/*/dc-test.??????) ;;
*) echo "Bail out! unexpected temp dir '$T_TMP'"; exit 99 ;;
esac
readonly T_TMP
trap 'rm -rf -- "$T_TMP"' EXIT
