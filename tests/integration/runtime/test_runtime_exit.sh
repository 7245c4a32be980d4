#!/bin/bash
# test_runtime_exit.sh BUILD SRC - a traced process is traced until it really ends: its I/O on
# the way out (the C library's exit-time flush of a FILE never closed, an atexit handler, a
# process ending in _exit, one that execs another program after writing, and the C++ and
# Fortran runtimes' flush at exit when the compilers are here) is in the trace,
# write for write and byte for byte what strace sees of the same run; an explicit
# datacrumbs_stop() still ends tracing at once (integration.runtime.trace, rt_stopper).
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_require_strace "this test"
rt_setup
trap 'rt_cleanup; rm -rf -- "$T_TMP"' EXIT
EXITER=$BUILD/tests/integration/runtime/rt_exiter
P=$RT/pub
MODES="flush atexit _exit exec"

# The C++ and Fortran runtimes flush at exit too: a global std::ofstream never closed, and a
# Fortran unit never closed (built here when the compilers are installed).
if command -v g++ >/dev/null &&
    printf '%s\n' '#include <fstream>' 'static std::ofstream out;' \
        'int main(int, char **argv) { out.open(argv[2]);' \
        '  for (int i = 0; i < 5000; i++) out << "line " << i << "\n"; return 0; }' |
    g++ -x c++ -O1 -o "$RT/cxx" - 2>"$RT/cxx.err"; then
    MODES="$MODES c++"
else
    echo "# no C++ case: $(head -1 "$RT/cxx.err" 2>/dev/null || echo no g++)"
fi
if command -v gfortran >/dev/null &&
    printf '%s\n' 'program w' '  character(len=256) :: f' '  integer :: i' \
        '  call get_command_argument(2, f)' "  open(unit=10, file=trim(f), status='replace')" \
        '  do i = 1, 5000' '    write(10, *) i' '  end do' 'end program w' >"$RT/w.f90" &&
    gfortran -O1 -o "$RT/fortran" "$RT/w.f90" 2>"$RT/fortran.err"; then
    MODES="$MODES fortran"
else
    echo "# no Fortran case: $(head -1 "$RT/fortran.err" 2>/dev/null || echo no gfortran)"
fi
prog() {
    case $1 in
    c++) echo "$RT/cxx" ;;
    fortran) echo "$RT/fortran" ;;
    *) echo "$EXITER" ;;
    esac
}

check "probe file written" "$RT_MKPROBE" --secret "$RT/etc/secret" --out "$RT/p.json.gz" \
    --user root --syscalls sys:openat,read,write,writev,close \
    --uprobe "libc:$RT_LIBC:read,write,open,open64,openat,close"
rt_start_first "$RT/p.json.gz" ex root
for m in $MODES; do
    check_rc "$m: runs" 0 strace -f -qq -e trace=write,writev -o "$RT/$m.strace" \
        "$RT_WRAP" --config "$RT_CONF" "$(prog "$m")" "$m" "$P/$m.out"
done
sleep 0.3
rt_stop
T=$(rt_summary_get ex trace_file)
check "the trace is valid" rt_valid_trace "$T"
"$RT_TRACECAT" "$T" >"$RT/events"
U=$(rt_summary_get ex unfinished_calls)

# "PID CALL FD RET" of each write and writev, in order: strace's, and the trace's for the
# same processes.
for m in $MODES; do
    sed -n 's/^\([0-9]*\) \{1,\}\(writev\{0,1\}\)(\([0-9]*\),.*) \{1,\}= \(-\{0,1\}[0-9]*\)\( .*\)\{0,1\}$/\1 \2 \3 \4/p' \
        "$RT/$m.strace" >"$RT/$m.want"
    : >"$RT/$m.got"
    for pid in $(cut -d' ' -f1 "$RT/$m.want" | sort -u); do
        grep -E "^pid=$pid .* cat=sys name=writev? " "$RT/events" |
            sed -n 's/^pid=\([0-9]*\) .* name=\([a-z]*\) .* fd=\([0-9]*\) .* ret=\(-\{0,1\}[0-9]*\)$/\1 \2 \3 \4/p' >>"$RT/$m.got"
    done
    sort -s -k1,1n "$RT/$m.want" -o "$RT/$m.want"
    W=$(wc -l <"$RT/$m.want")
    G=$(wc -l <"$RT/$m.got")
    WB=$(awk '{s += $4} END {print s + 0}' "$RT/$m.want")
    GB=$(awk '{s += $4} END {print s + 0}' "$RT/$m.got")
    echo "# $m: strace $W writes, $WB bytes; trace $G writes, $GB bytes"
    check "$m: strace saw writes" [ "$W" -ge 1 ]
    check "$m: every write in the trace ($G of $W)" [ "$G" -eq "$W" ]
    check "$m: the same bytes ($GB of $WB)" [ "$GB" -eq "$WB" ]
    check "$m: write for write" cmp -s "$RT/$m.want" "$RT/$m.got"
done
check "the file the exit-time flush wrote is whole (91895 bytes)" [ "$(stat -c %s "$P/flush.out")" -eq 91895 ]
check "nothing counted as unfinished ($U)" [ "${U:-x}" = 0 ]
finish
