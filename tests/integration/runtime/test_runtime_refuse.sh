#!/bin/bash
# test_runtime_refuse.sh BUILD SRC - probe files the daemon must refuse before attaching
# anything (tampered, expired, someone else's, unreadable by the user, over the limit), its
# command line, and --check (which attaches nothing either).
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_setup
trap 'rt_cleanup; rm -rf -- "$T_TMP"' EXIT
D() { "$RT_DAEMON" --config "$RT_CONF" "$@"; }

# With strace, "nothing attached" is checked at the system call level: no bpf(), no
# perf_event_open(). Without it, the exit status and messages still are.
if command -v strace >/dev/null 2>&1; then
    NOTHING() {
        local name=$1 want=$2
        shift 2
        # LeakSanitizer cannot run under ptrace (the ASan build).
        check_rc "$name: exit $want" "$want" env ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
            strace -f -qq -e trace=bpf,perf_event_open \
            -o "$RT/strace.out" "$RT_DAEMON" --config "$RT_CONF" "$@"
        check "$name: no bpf() or perf_event_open() at all" bash -c "! grep -qE 'bpf\(|perf_event_open\(' '$RT/strace.out'"
    }
else
    NOTHING() {
        local name=$1 want=$2
        shift 2
        echo "# strace not installed: not checking for bpf() calls"
        check_rc "$name: exit $want" "$want" "$RT_DAEMON" --config "$RT_CONF" "$@"
    }
fi

rt_probe "$RT/good.json.gz" root
# Tampered: a function renamed inside the signed categories.
gzip -dc "$RT/good.json.gz" | sed 's/"openat"/"unlink"/' | gzip >"$RT/tampered.json.gz"
NOTHING "tampered file" 4 "$RT/tampered.json.gz" r1 root
contains "tampered: says so" "$ERR" "checksum does not match"
check "tampered: no ready file, no summary" [ ! -e "$RT/run/datacrumbs-r1.ready" ] && [ ! -e "$RT/run/datacrumbs-r1.json" ]
check "tampered: no trace file" [ -z "$(find "$RT/traces" -type f)" ]
# Plain JSON with the same change, and a file signed with another secret.
gzip -dc "$RT/tampered.json.gz" >"$RT/tampered.json"
NOTHING "tampered plain JSON" 4 "$RT/tampered.json" r1 root
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RT/other-secret"
"$RT_MKPROBE" --secret "$RT/other-secret" --out "$RT/othersecret.json.gz" --user root --syscalls s:read
NOTHING "signed with another secret" 4 "$RT/othersecret.json.gz" r1 root
# Expired.
rt_probe "$RT/expired.json.gz" root --valid -60
NOTHING "expired file" 4 "$RT/expired.json.gz" r1 root
contains "expired: says so" "$ERR" "has expired"
# Issued for another user.
NOTHING "file for root, run for nobody" 4 "$RT/good.json.gz" r1 nobody
contains "wrong user: says so" "$ERR" "issued for"
rt_probe "$RT/fornobody.json.gz" nobody
chmod 0644 "$RT/fornobody.json.gz"
NOTHING "file for nobody, run for root" 4 "$RT/fornobody.json.gz" r1 root
# Read with the user's rights: a root-only file, and a symlink to one, are refused for nobody.
cp "$RT/fornobody.json.gz" "$RT/rootonly.json.gz"
chmod 0600 "$RT/rootonly.json.gz"
NOTHING "file nobody cannot read" 4 "$RT/rootonly.json.gz" r1 nobody
contains "unreadable: says so" "$ERR" "Permission denied"
ln -s "$RT/rootonly.json.gz" "$RT/pub/link.json.gz"
NOTHING "symlink to a file nobody cannot read" 4 "$RT/pub/link.json.gz" r1 nobody
mkfifo "$RT/pub/fifo.json.gz"
NOTHING "a FIFO, without hanging" 4 "$RT/pub/fifo.json.gz" r1 nobody
NOTHING "missing file" 4 "$RT/none.json.gz" r1 root
printf 'garbage' >"$RT/garbage.json.gz"
NOTHING "not a probe file" 4 "$RT/garbage.json.gz" r1 root
# Over max_runtime_functions.
cp "$RT_CONF" "$RT/small.conf"
echo "max_runtime_functions = 3" >>"$RT/small.conf"
check_rc "over max_runtime_functions: exit 4" 4 "$RT_DAEMON" --config "$RT/small.conf" "$RT/good.json.gz" r1 root
contains "limit: says so" "$ERR" "max_runtime_functions"
# The secret must be root's alone.
cp "$RT/etc/secret" "$RT/etc/loose" && chmod 0644 "$RT/etc/loose"
sed "s|^secret_file = .*|secret_file = $RT/etc/loose|" "$RT_CONF" >"$RT/loose.conf"
check_rc "world-readable secret: exit 3" 3 "$RT_DAEMON" --config "$RT/loose.conf" "$RT/good.json.gz" r1 root

