#!/bin/bash
# test_track.sh BUILD SRC - datacrumbs_track/untrack on binaries built here: PIE and non-PIE
# (tracked ones load the library, untracked ones do not), every refusal with its exit code and
# a byte-identical file, symlinks, hard links, a running program, metadata, PATH lookup.
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
command -v "$CC" >/dev/null || skip_all "no C compiler ($CC) to build the test programs"
# Absolute, but the soname link itself (as installed), not the file it points to.
LIB=$(cd "$(dirname "$LIB")" && pwd -P)/$(basename "$LIB")
# ASan/UBSan builds: the programs we test are not instrumented, the tools are; keep it quiet.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=1"

W=$(realpath "$T_TMP")/w
mkdir -p "$W"
CONF=$W/datacrumbs.conf
printf 'client_lib = %s\n' "$LIB" >"$CONF"
T() { "$TRACK" --config "$CONF" "$@"; }
U() { "$UNTRACK" --config "$CONF" "$@"; }
skip() { ok "$1 # SKIP $2"; }

# The program: says hello; with "wait FILE" it announces itself and waits for FILE.
cat >"$W/hello.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "wait") == 0) {
        FILE *f = fopen(argv[2], "w");
        if (f)
            fclose(f);
        for (int i = 0; i < 3000 && access(argv[3], F_OK) != 0; i++)
            usleep(10000);
    }
    printf("hello\n");
    return 0;
}
EOF
build() { # build NAME FLAGS...
    local name=$1
    shift
    "$CC" "$@" -o "$W/$name" "$W/hello.c" 2>"$W/$name.cc-err"
}
build pie -fPIE -pie || skip_all "cannot build a PIE test program"
build nopie -fno-pie -no-pie || skip_all "cannot build a non-PIE test program"
HAVE_STATIC=0 HAVE_STATIC_PIE=0 HAVE_M32=0
build static -static && HAVE_STATIC=1
build static_pie -fPIE -static-pie && HAVE_STATIC_PIE=1
build m32 -m32 && HAVE_M32=1
cp "$W/pie" "$W/pie.orig"

ino() { stat -c %i "$1"; }
needed() { # the DT_NEEDED list as the loader sees it
    if command -v readelf >/dev/null; then
        readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
    else
        patchelf --print-needed "$1"
    fi
}
fresh() { # fresh NAME FROM: a new copy of a built program
    rm -f "$W/$1"
    cp "$W/$2" "$W/$1"
}

# --- tracked programs load the library, untracked ones do not (PIE and non-PIE) ---
for kind in pie nopie; do
    fresh "$kind.t" "$kind"
    F=$W/$kind.t
    check_rc "$kind: untracked program runs" 0 env DATACRUMBS_CLIENT_DEBUG=1 "$F"
    lacks "$kind: untracked program does not load the library" "$ERR" "datacrumbs_client"
    check_rc "$kind: --check before: not tracked" 1 T --check "$F"
    check_rc "$kind: track" 0 T "$F"
    contains "$kind: track prints the file and the entry" "$OUT" "$F: tracked (DT_NEEDED $LIB added)"
    check "$kind: DT_NEEDED holds the absolute client_lib path" bash -c '[ "$(readelf -d "$0" 2>/dev/null | grep -c "NEEDED.*\[$1\]")" = 1 ] || patchelf --print-needed "$0" | grep -qx "$1"' "$F" "$LIB"
    check_rc "$kind: tracked program runs" 0 env DATACRUMBS_CLIENT_DEBUG=1 "$F"
    contains "$kind: tracked program loads the library" "$ERR" "datacrumbs_client: start (pid"
    contains "$kind: tracked program still works" "$OUT" "hello"
    check_rc "$kind: --check: tracked" 0 T --check "$F"
    check_rc "$kind: untrack --check: tracked" 0 U --check "$F"
    cp "$F" "$W/snap"
    i1=$(ino "$F")
    check_rc "$kind: tracking again is a no-op" 0 T "$F"
    contains "$kind: says already tracked" "$OUT" "already tracked"
    check "$kind: no-op leaves the bytes" cmp -s "$F" "$W/snap"
    check "$kind: no-op leaves the inode" [ "$(ino "$F")" = "$i1" ]
    check "$kind: one entry, not two" [ "$(needed "$F" | grep -c libdatacrumbs_client)" = 1 ]
    check_rc "$kind: untrack" 0 U "$F"
    contains "$kind: untrack says what it removed" "$OUT" "$F: untracked (DT_NEEDED $LIB removed)"
    check_rc "$kind: untracked program runs" 0 env DATACRUMBS_CLIENT_DEBUG=1 "$F"
    lacks "$kind: untracked program no longer loads the library" "$ERR" "datacrumbs_client"
    check "$kind: the program's own DT_NEEDED entries kept" [ "$(needed "$F")" = "$(needed "$W/$kind")" ]
    check_rc "$kind: --check after untrack: not tracked" 1 T --check "$F"
    cp "$F" "$W/snap"
    check_rc "$kind: untracking again is a no-op" 0 U "$F"
    contains "$kind: says not tracked" "$OUT" "not tracked; nothing changed"
    check "$kind: no-op leaves the bytes" cmp -s "$F" "$W/snap"
