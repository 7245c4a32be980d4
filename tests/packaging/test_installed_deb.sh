#!/bin/bash
# test_installed_deb.sh BUILD SRC - the five .debs on a booted Debian 12 (systemd-nspawn).
#
# Install all five: the secret is created root:root 0400, every file is root's and none is
# world-writable, tmpfiles made the run directory, the signer's socket is enabled and active,
# datacrumbs@.service is not enabled. -tools and -slurm installed with a missing or insecure
# secret say what is wrong and how to fix it, and the fix works. As a normal user: render the
# shipped host template and build a signed probe file through the socket-activated signer.
# datacrumbs@test.service reaches active (or, where the container cannot load BPF, the daemon
# refuses for exactly that reason after checking everything else; a stand-in instance then
# checks what the packages do to instances). Upgrade to a higher version: the edited conffile
# and the secret are kept, the running instance is not restarted, the signer's socket keeps
# listening and the running signer is restarted, and the running instance traces a program
# started after the upgrade (the client library's file was replaced). Remove: running instances
# stopped, the secret kept. Purge: nothing is left but what the admin guide says purge keeps.
#
# Needs root, debootstrap and systemd-nspawn (apt-get install debootstrap systemd-container);
# skips (77) otherwise. Packages: $DC_TEST_PACKAGES, or built here (tests/packaging/lib-packages.sh).
# The Debian root is cached in /var/cache/datacrumbs-tests (tests/packaging/lib-root.sh).
set -u
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/packaging/lib-root.sh"
. "$SRC/tests/packaging/lib-packages.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (installs packages into a container)"
for t in debootstrap systemd-nspawn nsenter dpkg-deb; do
    command -v "$t" >/dev/null 2>&1 ||
        skip_all "$t missing (apt-get install debootstrap systemd-container)"
done
[ -d /sys/fs/cgroup ] || skip_all "no cgroup file system: systemd-nspawn cannot boot a container"

T0=$SECONDS
NSPAWN_PID=""
LEADER=""
ROOT=$T_TMP/root

cleanup() {
    if [ -n "$LEADER" ] && [ "$LEADER" -gt 1 ] 2>/dev/null; then
        timeout 20 nsenter -t "$LEADER" -a systemctl poweroff >/dev/null 2>&1 || true
    fi
    if [ -n "$NSPAWN_PID" ] && [ "$NSPAWN_PID" -gt 1 ] 2>/dev/null; then
        for _ in $(seq 100); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$NSPAWN_PID" 2>/dev/null && kill -TERM "$NSPAWN_PID" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.2; done
    fi
    rm -rf -- "$T_TMP"
}
trap cleanup EXIT

# --- packages: the build's, and a higher version of each for the upgrade -------------------
rc=0
PKGS=$(dc_packages deb "$T_TMP/packages") || rc=$?
[ $rc -eq 77 ] && skip_all "cannot build the .debs here"
[ $rc -eq 0 ] || { not_ok "packages available"; finish; exit 1; }
NAMES="datacrumbs-runtime datacrumbs-utils-client datacrumbs-utils-tools datacrumbs-utils-slurm datacrumbs-utils-devel"
mkdir -p "$T_TMP/v1" "$T_TMP/v2"
for n in $NAMES; do
    f=$(ls "$PKGS/${n}_"*.deb 2>/dev/null | head -1)
    [ -n "$f" ] || { not_ok "package $n built"; finish; exit 1; }
    cp "$f" "$T_TMP/v1/$n.deb"
done
V1=$(dc_version_of "$T_TMP/v1/datacrumbs-runtime.deb")
V2=$V1+dctest1
echo "# packages $V1 from $PKGS ($((SECONDS - T0)) s)"

# The upgrade's packages: the same build with a higher version (and the dependencies between
# them following it) and a changed default datacrumbs.conf, so that dpkg sees both a new
# version and a new conffile. A second full build would cost minutes for no more coverage:
# maintainer scripts and file lists are those of the build under test.
for n in $NAMES; do
    d=$T_TMP/v2/$n
    dpkg-deb -R "$T_TMP/v1/$n.deb" "$d"
    sed -i -e "s/^Version: .*/Version: $V2/" -e "s/(= $V1)/(= $V2)/g" "$d/DEBIAN/control"
    if [ "$n" = datacrumbs-runtime ]; then
        echo "# a new default added by version $V2" >>"$d/etc/datacrumbs/datacrumbs.conf"
        (cd "$d" && sed -i "s|^[0-9a-f]*  etc/datacrumbs/datacrumbs.conf\$|$(md5sum etc/datacrumbs/datacrumbs.conf)|" DEBIAN/md5sums)
    fi
    dpkg-deb -Zgzip -z1 -b "$d" "$T_TMP/v2/$n.deb" >/dev/null
    rm -rf "$d"