# Command line.
check_rc "not root: exit 1" 1 setpriv --reuid=nobody --regid=nogroup --clear-groups "$RT_DAEMON" --config "$RT_CONF" "$RT/good.json.gz" r1
contains "not root: says so" "$ERR" "must be run as root"
check_rc "no arguments: exit 2" 2 "$RT_DAEMON"
contains "usage on stderr" "$ERR" "Usage: datacrumbs"
check_rc "bad run id: exit 2" 2 D "$RT/good.json.gz" 'a;b'
check_rc "bad user: exit 2" 2 D "$RT/good.json.gz" r1 '$(id)'
check_rc "unknown user: exit 3" 3 D "$RT/good.json.gz" r1 no_such_user_xyz
check_rc "--help: exit 0" 0 "$RT_DAEMON" --help
check "--help ends with EXAMPLES" bash -c '"$0" --help | sed -n "/^EXAMPLES/,\$p" | grep -q "datacrumbs "' "$RT_DAEMON"
check_rc "--version: exit 0" 0 "$RT_DAEMON" --version
contains "--version names the package" "$OUT" "(datacrumbs-utils)"

# --check: verifies, plans, attaches nothing.
NOTHING "--check of a good file" 0 --check "$RT/good.json.gz" r1 root
contains "--check lists a syscall" "$OUT" "syscall sys/openat (syscall"
contains "--check lists a uprobe with its offset" "$OUT" "uprobe  libc/write at $RT_LIBC+0x"
contains "--check shows aliases" "$OUT" "libc/open64"
contains "--check totals" "$OUT" "functions:"
check "--check: no ready file" [ ! -e "$RT/run/datacrumbs-r1.ready" ]
NOTHING "--check of a tampered file" 4 --check "$RT/tampered.json.gz" r1 root
# A hostile probe file name is one argument, never shell text (systemd passes it as is).
HOSTILE="$RT/pub/a b \$(touch pwned) \"q\" \`touch pwned2\`;.json.gz"
cp "$RT/good.json.gz" "$HOSTILE"
check_rc "--check of a file with a hostile name" 0 bash -c 'cd "$0/pub" && "$1" --config "$2" --check "$3" r1 root' "$RT" "$RT_DAEMON" "$RT_CONF" "$HOSTILE"
check "nothing ran from the name" [ ! -e "$RT/pub/pwned" ] && [ ! -e "$RT/pub/pwned2" ]
"$RT_MKPROBE" --secret "$RT/etc/secret" --out "$RT/unsafe.json.gz" --user root \
    --uprobe "c:$RT_LIBC:setjmp,__sigsetjmp,vfork,exit" --type 3:py:function__entry
check_rc "--check with nothing traceable: exit 4" 4 D --check "$RT/unsafe.json.gz" r1 root
contains "setjmp refused: returns twice" "$OUT" "c/setjmp: not traced: it returns twice"
contains "USDT reported" "$OUT" "USDT probes are not supported"
NOTHING "running it: nothing traceable, refused" 4 "$RT/unsafe.json.gz" r1 root
contains "nothing traceable: says so" "$ERR" "nothing in it can be traced"
check "refused start leaves no trace file" [ -z "$(find "$RT/traces" -type f)" ]
# A given offset must be where the named function starts: a breakpoint one byte into it would
# corrupt every process that maps libc (review finding: any user could have it signed).
D --check "$RT/good.json.gz" r1 root >"$RT/check.out" 2>&1
WOFF=$(sed -n "s|.*libc/write at $RT_LIBC+0x\([0-9a-f]*\).*|\1|p" "$RT/check.out" | head -1)
check "write's offset in libc is known" test -n "$WOFF"
MID=$(printf '%x' $((0x$WOFF + 1)))
"$RT_MKPROBE" --secret "$RT/etc/secret" --out "$RT/offsets.json.gz" --user root \
    --uprobe "c:$RT_LIBC:write:0x$WOFF,write:0x$MID,read:0x$WOFF"
