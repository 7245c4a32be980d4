#!/bin/bash
# test_runtime_isolation.sh BUILD SRC - a run reaches its own processes only:
#  - its uprobes are placed in the traced processes, not in the file (another process's copy
#    of the probed function keeps its first byte; the traced one's is a breakpoint);
#  - a traced program that execs a set-group-ID or file-capability program stops being traced
#    (what the privileged program reads is not in the trace);
#  - two runs of one user: each traces the processes that name it (DATACRUMBS_RUN_ID, or the
#    job id SLURM_JOB_ID); one that names neither is traced only while a single run is active.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_setup
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rt_cleanup; rm -rf -- "$T_TMP"' EXIT
P=$RT/pub
AS_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"

# first_byte PID SYMBOL: the first byte of libc's SYMBOL as process PID sees it (hex).
first_byte() {
    local pid=$1 sym=$2 lib base off
    lib=$(awk '/\/libc\.so/ {print $6; exit}' "/proc/$pid/maps")
    base=$(awk -v l="$lib" '$6 == l && $3 == "00000000" {split($1, a, "-"); print a[1]; exit}' "/proc/$pid/maps")
    off=$(nm -D --defined-only "$lib" | awk -v s="$sym" '$3 == s || index($3, s "@") == 1 {print $1; exit}')
    [ -n "$base" ] && [ -n "$off" ] || return 1
    dd if="/proc/$pid/mem" bs=1 count=1 skip=$((0x$base + 0x$off)) iflag=skip_bytes status=none | od -An -tx1 | tr -d ' \n'
}

# ---- placement: fdatasync is probed by this run only (nobody else here probes it) ----
check "probe file for root" "$RT_MKPROBE" --secret "$RT/etc/secret" --out "$RT/p.json.gz" --user root \
    --syscalls sys:openat,read --uprobe "libc:$RT_LIBC:fdatasync,open,openat,read"
ORIG=$(first_byte $$ fdatasync)
rt_start_first "$RT/p.json.gz" iso1 root
sleep 60 &
UNTRACED=$!
"$RT_WRAP" --config "$RT_CONF" sleep 60 &
TRACED=$!
PIDS="$UNTRACED $TRACED"
for _ in $(seq 100); do
    [ "$(readlink "/proc/$TRACED/exe")" = "$(readlink -f "$(command -v sleep)")" ] && break
    sleep 0.02
done
sleep 0.2
if grep -q 'uprobe_multi' "$RT/daemon.err"; then
    check "an untraced process's libc is untouched (first byte of fdatasync $ORIG)" \
        [ "$(first_byte "$UNTRACED" fdatasync)" = "$ORIG" ]
    check "this shell's libc is untouched" [ "$(first_byte $$ fdatasync)" = "$ORIG" ]
    check "the traced process has the breakpoint" [ "$(first_byte "$TRACED" fdatasync)" = cc ]
else
    ok "# SKIP placement by byte: no uprobe_multi here"
fi
kill $UNTRACED $TRACED 2>/dev/null
wait $UNTRACED $TRACED 2>/dev/null
PIDS=""
rt_stop
# (At least: a test running beside this one may have root's processes announce themselves.)
check "probes were linked into the traced process" grep -Eq '"probes_linked": [1-9]' "$RT/run/datacrumbs-iso1.json"