done

# --- the container ------------------------------------------------------------------------
dc_root_copy "$ROOT" || { not_ok "a Debian 12 root (debootstrap)"; finish; exit 1; }
mkdir -p "$ROOT/opt/dc-test"
cp -r "$T_TMP/v1" "$T_TMP/v2" "$ROOT/opt/dc-test/"
echo "# root ready ($((SECONDS - T0)) s)"

# BPF in the container: the capabilities and system calls systemd-nspawn withholds by default.
# Host-wide settings are not touched; the runtime is still confined by its unit.
MACHINE=dcpkg$$
setsid systemd-nspawn --quiet --register=no --keep-unit -b --console=pipe -D "$ROOT" \
    -M "$MACHINE" --capability=CAP_BPF,CAP_PERFMON,CAP_SYS_RESOURCE \
    --system-call-filter='bpf perf_event_open' >"$T_TMP/nspawn.log" 2>&1 </dev/null &
NSPAWN_PID=$!
for _ in $(seq 100); do
    for c in $(ps -o pid= --ppid "$NSPAWN_PID" 2>/dev/null); do
        # The container's pid 1 once it runs systemd (before, it is still nspawn's child).
        if grep -q '^NSpid:.*[[:space:]]1$' "/proc/$c/status" 2>/dev/null &&
            [ "$(cat "/proc/$c/comm" 2>/dev/null)" = systemd ]; then LEADER=$c; fi
    done
    [ -n "$LEADER" ] && break
    sleep 0.1
done
if [ -z "$LEADER" ]; then
    sed 's/^/#   nspawn: /' "$T_TMP/nspawn.log" | head -20
    skip_all "systemd-nspawn could not boot the container here"
fi
ct() { nsenter -t "$LEADER" -a -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
as_user() { ct runuser -u dctest -- env HOME=/home/dctest "$@"; }
# systemctl needs systemd's private socket, which comes a moment after pid 1 starts.
for _ in $(seq 300); do ct test -S /run/systemd/private && break; sleep 0.1; done
state=$(ct timeout 60 systemctl is-system-running --wait 2>"$T_TMP/boot.err")
[ -s "$T_TMP/boot.err" ] && sed "s/^/#   /" "$T_TMP/boot.err" | head -5
case $state in
running | degraded) ok "container booted ($state)" ;;
*)
    not_ok "container booted (state '$state')"
    sed 's/^/#   nspawn: /' "$T_TMP/nspawn.log" | tail -20
    finish
    exit 1
    ;;
esac
ct useradd -m -s /bin/bash dctest
dc_snapshot "$ROOT" >"$T_TMP/before"
echo "# booted ($((SECONDS - T0)) s)"

dpkg_in() { ct env DEBIAN_FRONTEND=noninteractive dpkg --force-confdef --force-confold "$@"; }

# --- install --------------------------------------------------------------------------------
DEBS1=""
for n in $NAMES; do DEBS1="$DEBS1 /opt/dc-test/v1/$n.deb"; done
# shellcheck disable=SC2086
check_rc "dpkg -i of all five packages" 0 dpkg_in -i $DEBS1
if [ -n "$ERR" ]; then echo "$ERR" | sed 's/^/#   dpkg: /' | head -20; fi
for n in $NAMES; do
    check "$n installed, $V1" [ "$(ct dpkg-query -W -f '${Status} ${Version}' "$n")" = "install ok installed $V1" ]
done

SECRET=/etc/datacrumbs/probe-secret
check "the secret was created root:root 0400" [ "$(ct stat -c '%U:%G %a %F' "$SECRET")" = "root:root 400 regular file" ]
check_rc "the secret passes datacrumbs_secret check" 0 ct datacrumbs_secret check
FPR=$(ct datacrumbs_secret fingerprint)

# Ownership and modes of everything the packages installed.
bad=$(for n in $NAMES; do ct dpkg-query -L "$n"; done | sort -u |
    ct xargs -d '\n' stat -c '%U:%G %a %F %n' 2>/dev/null |
    awk '$1 != "root:root" || ($3 != "symbolic" && $2 ~ /[2367]$/)')