done

# --- --soname: the soname plus a RUNPATH entry, for installs that move ---
LIBDIR=$(dirname "$LIB")
runpath() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p'; }
fresh soname pie
F=$W/soname
check_rc "--soname: track" 0 T --soname "$F"
contains "--soname: says what it added" "$OUT" "$F: tracked (DT_NEEDED $(basename "$LIB") added, RUNPATH $LIBDIR)"
check "--soname: DT_NEEDED holds the soname" [ "$(needed "$F" | grep -c "^$(basename "$LIB")\$")" = 1 ]
check "--soname: RUNPATH holds the library's directory" [ "$(runpath "$F")" = "$LIBDIR" ]
check_rc "--soname: the program runs" 0 env DATACRUMBS_CLIENT_DEBUG=1 "$F"
contains "--soname: and loads the library through RUNPATH" "$ERR" "datacrumbs_client: start (pid"
check_rc "--soname: --check: tracked" 0 T --check "$F"
check_rc "--soname: tracking again (either way) is a no-op" 0 T "$F"
contains "--soname: ... says already tracked" "$OUT" "already tracked"
check_rc "--soname: untrack" 0 U "$F"
check "--soname: the entry is gone" [ -z "$(needed "$F" | grep libdatacrumbs_client)" ]
check_rc "--soname: the program runs untraced" 0 env DATACRUMBS_CLIENT_DEBUG=1 "$F"
lacks "--soname: ... without the library" "$ERR" "datacrumbs_client"
# A RUNPATH that already holds the directory gets no second copy.
fresh soname2 pie
patchelf --set-rpath "/opt/other:$LIBDIR" "$W/soname2"
check_rc "--soname: a file that searches the directory already" 0 T --soname "$W/soname2"
check "--soname: ... keeps its RUNPATH as it was" [ "$(runpath "$W/soname2")" = "/opt/other:$LIBDIR" ]
check_rc "--soname: untrack refuses the option" 10 U --soname "$W/soname2"
# The older DT_RPATH stays an RPATH (patchelf alone would turn it into a RUNPATH, which
# changes how the program's libraries find theirs).
rpath() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(RPATH).*\[\(.*\)\]/\1/p'; }
fresh soname3 pie
patchelf --force-rpath --set-rpath /opt/other "$W/soname3"
check_rc "--soname: a file with an RPATH" 0 T --soname "$W/soname3"
check "--soname: ... keeps an RPATH, our directory appended" [ "$(rpath "$W/soname3")" = "/opt/other:$LIBDIR" ]
check "--soname: ... and gets no RUNPATH" [ -z "$(runpath "$W/soname3")" ]
check_rc "--soname: ... and runs with the library" 0 env DATACRUMBS_CLIENT_DEBUG=1 "$W/soname3"
contains "--soname: ... loaded through the RPATH" "$ERR" "datacrumbs_client: start (pid"

# --- metadata: mode, owner, group, timestamps, extended attributes; a new inode ---
fresh meta pie
F=$W/meta
chmod 0750 "$F"
[ "$(id -u)" = 0 ] && chgrp daemon "$F" 2>/dev/null
touch -d '2001-02-03 04:05:06.123456789' "$F"
HAVE_XATTR=0
if command -v setfattr >/dev/null && setfattr -n user.dc_test -v hello "$F" 2>/dev/null; then
    HAVE_XATTR=1
fi
before=$(stat -c '%a %u %g %Y %y' "$F")
i1=$(ino "$F")
check_rc "metadata: track" 0 T "$F"
check "metadata: mode, owner, group and mtime kept" [ "$(stat -c '%a %u %g %Y %y' "$F")" = "$before" ]
check "metadata: the file was replaced, not rewritten" [ "$(ino "$F")" != "$i1" ]
if [ $HAVE_XATTR = 1 ]; then
    check "metadata: extended attribute kept" [ "$(getfattr --only-values -n user.dc_test "$F" 2>/dev/null)" = hello ]