check_rc "--check with given offsets" 0 D --check "$RT/offsets.json.gz" r1 root
contains "the offset where write starts is taken" "$OUT" "uprobe  c/write:0x$WOFF at $RT_LIBC+0x$WOFF"
contains "one byte into write is refused" "$OUT" "0x$MID is not where function 'write' starts"
contains "write's offset under another name is refused" "$OUT" "0x$WOFF is not where function 'read' starts"
"$RT_MKPROBE" --secret "$RT/etc/secret" --out "$RT/midonly.json.gz" --user root \
    --uprobe "c:$RT_LIBC:write:0x$MID"
NOTHING "running a file whose only offset is mid-function: refused" 4 "$RT/midonly.json.gz" r1 root

# A compat version that a stripped libc's .dynsym names plainly ("realpath", versioned in
# .gnu.version): the configurator writes it as realpath@GLIBC_2.2.5:0xOFFSET, which must pass.
COMPAT=$(readelf --dyn-syms -W "$RT_LIBC" 2>/dev/null | awk '$8 ~ /^realpath@GLIBC_/ && $8 !~ /@@/ {print $2, $8; exit}')
if [ -n "$COMPAT" ] && command -v readelf >/dev/null; then
    CVADDR=$((0x${COMPAT%% *}))
    CNAME=${COMPAT#* }
    COFF=
    while read -r _ off vaddr _ filesz _; do
        if [ "$CVADDR" -ge $((vaddr)) ] && [ "$CVADDR" -lt $((vaddr + filesz)) ]; then
            COFF=$(printf '%x' $((CVADDR - vaddr + off)))
        fi
    done < <(readelf -lW "$RT_LIBC" | awk '$1 == "LOAD"')
    "$RT_MKPROBE" --secret "$RT/etc/secret" --out "$RT/compat.json.gz" --user root \
        --uprobe "c:$RT_LIBC:$CNAME:0x$COFF"
    check_rc "--check with a compat version and its offset" 0 D --check "$RT/compat.json.gz" r1 root
    contains "the compat version is taken" "$OUT" "uprobe  c/$CNAME:0x$COFF at $RT_LIBC+0x$COFF"
else
    echo "# no compat realpath in $RT_LIBC: the versioned-name case is not tried"
fi

# The binaries a probe file names are opened as its user, once: not a file only root can
# read, not a FIFO (without hanging), not a device.
mkdir -p "$RT/rootdir" && chmod 0700 "$RT/rootdir" && cp "$RT_LIBC" "$RT/rootdir/libc.so"
mkfifo "$RT/pub/fifo.so"
"$RT_MKPROBE" --secret "$RT/etc/secret" --out "$RT/pub/bins.json.gz" --user nobody \
    --syscalls s:read --uprobe "a:$RT/rootdir/libc.so:write" --uprobe "b:$RT/pub/fifo.so:write" \
    --uprobe "d:/dev/zero:write" --uprobe "e:$RT_LIBC:write"
chmod 0644 "$RT/pub/bins.json.gz"
check_rc "--check for nobody with hostile binaries" 0 timeout 20 "$RT_DAEMON" --config "$RT_CONF" --check "$RT/pub/bins.json.gz" r1 nobody
contains "a root-only binary is opened as the user: refused" "$OUT" "$RT/rootdir/libc.so: Permission denied (as the user)"
contains "a FIFO is refused" "$OUT" "$RT/pub/fifo.so: not a regular file"
contains "a device is refused" "$OUT" "/dev/zero: not a regular file"
contains "the user's own libc is fine" "$OUT" "uprobe  e/write at $RT_LIBC+0x"

# A start that fails after the files are prepared still leaves a summary saying so.
sed "s|^client_lib = .*|client_lib = /bin/true|" "$RT_CONF" >"$RT/noclient.conf"
check_rc "client library without the symbols: exit 5" 5 "$RT_DAEMON" --config "$RT/noclient.conf" "$RT/good.json.gz" r2 root
contains "client library: says so" "$ERR" "does not define datacrumbs_announce"
check "failed start still writes a summary" grep -q '"error": "the run failed to start"' "$RT/run/datacrumbs-r2.json"
check "failed start leaves no trace file" [ -z "$(find "$RT/traces" -type f)" ]
check "failed start leaves no ready file" [ ! -e "$RT/run/datacrumbs-r2.ready" ]
finish