check "every packaged file is root's and none is world-writable" [ -z "$bad" ]
[ -z "$bad" ] || echo "$bad" | sed 's/^/#   /' | head
check "tmpfiles made /run/datacrumbs root:root 0755" [ "$(ct stat -c '%U:%G %a' /run/datacrumbs)" = "root:root 755" ]
check "/var/log/datacrumbs root:root 0755" [ "$(ct stat -c '%U:%G %a' /var/log/datacrumbs)" = "root:root 755" ]
check "/etc/datacrumbs root:root 0755" [ "$(ct stat -c '%U:%G %a' /etc/datacrumbs)" = "root:root 755" ]
check "the signer socket is enabled" [ "$(ct systemctl is-enabled datacrumbs_sign_probes.socket)" = enabled ]
check "the signer socket is active" [ "$(ct systemctl is-active datacrumbs_sign_probes.socket)" = active ]
check "the socket file is there, 0666" [ "$(ct stat -c '%a %F' /run/datacrumbs/sign.sock)" = "666 socket" ]
check "the signing service waits for a connection" [ "$(ct systemctl is-active datacrumbs_sign_probes.service)" = inactive ]
check "datacrumbs@.service is never enabled (static)" [ "$(ct systemctl is-enabled datacrumbs@x.service 2>/dev/null)" = static ]
# The unit's hardening as systemd scores it (issue 13: 4.5 before the system call filter).
score=$(ct systemd-analyze security datacrumbs@x.service 2>/dev/null | sed -n 's/^.*Overall exposure level for [^:]*: \([0-9.]*\) .*$/\1/p')
check "systemd-analyze security datacrumbs@x.service: ${score:-no score}, at most 3.0" \
    awk -v s="$score" 'BEGIN { exit !(s != "" && s + 0 <= 3.0) }'
check_rc "logrotate accepts /etc/logrotate.d/datacrumbs" 0 ct logrotate -d /etc/logrotate.d/datacrumbs
echo "# installed ($((SECONDS - T0)) s)"

# --- -tools and -slurm with a bad secret: the warning and the fix ---------------------------
ct mv "$SECRET" /root/secret.saved
check_rc "-tools installs without a secret" 0 dpkg_in -i /opt/dc-test/v1/datacrumbs-utils-tools.deb
contains "-tools says the secret is not usable" "$ERR$OUT" "datacrumbs-utils-tools: warning: the probe signing secret is not usable"
contains "-tools names the missing file" "$ERR$OUT" "$SECRET"
contains "-tools gives the fix" "$ERR$OUT" "datacrumbs_secret create"
check_rc "the fix works: datacrumbs_secret create" 0 ct datacrumbs_secret create
check_rc "... and the secret passes its check" 0 ct datacrumbs_secret check
ct rm -f "$SECRET"
ct mv /root/secret.saved "$SECRET"

ct chmod 0644 "$SECRET"
check_rc "-slurm installs with a world-readable secret" 0 dpkg_in -i /opt/dc-test/v1/datacrumbs-utils-slurm.deb
contains "-slurm says the secret is not usable" "$ERR$OUT" "datacrumbs-utils-slurm: warning: the probe signing secret is not usable"
contains "-slurm gives the fix" "$ERR$OUT" "chmod 0400 $SECRET"
ct chmod 0400 "$SECRET"
check_rc "after the fix the secret passes its check" 0 ct datacrumbs_secret check
check "the secret is the one made at installation" [ "$(ct datacrumbs_secret fingerprint)" = "$FPR" ]

# --- a normal user builds a signed probe file through the socket-activated signer ---------
TEMPLATE=/etc/datacrumbs/configs/lead.yaml.in
check_rc "as a user: render the shipped template $TEMPLATE" 0 \
    as_user datacrumbs_configure_template "$TEMPLATE" /home/dctest/host.yaml
as_user datacrumbs_probe_configurator /home/dctest/host.yaml /home/dctest/probes.json.gz \
    >"$T_TMP/cfg.out" 2>"$T_TMP/cfg.err"
rc=$?
# 1: written, with captures this kernel cannot offer (kprobes) left out.
if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then ok "as a user: signed probe file written (exit $rc)"; else
    not_ok "as a user: signed probe file written (exit $rc)"
    sed 's/^/#   /' "$T_TMP/cfg.err" | tail -15
fi
check "the signer was started by its socket" [ "$(ct systemctl is-active datacrumbs_sign_probes.service)" = active ]
check_rc "the probe file verifies with the node's secret" 0 ct datacrumbs_probe_inspect --verify /home/dctest/probes.json.gz
echo "# probe file built ($((SECONDS - T0)) s)"