# ---- credentials: a setgid and a file-capability program are not traced ----
SHADOW=$(getent group shadow | cut -d: -f3)
if [ -n "$SHADOW" ]; then
    echo "root:\$6\$secret-hash:19000::::::" >"$RT/shadowlike"
    chown root:shadow "$RT/shadowlike"
    chmod 0640 "$RT/shadowlike"
    cp "$(command -v cat)" "$RT/sgcat"
    chown root:shadow "$RT/sgcat"
    chmod 2755 "$RT/sgcat"
    cp "$(command -v cat)" "$RT/capcat"
    chmod 0755 "$RT/capcat"
    HAVE_CAP=0
    command -v setcap >/dev/null && setcap cap_dac_read_search+ep "$RT/capcat" 2>/dev/null && HAVE_CAP=1
    echo "plain text" >"$P/plain.txt"
    chmod 0644 "$P/plain.txt"
    check "probe file for nobody (paths captured)" "$RT_MKPROBE" --secret "$RT/etc/secret" \
        --out "$RT/pn.json.gz" --user nobody --syscalls sys:openat,read \
        --uprobe "libc:$RT_LIBC:open,openat,read"
    chmod 0644 "$RT/pn.json.gz"
    if rt_start "$RT/pn.json.gz" iso2 nobody; then
        OUT=$($AS_NOBODY "$RT_WRAP" --config "$RT_CONF" sh -c \
            "cat $P/plain.txt; $RT/sgcat $RT/shadowlike; [ $HAVE_CAP = 1 ] && $RT/capcat $RT/shadowlike; cat $P/plain.txt" 2>&1)
        contains "the setgid program did read the file" "$OUT" "secret-hash"
        rt_stop
        T=$(rt_summary_get iso2 trace_file)
        EV=$("$RT_TRACECAT" "$T")
        contains "the plain cat before is traced" "$EV" "$P/plain.txt"
        lacks "the setgid program's open is not traced" "$EV" "$RT/shadowlike"
        check "nor its exec's path" [ "$(grep -c "filename=$RT/shadowlike" <<<"$EV")" -eq 0 ]
        check "plain cat after it is traced again (two opens of plain.txt)" \
            [ "$(grep -c "filename=$P/plain.txt" <<<"$EV")" -ge 2 ]
        check "the summary counts processes whose credentials changed" \
            grep -Eq '"credentials_changed": [1-9]' "$RT/run/datacrumbs-iso2.json"
        [ "$HAVE_CAP" = 1 ] && ok "file-capability program was run too" || ok "# SKIP file capabilities: setcap unavailable"
    else
        not_ok "daemon for nobody starts (exit $RT_RC)"
    fi
else
    ok "# SKIP setgid: no shadow group here"
fi

# ---- C++: a throw through a probed libstdc++ function ----
# The unwinder cannot pass a return probe: C++ functions get entry probes only, and only in
# the run's own processes, so neither an untraced nor a traced program that throws dies.
CXXLIB=$(g++ -print-file-name=libstdc++.so.6 2>/dev/null)
if command -v g++ >/dev/null && [ -f "$CXXLIB" ]; then
    CXXLIB=$(readlink -f "$CXXLIB")
    cat >"$RT/thrower.cc" <<'CC'
#include <stdexcept>
#include <vector>
int main() {
    std::vector<int> v(2);
    int caught = 0;
    for (int i = 0; i < 3; i++)
        try { (void)v.at(5); } catch (const std::out_of_range &) { caught++; }
    try { (void)std::stoi("x"); } catch (const std::invalid_argument &) { caught++; }
    return caught == 4 ? 0 : 1;
}
CC
    if g++ -O1 -o "$RT/thrower" "$RT/thrower.cc" 2>"$RT/gxx.err"; then
        chmod 0755 "$RT/thrower"
        check "probe file with C++ throw helpers" "$RT_MKPROBE" --secret "$RT/etc/secret" \
            --out "$RT/px.json.gz" --user root --syscalls sys:openat \
            --uprobe "cxx:$CXXLIB:_ZSt24__throw_out_of_range_fmtPKcz,_ZSt24__throw_invalid_argumentPKc"
        if rt_start "$RT/px.json.gz" isocxx root; then
            check_rc "another user's untraced C++ program throws and survives" 0 $AS_NOBODY "$RT/thrower"
            check_rc "an untraced C++ program of the run's user survives" 0 "$RT/thrower"
            check_rc "the traced C++ program survives too" 0 env DATACRUMBS_RUN_ID=isocxx \
                "$RT_WRAP" --config "$RT_CONF" "$RT/thrower"
            rt_stop
            EX=$("$RT_TRACECAT" "$(rt_summary_get isocxx trace_file)")
            check "its 3 out_of_range throws are recorded (entry only)" \
                [ "$(grep -c 'cat=cxx name=_ZSt24__throw_out_of_range_fmtPKcz' <<<"$EX")" -eq 3 ]
            contains "and its invalid_argument throw" "$EX" "name=_ZSt24__throw_invalid_argumentPKc"
        else
            not_ok "daemon with C++ probes starts (exit $RT_RC): $(tail -2 "$RT/daemon.err")"
        fi
        # As the configurator and signer write them: C++ functions in entry_functions, here
        # one that may throw (an exception's constructor) and one that always throws.
        IA=_ZNSt16invalid_argumentC1EPKc
        check "probe file with C++ entry_functions" "$RT_MKPROBE" --secret "$RT/etc/secret" \
            --out "$RT/pe.json.gz" --user root --syscalls sys:openat \
            --uprobe-entry "cxxe:$CXXLIB:$IA,_ZSt24__throw_out_of_range_fmtPKcz"
        if rt_start "$RT/pe.json.gz" isoent root; then
            check_rc "a traced C++ program with entry_functions probed survives" 0 \
                env DATACRUMBS_RUN_ID=isoent "$RT_WRAP" --config "$RT_CONF" "$RT/thrower"
            rt_stop
            EX=$("$RT_TRACECAT" "$(rt_summary_get isoent trace_file)")
            check "entry_functions: the 3 out_of_range throws, at entry (dur 0)" \
                [ "$(grep -c 'cat=cxxe name=_ZSt24__throw_out_of_range_fmtPKcz dur=0' <<<"$EX")" -eq 3 ]
            contains "entry_functions: the invalid_argument constructor" "$EX" "cat=cxxe name=$IA"
            lacks "entry_functions have no return value" "$(grep 'cat=cxxe' <<<"$EX")" " ret="
        else
            not_ok "daemon with C++ entry_functions starts (exit $RT_RC): $(tail -2 "$RT/daemon.err")"
        fi
    else
        ok "# SKIP C++: g++ cannot build the test program"
    fi