else
    skip "metadata: extended attribute kept" "no setfattr or no user xattrs here"
fi
check "metadata: no temporary file left" [ -z "$(ls -A "$W" | grep dctrack)" ]

# --- refusals: each exits with its code, says what to do, and leaves the file as it was ---
refuse() { # refuse NAME WANT FILE MESSAGE COMMAND...
    local name=$1 want=$2 file=$3 msg=$4 before
    shift 4
    before=$(stat -c '%i %s %Y %a' "$file")
    cp "$file" "$W/refuse.snap"
    check_rc "$name: exit $want" "$want" "$@"
    contains "$name: message" "$ERR" "$msg"
    check "$name: file byte-identical" cmp -s "$file" "$W/refuse.snap"
    check "$name: file not replaced" [ "$(stat -c '%i %s %Y %a' "$file")" = "$before" ]
}

if [ $HAVE_STATIC = 1 ]; then
    refuse "static" 4 "$W/static" "statically linked executable: no dynamic loader" T "$W/static"
    refuse "static (untrack)" 4 "$W/static" "statically linked" U "$W/static"
    check_rc "static: --check says not tracked" 1 T --check "$W/static"
else
    skip "static" "the toolchain cannot link -static"
fi
if [ $HAVE_STATIC_PIE = 1 ]; then
    refuse "static-pie" 4 "$W/static_pie" "static-pie executable" T "$W/static_pie"
else
    skip "static-pie" "the toolchain cannot link -static-pie"
fi
printf '#!/bin/sh\necho hi\n' >"$W/script.sh"
chmod 0755 "$W/script.sh"
refuse "shell script" 3 "$W/script.sh" "track the interpreter or use datacrumbs_wrap" T "$W/script.sh"
printf 'just text\n' >"$W/text"
chmod 0755 "$W/text"
refuse "non-ELF file" 3 "$W/text" "not an ELF executable" T "$W/text"
head -c 200 "$W/pie" >"$W/truncated"
refuse "truncated ELF" 3 "$W/truncated" "damaged ELF" T "$W/truncated"
cp "$LIB" "$W/libcopy.so"
refuse "shared library" 4 "$W/libcopy.so" "shared library" T "$W/libcopy.so"
mkdir -p "$W/adir"
check_rc "directory: exit 2" 2 T "$W/adir"
contains "directory: message" "$ERR" "is a directory"
mkfifo "$W/fifo"
check_rc "FIFO: exit 2 (and no hang)" 2 timeout 10 "$TRACK" --config "$CONF" "$W/fifo"
check_rc "device: exit 2" 2 T /dev/null
check_rc "missing file: exit 8" 8 T "$W/no-such-file"
check_rc "name not in PATH: exit 8" 8 env PATH="$W/adir" "$TRACK" --config "$CONF" no-such-prog
contains "name not in PATH: message" "$ERR" "not found in PATH"

# Wrong ELF class: a real 32-bit program when the toolchain builds one, and always a hand-made
# 32-bit i386 header.
if [ $HAVE_M32 = 1 ]; then
    refuse "32-bit program" 5 "$W/m32" "is 32-bit i386 but the client library" T "$W/m32"
    check_rc "32-bit program: untrack has nothing to do" 0 U "$W/m32"
else
    skip "32-bit program" "no -m32 toolchain (gcc-multilib)"
fi
# e_ident: ELF, class 1 (32-bit), LSB, version 1; e_type 2 (EXEC), e_machine 3 (i386), no
# program headers.
printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000\002\000\003\000\001\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\064\000\040\000\000\000\050\000\000\000\000\000' >"$W/hand32"
chmod 0755 "$W/hand32"
refuse "hand-made 32-bit header" 5 "$W/hand32" "32-bit i386" T "$W/hand32"

# set-user-ID / set-group-ID: refused without --force, kept with it.
fresh suid pie
chmod 4755 "$W/suid"
refuse "set-user-ID" 7 "$W/suid" "set-user-ID" T "$W/suid"
contains "set-user-ID: --force is offered" "$ERR" "--force"
check_rc "set-user-ID with --force" 0 T --force "$W/suid"
check "set-user-ID bit kept" [ "$(stat -c %a "$W/suid")" = 4755 ]
check_rc "set-user-ID with --force: tracked" 0 T --check "$W/suid"
fresh sgid pie
chmod 2755 "$W/sgid"
refuse "set-group-ID" 7 "$W/sgid" "set-group-ID" T "$W/sgid"
refuse "set-user-ID (untrack)" 7 "$W/suid" "set-user-ID" U "$W/suid"

