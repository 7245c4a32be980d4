#!/bin/bash
# test_runtime_upgrade.sh BUILD SRC - a run keeps tracing across an upgrade of the client
# library. Package managers replace a file by writing a new one and renaming it over the old
# name, so the announce probes (which live in the old inode) no longer see processes started
# afterwards; the daemon must notice the new file and probe it too. Both shapes are tried:
# a reinstall (same name, new inode) and a version bump (new versioned file, the soname link
# re-pointed), each as dpkg and rpm do it (temporary file, then rename). A process that still
# maps the old file keeps being traced, and a process started after each change is traced.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/runtime/rt_lib.sh"
rt_require
rt_setup
OLD=
trap '[ -n "$OLD" ] && kill "$OLD" 2>/dev/null; rt_cleanup; rm -rf -- "$T_TMP"' EXIT
P=$RT/pub
AS_NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"

# The installed layout: the soname link and the versioned file, in a root-owned directory.
mkdir -p "$RT/lib"
cp "$RT_CLIENT" "$RT/lib/libdatacrumbs_client.so.0.1.0"
ln -s libdatacrumbs_client.so.0.1.0 "$RT/lib/libdatacrumbs_client.so.0"
sed -i "s|^client_lib = .*|client_lib = $RT/lib/libdatacrumbs_client.so.0|" "$RT_CONF"

rt_probe "$RT/p.json.gz" nobody
chmod 0644 "$RT/p.json.gz"
rt_start_first "$RT/p.json.gz" upg nobody
dd_as() { # dd_as FILE: a wrapped dd writing FILE as nobody, naming the run
    $AS_NOBODY "$RT_WRAP" --config "$RT_CONF" --run-id upg dd if=/dev/zero of="$P/$1" bs=512 count=1 status=none
}
# replaced N: wait (up to 3 s) until the daemon has said N times that it probes a new file.
replaced() {
    for _ in $(seq 60); do
        [ "$(grep -c 'was replaced: its new file is probed too' "$RT/daemon.err")" -ge "$1" ] && return 0
        sleep 0.05
    done
    return 1
}
dd_as before.bin
# A traced shell, started on the old file, that runs a dd after the upgrades.
mkfifo -m 0666 "$P/go"
$AS_NOBODY "$RT_WRAP" --config "$RT_CONF" --run-id upg sh -c \
    "read _ <'$P/go'; exec dd if=/dev/zero of='$P/old-process.bin' bs=512 count=1 status=none" &
OLD=$!
INO0=$(stat -L -c %i "$RT/lib/libdatacrumbs_client.so.0")

# A reinstall: the same name, a new inode.
cp "$RT_CLIENT" "$RT/lib/libdatacrumbs_client.so.0.1.0.dpkg-new"
mv "$RT/lib/libdatacrumbs_client.so.0.1.0.dpkg-new" "$RT/lib/libdatacrumbs_client.so.0.1.0"
check "the reinstall gave the library a new inode" [ "$(stat -L -c %i "$RT/lib/libdatacrumbs_client.so.0")" != "$INO0" ]
check "the daemon probes the reinstalled file" replaced 1
dd_as after-reinstall.bin

# A version bump: a new versioned file, the link re-pointed by rename, the old file removed.
cp "$RT_CLIENT" "$RT/lib/libdatacrumbs_client.so.0.2.0"
ln -s libdatacrumbs_client.so.0.2.0 "$RT/lib/link.tmp"
mv -T "$RT/lib/link.tmp" "$RT/lib/libdatacrumbs_client.so.0"
rm "$RT/lib/libdatacrumbs_client.so.0.1.0"
check "the daemon probes the new version" replaced 2
dd_as after-upgrade.bin
echo go >"$P/go"
wait "$OLD"
OLD=
rt_stop
check "the daemon stopped cleanly" [ "$RT_RC" -eq 0 ]
E=$("$RT_TRACECAT" "$(rt_summary_get upg trace_file)")
contains "a dd started before the changes is traced" "$E" "$P/before.bin"
contains "a dd started after the reinstall is traced" "$E" "$P/after-reinstall.bin"
contains "a dd started after the version bump is traced" "$E" "$P/after-upgrade.bin"
contains "a process started on the old file is still traced" "$E" "$P/old-process.bin"
finish