# --- a run ----------------------------------------------------------------------------------
# The env file as the hook or datacrumbs_run writes it (datacrumbs@.service(8), docs/design.md §4.6).
start_run() { # start_run ID: 0 when datacrumbs@ID reached active
    ct sh -c "printf 'DATACRUMBS_PROBE_FILE=%s\nDATACRUMBS_USER=%s\nDATACRUMBS_RUN_ID=%s\n' \
        /home/dctest/probes.json.gz dctest '$1' >/run/datacrumbs/datacrumbs-$1.env"
    ct timeout 120 systemctl start "datacrumbs@$1.service" >/dev/null 2>&1
}
BPF=yes
if start_run test; then
    ok "systemctl start datacrumbs@test.service: active"
    check "its ready file is there" ct test -e /run/datacrumbs/datacrumbs-test.ready
else
    BPF=no
    status=$(ct systemctl show -p ExecMainStatus --value datacrumbs@test.service)
    log=$(ct journalctl -q -u datacrumbs@test.service --no-pager -o cat 2>/dev/null | tail -20)
    # Exit 5 is the daemon's "BPF failure": it verified the probe file, the secret and the
    # configuration first (datacrumbs(8)).
    if [ "$status" = 5 ]; then
        ok "datacrumbs@test.service: this container cannot load BPF; the daemon checked the probe file and refused only at BPF (exit 5)"
        echo "$log" | sed 's/^/#   datacrumbs: /' | tail -5
    else
        not_ok "datacrumbs@test.service reached active (exit status $status)"
        echo "$log" | sed 's/^/#   datacrumbs: /'
    fi
    # A stand-in for the daemon, so that what the packages do to running instances is still
    # checked: same unit, another ExecStart (a drop-in for the test's instances only).
    for id in test gone; do
        ct mkdir -p "/etc/systemd/system/datacrumbs@$id.service.d"
        ct sh -c "printf '[Service]\nType=simple\nExecStart=\nExecStart=/bin/sleep 3600\n' \
            >/etc/systemd/system/datacrumbs@$id.service.d/stand-in.conf"
    done
    ct systemctl daemon-reload
    ct systemctl reset-failed datacrumbs@test.service 2>/dev/null
    check "stand-in datacrumbs@test.service active" start_run test
fi
PID1=$(ct systemctl show -p MainPID --value datacrumbs@test.service)
T1=$(ct systemctl show -p ActiveEnterTimestampMonotonic --value datacrumbs@test.service)
echo "# run started, BPF=$BPF ($((SECONDS - T0)) s)"
if [ $BPF = yes ]; then
    # Under the unit's hardening the daemon still links the probes into the process and
    # releases it (CAP_KILL): the wrapped program is held for milliseconds, not the 2 s cap.
    held0=$(date +%s%N)
    check_rc "dctest's wrapped dd runs under the run" 0 ct runuser -u dctest -- \
        datacrumbs_wrap dd if=/dev/zero of=/tmp/dc-held.bin bs=512 count=3 status=none
    held=$((($(date +%s%N) - held0) / 1000000))
    check "it was released at once ($held ms, well under the 2 s cap)" [ "$held" -lt 1500 ]
fi

# --- upgrade --------------------------------------------------------------------------------
SOCK_T=$(ct systemctl show -p ActiveEnterTimestampMonotonic --value datacrumbs_sign_probes.socket)
SIGNER_PID=$(ct systemctl show -p MainPID --value datacrumbs_sign_probes.service)
ct sed -i 's/^probe_validity = .*/probe_validity = 2d/' /etc/datacrumbs/datacrumbs.conf
DEBS2=""
for n in $NAMES; do DEBS2="$DEBS2 /opt/dc-test/v2/$n.deb"; done
# shellcheck disable=SC2086
check_rc "dpkg -i of version $V2 (upgrade)" 0 dpkg_in -i $DEBS2
check "upgraded to $V2" [ "$(ct dpkg-query -W -f '${Version}' datacrumbs-runtime)" = "$V2" ]
check "the edited conffile is kept" ct grep -qx 'probe_validity = 2d' /etc/datacrumbs/datacrumbs.conf
check "the new default is beside it as .dpkg-dist" ct grep -q "added by version $V2" /etc/datacrumbs/datacrumbs.conf.dpkg-dist
check "the secret is kept" [ "$(ct datacrumbs_secret fingerprint)" = "$FPR" ]
check "the running instance was not restarted" [ "$(ct systemctl show -p MainPID --value datacrumbs@test.service)" = "$PID1" ] \
    && [ "$(ct systemctl show -p ActiveEnterTimestampMonotonic --value datacrumbs@test.service)" = "$T1" ]