# Not writable. Root may write any file, so the unprivileged cases run as nobody.
fresh ro pie
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null; then
        AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
        chmod 0711 "$T_TMP"
        chmod 0755 "$W"
        mkdir -p "$W/nb"
        chown 65534:65534 "$W/nb"
        cp "$W/pie" "$W/nb/ro"
        chown 65534:65534 "$W/nb/ro"
        chmod 0555 "$W/nb/ro"
        refuse "read-only file (as nobody)" 6 "$W/nb/ro" "you may not write it" "${AS_NOBODY[@]}" "$TRACK" --config "$CONF" "$W/nb/ro"
        cp "$W/pie" "$W/nb/rootfile"
        chmod 0666 "$W/nb/rootfile" # writable by nobody, but owned by root
        refuse "another user's file (as nobody)" 6 "$W/nb/rootfile" "belongs to uid 0" "${AS_NOBODY[@]}" "$TRACK" --config "$CONF" "$W/nb/rootfile"
        mkdir -p "$W/rodir"
        cp "$W/pie" "$W/rodir/f"
        chown 65534:65534 "$W/rodir/f"
        refuse "directory not writable (as nobody)" 6 "$W/rodir/f" "is not writable by you" "${AS_NOBODY[@]}" "$TRACK" --config "$CONF" "$W/rodir/f"
        chmod 0755 "$W/nb/ro"
        check_rc "own writable file (as nobody): tracked" 0 "${AS_NOBODY[@]}" "$TRACK" --config "$CONF" "$W/nb/ro"
        check "own file (as nobody): owner kept" [ "$(stat -c %u:%g "$W/nb/ro")" = 65534:65534 ]
    else
        skip "read-only file" "root, and no setpriv to drop privileges"
    fi
    if command -v chattr >/dev/null && chattr +i "$W/ro" 2>/dev/null; then
        refuse "immutable file (root)" 6 "$W/ro" "immutable" T "$W/ro"
        chattr -i "$W/ro"
    else
        skip "immutable file" "chattr +i not supported here"
    fi
    if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
        mkdir -p "$W/rofs"
        cp "$W/pie" "$W/rofs/f"
        refuse "read-only filesystem" 6 "$W/rofs/f" "read-only filesystem" unshare -m bash -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && exec "$2" --config "$3" "$1/f"' _ "$W/rofs" "$TRACK" "$CONF"
    else
        skip "read-only filesystem" "cannot make a private mount namespace"
    fi
else
    chmod 0555 "$W/ro"
    refuse "read-only file" 6 "$W/ro" "you may not write it" T "$W/ro"
    chmod 0755 "$W/ro"
    skip "read-only filesystem" "needs root for a private read-only mount"
fi

# --- symlink: the target is patched, the link stays a link ---
fresh real pie
ln -s real "$W/link"
FOLLOW=
[ "$(id -u)" = 0 ] && FOLLOW=--follow # root follows links only when told to (below)
check_rc "symlink: track through the link" 0 T $FOLLOW "$W/link"
contains "symlink: the real file is printed" "$OUT" "$W/real: tracked"
check "symlink: still a symlink" [ -L "$W/link" ]
check "symlink: to the same name" [ "$(readlink "$W/link")" = real ]
check_rc "symlink: the target is tracked" 0 T --check "$W/real"

