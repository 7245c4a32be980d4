#!/bin/bash
# test_runtime_syscalls.sh BUILD SRC - every syscall the shipped host configs name is traced,
# under the number the running kernel gives it:
#  - the configs (etc/datacrumbs/configs: posix-io.yaml, docker.yaml, lead.yaml.in rendered)
#    go through the configurator and the signer as a user's would, and the configurator's
#    built-in syscall prototypes (its embedded defaults) through dc_rt_mkprobe;
#  - the kernel's table is tracefs' events/syscalls (the kernel keeps an event only for an
#    entry point that has a number on this architecture), mounted in a mount namespace of our
#    own: each syscall a config names that the kernel implements must be in the probe file and
#    resolved by the daemon (datacrumbs --check), no two names to one number;
#  - the numbers themselves are checked against the kernel: a helper makes each I/O syscall
#    with the number the daemon chose (all arguments -1, so it fails at once), and the event
#    the kernel raises must be that syscall's, in a private tracefs instance;
#  - Python's shutil.copyfile (sendfile, x86_64's sys_sendfile64) traced with the shipped
#    posix-io.yaml: its sendfile calls are in the syscall category, as many as strace sees,
#    with the same byte counts.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
command -v unshare >/dev/null || skip_all "no unshare(1) (util-linux): cannot mount tracefs privately"
rt_require_strace "the sendfile check"
PY=$(command -v python3) || skip_all "no python3"
rt_setup
trap 'rt_cleanup; [ -n "${KEEP:-}" ] || rm -rf -- "$T_TMP"' EXIT
SYSNR=$BUILD/tests/integration/runtime/rt_syscall
TPL=$BUILD/src/configure_template/datacrumbs_configure_template
CONFIGS=$SRC/etc/datacrumbs/configs

# tracefs SCRIPT [ARGS...]: run the shell SCRIPT in /sys/kernel/tracing of a private mount
# (nothing of the machine's mounts changes).
tracefs() {
    local script=$1
    shift
    unshare -m --propagation private sh -c \
        'mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null; cd /sys/kernel/tracing && eval "$0"' \
        "$script" "$@"
}
tracefs 'ls events/syscalls' 2>/dev/null | sed -n 's/^sys_enter_//p' | sort -u >"$RT/kernel"
[ -s "$RT/kernel" ] || skip_all "no syscall events in tracefs (CONFIG_FTRACE_SYSCALLS, or tracefs cannot be mounted)"
echo "# the kernel implements $(wc -l <"$RT/kernel") syscalls on $(uname -m)"

rt_signer

# --- the probe files, the product's way
mkdir -p "$RT/pf"
"$TPL" --config "$RT_CONF" "$CONFIGS/lead.yaml.in" "$RT/lead.yaml" >/dev/null 2>"$RT/tpl.err"
check "lead.yaml.in renders" [ -s "$RT/lead.yaml" ]
for c in posix-io docker lead; do
    yaml=$CONFIGS/$c.yaml
    [ "$c" = lead ] && yaml=$RT/lead.yaml
    "$RT_CFG" --config "$RT_CONF" --quiet "$yaml" "$RT/pf/$c.json.gz" 2>"$RT/cfg-$c.err"
    rc=$?
    # 1: written, but a capture was left out (lead's kprobes, on a kernel without them)
    if [ "$rc" -le 1 ] && [ -s "$RT/pf/$c.json.gz" ]; then ok "configurator: $c (exit $rc)"; else
        not_ok "configurator: $c (exit $rc)"
        sed 's/^/#   /' "$RT/cfg-$c.err" | head -5
    fi
done
# The configurator's embedded prototypes (src/probe_configurator/sigtable.c).
grep -o '"long sys_[a-z0-9_]*(' "$SRC/src/probe_configurator/sigtable.c" |
    sed 's/^"long sys_//; s/($//' | sort -u >"$RT/builtin.names"
check "built-in prototypes found" [ "$(wc -l <"$RT/builtin.names")" -gt 50 ]
"$RT_MKPROBE" --secret "$RT/etc/secret" --out "$RT/pf/builtin.json.gz" --user root \
    --syscalls "sys:$(paste -sd, "$RT/builtin.names")"