check "datacrumbs@test.service still active" [ "$(ct systemctl is-active datacrumbs@test.service)" = active ]
if [ $BPF = yes ]; then
    # The upgrade replaced the client library's file; the run probes the new one within a
    # quarter second (datacrumbs(8)), so a program started now is traced.
    sleep 0.5
    check_rc "dctest's wrapped dd after the upgrade runs" 0 ct runuser -u dctest -- \
        datacrumbs_wrap dd if=/dev/zero of=/tmp/dc-after-upgrade.bin bs=512 count=3 status=none
fi
check "the signer socket kept listening (not restarted)" \
    [ "$(ct systemctl show -p ActiveEnterTimestampMonotonic --value datacrumbs_sign_probes.socket)" = "$SOCK_T" ]
check "the running signer was restarted" [ "$(ct systemctl is-active datacrumbs_sign_probes.service)" = active ] \
    && [ "$(ct systemctl show -p MainPID --value datacrumbs_sign_probes.service)" != "$SIGNER_PID" ]
# Configuring again (postinst configure with the old version, as on every upgrade) while the
# secret is gone: none is made (the node may be waiting for the cluster's copy); it says so.
ct mv "$SECRET" /root/secret.saved
check_rc "dpkg -i of $V2 again without a secret" 0 dpkg_in -i /opt/dc-test/v2/datacrumbs-runtime.deb
check "no secret is made on an upgrade" ct test ! -e "$SECRET"
contains "... and the runtime says the secret is not usable" "$ERR$OUT" "datacrumbs-runtime: warning: the probe signing secret is not usable"
ct mv /root/secret.saved "$SECRET"
check_rc "systemctl stop datacrumbs@test.service" 0 ct timeout 120 systemctl stop datacrumbs@test.service
if [ $BPF = yes ]; then
    trace=$(ct sh -c 'ls /var/lib/datacrumbs/traces/*/*/*/trace-dctest-test-*.pfw.gz 2>/dev/null' | head -1)
    check "the run left its trace in /var/lib/datacrumbs/traces" [ -n "$trace" ]
    check "it holds the wrapped dd" ct sh -c "zcat '$trace' | grep -q /tmp/dc-held.bin"
    check "it holds the dd started after the upgrade (the new library is probed)" \
        ct sh -c "zcat '$trace' | grep -q /tmp/dc-after-upgrade.bin"
fi
echo "# upgraded ($((SECONDS - T0)) s)"

# --- remove, then purge ---------------------------------------------------------------------
start_run gone
check "a run is active before removal" [ "$(ct systemctl is-active datacrumbs@gone.service)" = active ]
# shellcheck disable=SC2086
check_rc "dpkg -r of all five" 0 dpkg_in -r $NAMES
check "removal stopped the running instance" [ "$(ct systemctl is-active datacrumbs@gone.service)" != active ]
check "remove keeps the secret" [ "$(ct stat -c '%U:%G %a' "$SECRET" 2>&1)" = "root:root 400" ]
check "remove keeps the conffiles" ct test -f /etc/datacrumbs/datacrumbs.conf
check "the socket is gone" [ "$(ct systemctl is-active datacrumbs_sign_probes.socket)" != active ]
ct rm -rf /etc/systemd/system/datacrumbs@test.service.d /etc/systemd/system/datacrumbs@gone.service.d
ct systemctl reset-failed >/dev/null 2>&1
# shellcheck disable=SC2086
check_rc "dpkg -P of all five" 0 dpkg_in -P $NAMES
check "purge removes the secret" ct test ! -e "$SECRET"
check "purge removes /etc/datacrumbs" ct test ! -e /etc/datacrumbs
check "purge removes /run/datacrumbs" ct test ! -e /run/datacrumbs
check "purge removes /var/log/datacrumbs" ct test ! -e /var/log/datacrumbs

# What is left: compared with the root before installation, except the users' traces, which
# purge keeps on purpose (admin guide, "Removing").
dc_snapshot "$ROOT" >"$T_TMP/after"
LC_ALL=C comm -13 "$T_TMP/before" "$T_TMP/after" |
    grep -v -E ' \./var/lib/datacrumbs(/traces(/[0-9]{4}(/[0-9]{2}(/[0-9]{2}(/trace-[^/]*\.pfw\.gz)?)?)?)?)?$' \
        >"$T_TMP/leftover" || true
check "nothing else is left after purge" [ ! -s "$T_TMP/leftover" ]
sed 's/^/#   left: /' "$T_TMP/leftover" | head -20
if [ $BPF = yes ]; then
    check "the users' traces are kept" [ -n "$(ct sh -c 'ls /var/lib/datacrumbs/traces/*/*/*/*.pfw.gz 2>/dev/null')" ]
fi
echo "# done in $((SECONDS - T0)) s"
finish
