#!/bin/bash
# test_track_kill.sh BUILD SRC - kill datacrumbs_track/untrack at random points (SIGKILL, and
# SIGTERM) many times: the original must always be complete, either as it was before the run or
# as a finished run leaves it, byte for byte; never missing, truncated or half-patched.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"

TRACK=$BUILD/src/track/datacrumbs_track
UNTRACK=$BUILD/src/track/datacrumbs_untrack
LIB=$BUILD/src/client/libdatacrumbs_client.so.0
[ -x "$TRACK" ] && [ -x "$UNTRACK" ] && [ -f "$LIB" ] || skip_all "track/untrack or the client library is not built"
command -v patchelf >/dev/null || skip_all "patchelf is not installed"
CC=${CC:-cc}
command -v "$CC" >/dev/null || skip_all "no C compiler ($CC) to build the test program"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
ITER=${DC_TRACK_KILL_ITERATIONS:-50}

W=$(realpath "$T_TMP")/w
mkdir -p "$W"
CONF=$W/datacrumbs.conf
printf 'client_lib = %s/%s\n' "$(cd "$(dirname "$LIB")" && pwd -P)" "$(basename "$LIB")" >"$CONF"

# 16 MiB of initialised data, so that copying and patching take long enough for the kills to
# land in every phase: copy, patchelf, metadata, rename.
cat >"$W/big.c" <<'EOF'
#include <stdio.h>
static volatile char blob[16 << 20] = {1};
int main(void) { printf("big %d\n", blob[0]); return 0; }
EOF
"$CC" -O0 -o "$W/A" "$W/big.c" || skip_all "cannot build the test program"
# The three states a run can leave: A (untracked), B (track of A), C (untrack of B).
cp "$W/A" "$W/B"
"$TRACK" --config "$CONF" --quiet "$W/B" || skip_all "tracking the test program fails"
cp "$W/B" "$W/C"
"$UNTRACK" --config "$CONF" --quiet "$W/C" || skip_all "untracking the test program fails"

# How long one run takes, in milliseconds (the kill delays spread over 0..1.5x that).
cp "$W/A" "$W/t"
t0=$(date +%s%N)
"$TRACK" --config "$CONF" --quiet "$W/t"
DUR=$((($(date +%s%N) - t0) / 1000000))
[ "$DUR" -ge 1 ] || DUR=1
echo "# one track run takes ${DUR} ms; $ITER kills with delays of 0..$((DUR * 3 / 2)) ms"

restore() { # restore STATE: the target becomes a fresh copy (new inode) of STATE
    cp "$W/$1" "$W/t.new" && mv -f "$W/t.new" "$W/t"
}

kill_run() { # kill_run SIGNAL CMD FROM TO: run CMD on t, kill it at a random point, judge t
    local sig=$1 cmd=$2 from=$3 to=$4 delay pid
    restore "$from"
    delay=$((RANDOM % (DUR * 3 / 2 + 1)))
    "$cmd" --config "$CONF" --quiet "$W/t" >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '0.%03d' "$delay")"
    kill "-$sig" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if [ ! -e "$W/t" ]; then
        echo "missing"
    elif cmp -s "$W/t" "$W/$from"; then
        echo "before"
    elif cmp -s "$W/t" "$W/$to"; then
        echo "after"
    else
        echo "corrupt"
    fi
}

declare -A seen=([before]=0 [after]=0 [missing]=0 [corrupt]=0)
bad=0
for i in $(seq "$ITER"); do
    if [ $((i % 2)) = 1 ]; then r=$(kill_run KILL "$TRACK" A B); else r=$(kill_run KILL "$UNTRACK" B C); fi
    seen[$r]=$((${seen[$r]} + 1))
    case $r in before | after) ;; *) bad=1; echo "# iteration $i left the file $r" ;; esac
    # Whatever state it is in, it is a whole program that runs.
    if [ "$r" = before ] || [ "$r" = after ]; then
        "$W/t" >/dev/null || { bad=1; echo "# iteration $i: the program does not run"; }
    fi
done
echo "# SIGKILL: ${seen[before]} before, ${seen[after]} after, ${seen[missing]} missing, ${seen[corrupt]} corrupt"
check "SIGKILL x$ITER: the original is never missing or corrupt" [ $bad = 0 ]
check "SIGKILL: no file left missing" [ "${seen[missing]}" = 0 ]

# Killed runs may leave temporary copies; the next run on the file removes them.
restore A
check "a later run succeeds" "$TRACK" --config "$CONF" --quiet "$W/t"
check "and leaves no temporary copy behind" [ -z "$(ls -A "$W" | grep '\.t\.dctrack-')" ]
check "the result is the finished state" cmp -s "$W/t" "$W/B"

# SIGTERM (and SIGINT) are caught: the temporary copy is removed before dying.
bad=0
for i in $(seq 10); do
    r=$(kill_run TERM "$TRACK" A B)
    case $r in before | after) ;; *) bad=1 ;; esac
    if ls -A "$W" | grep -q '\.t\.dctrack-'; then bad=1; echo "# SIGTERM iteration $i left a temporary copy"; fi
done
check "SIGTERM x10: original intact and no temporary copy left" [ $bad = 0 ]

finish