# The syscall names a probe file holds (the functions of its syscall categories, type 0).
pf_syscalls() {
    zcat "$1" | jq -r '.categories[] | select(.type == 0) | .functions[]' | sort -u
}
# What the daemon makes of each: "NAME NR", "NAME alias", or "NAME refused REASON".
check_file() {
    "$RT_DAEMON" --config "$RT_CONF" --check "$1" walk 2>&1 |
        sed -n -e 's|^syscall [^/]*/\([^ :]*\) (syscall \([0-9]*\)).*|\1 \2|p' \
            -e 's|^syscall [^/]*/\([^ :]*\): not traced: \(.*\)|\1 refused \2|p'
}

: >"$RT/resolved"
for c in posix-io docker lead builtin; do
    f=$RT/pf/$c.json.gz
    [ -s "$f" ] || continue
    pf_syscalls "$f" >"$RT/$c.names"
    check_file "$f" >"$RT/$c.check"
    awk '$2 ~ /^[0-9]+$/ {print $1, $2}' "$RT/$c.check" >>"$RT/resolved"
    # The kernel has it, the daemon must resolve it.
    missed=$(comm -12 "$RT/kernel" "$RT/$c.names" | while read -r n; do
        grep -q "^$n [0-9]" "$RT/$c.check" || grep "^$n " "$RT/$c.check" || echo "$n (not in --check)"
    done)
    if [ -z "$missed" ]; then
        ok "$c: all $(comm -12 "$RT/kernel" "$RT/$c.names" | wc -l) syscalls the kernel implements are traced"
    else
        not_ok "$c: syscalls the kernel implements but the daemon refuses"
        echo "$missed" | sed 's/^/#   /'
    fi
    echo "# $c: $(wc -l <"$RT/$c.names") syscalls in the probe file," \
        "$(grep -c ' refused ' "$RT/$c.check") refused (not this architecture's)"
done

# Names a config spells out (posix-io's and docker's regexes are lists of names): the ones the
# kernel implements must reach the probe file, except those its BTF does not describe
# (SYSCALL_DEFINE0 entry points such as sync): a signer that sees BTF only refuses them.
bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null |
    sed -n "s/.*FUNC '__x64_sys_\([a-z0-9_]*\)'.*/\1/p; s/.*FUNC '__arm64_sys_\([a-z0-9_]*\)'.*/\1/p" |
    sort -u >"$RT/btfsys"
for c in posix-io docker; do
    sed -n '/probe: syscalls/,/^  - /p' "$CONFIGS/$c.yaml" | sed -n 's/^ *regex: *//p; s/^ *(\(.*\)) *$/\1/p' |
        tr -d '()^$>-' | sed 's/sys_//g' | tr '|' '\n' | sed '/^ *$/d' | sort -u >"$RT/$c.listed"
    lost=$(comm -12 "$RT/kernel" "$RT/$c.listed" | comm -23 - "$RT/$c.names")
    if [ -s "$RT/btfsys" ]; then
        nobtf=$(printf '%s\n' "$lost" | sed '/^$/d' | comm -23 - "$RT/btfsys")
        [ -n "$nobtf" ] && echo "# $c: left out, not in the kernel's BTF: $(echo $nobtf)"
        lost=$(printf '%s\n' "$lost" | sed '/^$/d' | comm -12 - "$RT/btfsys")
    fi
    if [ -z "$lost" ]; then ok "$c: every syscall its regex names and the kernel has is in the probe file"; else
        not_ok "$c: named in the config, implemented by the kernel, missing from the probe file"
        echo "$lost" | sed 's/^/#   /'
    fi
done

# One number, one kernel entry point.
sort -u "$RT/resolved" | grep -Fwf "$RT/kernel" | awk '{print $2, $1}' | sort -n >"$RT/bynr"
dups=$(awk '{print $1}' "$RT/bynr" | uniq -d)
if [ -z "$dups" ]; then ok "no two kernel syscalls share a number"; else
    not_ok "kernel syscalls sharing a number"
    for d in $dups; do grep "^$d " "$RT/bynr" | paste -sd' ' | sed 's/^/#   /'; done
fi

# --- the numbers, against the kernel: each I/O syscall of posix-io, docker and the built-in
# list (all fail at once with -1 arguments) raises its own event. Not uprobe/uretprobe (the
# kernel kills a caller that is not its trampoline); lead's others include exit and reboot.
# Also the syscalls newer than some C library headers (the daemon knows their numbers itself).
NEWER="cachestat fchmodat2 map_shadow_stack futex_wake futex_wait futex_requeue statmount
listmount lsm_get_self_attr lsm_set_self_attr lsm_list_modules mseal setxattrat getxattrat
listxattrat removexattrat open_tree_attr file_getattr file_setattr"
{ cat "$RT/posix-io.names" "$RT/docker.names" "$RT/builtin.names" 2>/dev/null; printf '%s\n' $NEWER; } | sort -u |
    comm -12 "$RT/kernel" - | grep -vx 'uprobe\|uretprobe' >"$RT/io.names"