else
    ok "# SKIP C++: no g++ or libstdc++"
fi

# ---- two runs of one user ----
check "probe file for nobody (open paths)" "$RT_MKPROBE" --secret "$RT/etc/secret" \
    --out "$RT/pr.json.gz" --user nobody --syscalls sys:openat --uprobe "libc:$RT_LIBC:open,open64,openat"
chmod 0644 "$RT/pr.json.gz"
rt_start "$RT/pr.json.gz" runA nobody
PID_A=$RT_PID
rt_start "$RT/pr.json.gz" runB nobody
PID_B=$RT_PID
sleep 0.6 # each run sees the other within a quarter second
dd_as() { # dd_as ENV... FILE: a wrapped dd writing FILE as nobody
    local f=${*: -1}
    env "${@:1:$#-1}" $AS_NOBODY "$RT_WRAP" --config "$RT_CONF" dd if=/dev/zero of="$P/$f" bs=512 count=1 status=none
}
dd_as DATACRUMBS_RUN_ID=runA a.bin
dd_as DATACRUMBS_RUN_ID=runB b.bin
dd_as SLURM_JOB_ID=runB slurm-b.bin
dd_as DATACRUMBS_RUN_ID=runC c.bin
$AS_NOBODY "$RT_WRAP" --config "$RT_CONF" --run-id runA dd if=/dev/zero of="$P/opt-a.bin" bs=512 count=1 status=none
dd_as X=1 unnamed-two-runs.bin
RT_PID=$PID_B
rt_stop
sleep 0.6
dd_as X=1 unnamed-one-run.bin
RT_PID=$PID_A
rt_stop
EA=$("$RT_TRACECAT" "$(rt_summary_get runA trace_file)")
EB=$("$RT_TRACECAT" "$(rt_summary_get runB trace_file)")
contains "run A holds the dd that named it" "$EA" "$P/a.bin"
lacks "run A lacks run B's dd" "$EA" "$P/b.bin"
contains "datacrumbs_wrap --run-id runA: in run A" "$EA" "$P/opt-a.bin"
lacks "and not in run B" "$EB" "opt-a.bin"
lacks "run A lacks the dd of job runB" "$EA" "slurm-b.bin"
contains "run B holds the dd that named it" "$EB" "$P/b.bin"
contains "run B holds the dd of its job (SLURM_JOB_ID)" "$EB" "$P/slurm-b.bin"
lacks "run B lacks run A's dd" "$EB" "$P/a.bin"
lacks "a dd naming another run is in neither (A)" "$EA" "c.bin"
lacks "a dd naming another run is in neither (B)" "$EB" "c.bin"
lacks "naming no run with two runs active: not in A" "$EA" "unnamed-two-runs.bin"
lacks "naming no run with two runs active: not in B" "$EB" "unnamed-two-runs.bin"
contains "naming no run with one run active: traced by it" "$EA" "$P/unnamed-one-run.bin"
check "run B counts the announcements it ignored" grep -Eq '"other_runs_ignored": [1-9]' "$RT/run/datacrumbs-runB.json"
finish