# --- root is not led by a link someone else placed: refused (11) unless --follow ---
if [ "$(id -u)" = 0 ]; then
    fresh victim pie
    mkdir "$W/udir"
    ln -s ../victim "$W/udir/ulink"
    ln -s "$W" "$W/udir/dirlink"
    ln -s "$W" "$W/rootlink"
    chown -h nobody "$W/udir" "$W/udir/ulink" "$W/udir/dirlink"
    check_rc "root, a user's link to a root-owned file: refused" 11 T "$W/udir/ulink"
    contains "root, link: the message names the link and its target" "$ERR" "udir/ulink: is a symbolic link (to ../victim)"
    contains "root, link: the message says --follow" "$ERR" "--follow"
    check "root, link: the target is byte-identical" cmp -s "$W/victim" "$W/pie"
    check_rc "root, untrack through the link: refused too" 11 U "$W/udir/ulink"
    check_rc "root, a path through a user's directory link: refused" 11 T "$W/udir/dirlink/victim"
    contains "root, directory link: names the link's owner" "$ERR" "owned by uid $(id -u nobody)"
    check "root, directory link: the target is byte-identical" cmp -s "$W/victim" "$W/pie"
    check_rc "root, a root-owned directory link in the path is followed" 0 T --dry-run "$W/rootlink/victim"
    ln -s victim "$W/rootfinal"
    check_rc "root, even root's own link as PATH: refused" 11 T "$W/rootfinal"
    check_rc "root, --follow: the link's target is patched" 0 T --follow "$W/udir/ulink"
    check_rc "root, --follow: the target is tracked" 0 T --check "$W/victim"
    check "root, --follow: the link stays a link" [ -L "$W/udir/ulink" ]
    check_rc "root, --follow: untrack through the link" 0 U --follow "$W/udir/ulink"
    check_rc "root, --follow: not tracked any more" 1 T --check "$W/victim"
    check_rc "root, --help lists --follow" 0 T --help
    contains "root, --help: --follow" "$OUT" "--follow"
else
    skip "root and a user's symlink" "needs root to play root and a user"
fi

# --- hard link: only the named link gets the patched file, the other keeps the original ---
fresh hl1 pie
ln "$W/hl1" "$W/hl2"
check_rc "hard link: track one name" 0 T "$W/hl1"
contains "hard link: warns" "$ERR" "hard links"
check "hard link: the other name is untouched" cmp -s "$W/hl2" "$W/pie"
check_rc "hard link: the other name is not tracked" 1 T --check "$W/hl2"
check_rc "hard link: the named one is tracked" 0 T --check "$W/hl1"

# --- a running program is not rewritten: it keeps running, the next start loads the library ---
fresh busy pie
rm -f "$W/busy.ready" "$W/busy.go"
"$W/busy" wait "$W/busy.ready" "$W/busy.go" >"$W/busy.out" &
BUSY=$!
for _ in $(seq 300); do [ -e "$W/busy.ready" ] && break; sleep 0.01; done
check "running: program started" [ -e "$W/busy.ready" ]
check_rc "running: track while it runs" 0 T "$W/busy"
check "running: program still alive" kill -0 "$BUSY"
touch "$W/busy.go"
wait "$BUSY"
check "running: program finished normally" [ $? = 0 ]
check "running: and printed its output" grep -q hello "$W/busy.out"
check_rc "running: next start loads the library" 0 env DATACRUMBS_CLIENT_DEBUG=1 "$W/busy"
contains "running: library line" "$ERR" "datacrumbs_client: start"

# --- PATH lookup for a bare name; --executable spelling ---
mkdir -p "$W/bin"
fresh bin/tool pie
check_rc "PATH lookup: track a bare name" 0 env PATH="$W/bin:$PATH" "$TRACK" --config "$CONF" tool
contains "PATH lookup: resolved file printed" "$OUT" "$W/bin/tool: tracked"
check_rc "--executable PATH" 0 U --executable "$W/bin/tool"
check_rc "--exec prefix" 1 U --check --exec="$W/bin/tool"

# --- untrack removes every entry of our library, --exact only the configured one ---
fresh multi pie
patchelf --add-needed /elsewhere/libdatacrumbs_client.so "$W/multi"
patchelf --add-needed libdatacrumbs_client.so.0 "$W/multi"
check_rc "foreign entry: counts as tracked" 0 T --check "$W/multi"
check_rc "foreign entry: track is a no-op" 0 T "$W/multi"
contains "foreign entry: names the configured path" "$ERR" "is not the configured client_lib"
T --force "$W/multi" >/dev/null 2>&1 # no-op
patchelf --add-needed "$LIB" "$W/multi"
check_rc "--exact: untrack only the configured path" 0 U --exact "$W/multi"
check "--exact: the others stay" [ "$(needed "$W/multi" | grep -c libdatacrumbs_client)" = 2 ]
check_rc "--exact again: nothing to do" 0 U --exact "$W/multi"
contains "--exact again: points at the rest" "$ERR" "without --exact"
check_rc "untrack: removes every entry" 0 U "$W/multi"
check "untrack: no entry left" [ "$(needed "$W/multi" | grep -c libdatacrumbs_client)" = 0 ]
check "untrack: the program's own entries kept" [ "$(needed "$W/multi")" = "$(needed "$W/pie")" ]
check_rc "untrack: program runs again" 0 "$W/multi"