: >"$RT/io.nrs"
while read -r n; do
    nr=$(awk -v n="$n" '$1 == n {print $2; exit}' "$RT/resolved")
    [ -n "$nr" ] && echo "$n $nr" >>"$RT/io.nrs"
done <"$RT/io.names"
if [ -x "$SYSNR" ] && [ -s "$RT/io.nrs" ]; then
    mkfifo "$RT/go"
    # In a private instance: its events are the helper's only (set_event_pid), and it goes away.
    tracefs '
        i=instances/$1
        mkdir "$i" || exit 1
        "$2" $(cut -d" " -f2 "$3") <>"$4" >"$5" &
        pid=$!
        n=0
        while ! grep -q ready "$5" && [ $n -lt 500 ]; do sleep 0.02; n=$((n + 1)); done
        echo "$pid" >"$i/set_event_pid"
        for n in $(cut -d" " -f1 "$3"); do echo 1 >"$i/events/syscalls/sys_enter_$n/enable"; done
        echo x >"$4"
        wait "$pid"
        echo 0 >"$i/tracing_on"
        sed -n "s/.* sys_\([a-z0-9_]*\)(.*/\1/p" "$i/trace"
        for n in $(cut -d" " -f1 "$3"); do echo 0 >"$i/events/syscalls/sys_enter_$n/enable"; done
        rmdir "$i"' "dc-test-$$" "$SYSNR" "$RT/io.nrs" "$RT/go" "$RT/ready" >"$RT/raised" 2>"$RT/raised.err"
    if cut -d' ' -f1 "$RT/io.nrs" | cmp -s - "$RT/raised"; then
        ok "the kernel raises each syscall's own event for the number chosen ($(wc -l <"$RT/io.nrs") syscalls)"
    else
        not_ok "the kernel's events for the numbers chosen"
        cut -d' ' -f1 "$RT/io.nrs" | diff - "$RT/raised" | head -20 | sed 's/^/#   /'
        head -3 "$RT/raised.err" | sed 's/^/#   /'
    fi
else
    not_ok "helper rt_syscall built and I/O syscalls resolved"
fi

# --- shutil.copyfile under the shipped posix-io.yaml: its sendfile calls, in "sys".
head -c 300000 /dev/urandom >"$RT/pub/src.bin"
chmod 0644 "$RT/pub/src.bin"
rt_start_first "$RT/pf/posix-io.json.gz" sendf root
strace -f -qq -e trace=sendfile -o "$RT/strace.log" "$RT_WRAP" --config "$RT_CONF" \
    "$PY" -c 'import shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[2])' \
    "$RT/pub/src.bin" "$RT/pub/dst.bin"
check "the copy is whole" cmp -s "$RT/pub/src.bin" "$RT/pub/dst.bin"
sleep 0.3
rt_stop
T=$(rt_summary_get sendf trace_file)
check "the trace is valid" rt_valid_trace "$T"
S_N=$(grep -c 'sendfile(' "$RT/strace.log")
S_B=$(sed -n 's/^[0-9]* *sendfile(.*) *= *\([0-9]*\)$/\1/p' "$RT/strace.log" | awk '{s += $1} END {print s + 0}')
EV=$("$RT_TRACECAT" "$T" | grep ' cat=sys name=sendfile')
TR_N=$(grep -c . <<<"$EV")
TR_B=$(sed -n 's/.* ret=\([0-9]*\)$/\1/p' <<<"$EV" | awk '{s += $1} END {print s + 0}')
echo "# strace: $S_N sendfile calls, $S_B bytes; trace: $TR_N calls, $TR_B bytes"
check "strace saw sendfile (the ground truth has calls)" [ "$S_N" -ge 1 ]
check "the trace holds as many sendfile calls as strace ($TR_N, $S_N)" [ "$TR_N" -eq "$S_N" ]
check "with the same bytes ($TR_B, $S_B)" [ "$TR_B" = "$S_B" ]
finish
