# shellcheck shell=bash
# common.sh - sourced by the probefile integration tests: the programs under test, a private
# temp dir ($T, from lib.sh's $T_TMP, removed at exit) and two checks on top of lib.sh.
# Usage: . common.sh BUILD_DIR SOURCE_DIR
set -u

BUILD=${1:?build dir}
SRC=${2:?source dir}
. "$SRC/tests/integration/lib.sh"

SECRET_TOOL=$BUILD/src/secret/datacrumbs_secret
INSPECT=$BUILD/src/probe_inspect/datacrumbs_probe_inspect
PF_SIGN=$BUILD/tests/integration/probefile/pf_sign
for exe in "$SECRET_TOOL" "$INSPECT" "$PF_SIGN"; do
    [ -x "$exe" ] || skip_all "$exe is not built"
done

# The secret checks want secure parents: T_TMP is root's, 0700 under the sticky /tmp. Others
# may read it (the non-root cases), never write.
T=$T_TMP
chmod 0755 "$T"

pass() { ok "$@"; }
fail() { not_ok "$@"; }

# expect_rc WANT DESCRIPTION -- COMMAND...: run, compare the exit status; stdout in $T/out,
# stderr in $T/err.
expect_rc() {
    local want=$1 what=$2 got
    shift 3
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then
        pass "$what (exit $got)"
    else
        fail "$what: exit $got, want $want"
        sed 's/^/#   stderr: /' "$T/err" | head -20
    fi
}

# expect_grep PATTERN FILE DESCRIPTION: a basic regular expression found in FILE.
expect_grep() {
    if grep -q -- "$1" "$2"; then
        pass "$3"
    else
        fail "$3"
        echo "#   '$1' not in:"
        sed 's/^/#   /' "$2" | head -20
    fi
}