# --- the library uninstalled: tracked programs stop starting; untrack needs no library ---
mkdir -p "$W/libdir"
cp "$LIB" "$W/libdir/libdatacrumbs_client.so.0"
printf 'client_lib = %s\n' "$W/libdir/libdatacrumbs_client.so.0" >"$W/moved.conf"
fresh gone pie
check_rc "uninstall: track" 0 "$TRACK" --config "$W/moved.conf" "$W/gone"
rm "$W/libdir/libdatacrumbs_client.so.0"
check_rc "uninstall: the tracked program no longer starts" 127 "$W/gone"
contains "uninstall: the loader says why" "$ERR" "cannot open shared object file"
check_rc "uninstall: --check still says tracked" 0 "$TRACK" --config "$W/moved.conf" --check "$W/gone"
contains "uninstall: --check warns" "$ERR" "does not exist"
fresh gone2 pie
check_rc "uninstall: track with no library is refused" 9 "$TRACK" --config "$W/moved.conf" "$W/gone2"
check "uninstall: refused file untouched" cmp -s "$W/gone2" "$W/pie"
check_rc "uninstall: untrack works without the library" 0 "$UNTRACK" --config "$W/moved.conf" "$W/gone"
check_rc "uninstall: the program starts again" 0 "$W/gone"

# --- --dry-run, --backup, --verbose, stale temporary files ---
fresh dry pie
check_rc "dry run" 0 T --dry-run --backup "$W/dry"
contains "dry run: shows the patchelf command" "$OUT" "would run: $(realpath "$(command -v patchelf)") --add-needed $LIB"
contains "dry run: shows the rename" "$OUT" "would rename the copy over $W/dry"
check "dry run: nothing changed" cmp -s "$W/dry" "$W/pie"
check "dry run: no backup made" [ ! -e "$W/dry~" ]
check_rc "dry run of a refusal still refuses" 3 T --dry-run "$W/script.sh"
fresh bk pie
check_rc "--backup" 0 T --backup "$W/bk"
check "--backup: original kept as bk~" cmp -s "$W/bk~" "$W/pie"
check_rc "--backup=.orig on untrack" 0 U --backup=.orig "$W/bk"
check_rc "--backup=.orig: the tracked version kept" 0 T --check "$W/bk.orig"
fresh stale pie
sh -c 'exit 0' &
dead=$!
wait $dead
printf x >"$W/.stale.dctrack-$dead-0badf00d"
check_rc "--verbose" 0 T --verbose "$W/stale"
contains "--verbose shows the command" "$ERR" "running $(realpath "$(command -v patchelf)") --add-needed"
check "stale temporary file of a dead run removed" [ ! -e "$W/.stale.dctrack-$dead-0badf00d" ]
check_rc "--quiet prints nothing" 0 U --quiet "$W/stale"
check "--quiet: stdout empty" [ -z "$OUT" ]

# --- a system file, as root: a warning (dry run, so nothing is touched) ---
if [ "$(id -u)" = 0 ] && [ -x /usr/bin/env ]; then
    check_rc "system file as root: allowed" 0 T --dry-run /usr/bin/env
    contains "system file as root: warns" "$ERR" "is a system file"
fi

# --- usage ---
check_rc "no file: usage error 10" 10 T
contains "usage on stderr" "$ERR" "Usage: datacrumbs_track"
check_rc "two files: 10" 10 T a b
check_rc "unknown option: 10" 10 T --bogus x
check_rc "--exact is untrack's: 10" 10 T --exact x
check_rc "--check with --dry-run: 10" 10 T --check --dry-run x
check_rc "bad config: 9" 9 "$TRACK" --config "$W/no-such.conf" "$W/pie"
for prog in "$TRACK" "$UNTRACK"; do
    name=${prog##*/}
    check_rc "$name --help exits 0" 0 "$prog" --help
    check "$name --help ends with EXAMPLES" bash -c '"$0" --help | sed -n "/^EXAMPLES/,\$p" | grep -q "$1"' "$prog" "$name"
    check_rc "$name --help wins over errors" 0 "$prog" --bogus --help
    check_rc "$name --version" 0 "$prog" --version
    contains "$name --version names the package" "$OUT" "(datacrumbs-utils)"
done
check_rc "the original test program still runs" 0 "$W/pie.orig"

finish
