#!/bin/bash
# test_installed_rpm.sh BUILD SRC - the five .rpms installed with rpm --root into a Debian 12
# root (no RHEL userland can be reached from here; rpm runs every scriptlet chrooted there).
#
# Install: the scriptlets run (the secret is created root:root 0400 as a %ghost rpm owns,
# tmpfiles made /run/datacrumbs, the signer socket follows the preset: the test sets RHEL's
# "disable *"), rpm -V finds nothing to report for any package, every file is root's and none
# is world-writable. -tools installed without a secret says what is wrong and how to fix it.
# Reinstalling the runtime keeps the secret, and never makes one (only a first install does). Erase keeps the secret (like a Debian remove) and
# leaves nothing else.
#
# Needs root, rpm and debootstrap; skips (77) otherwise. Packages: $DC_TEST_PACKAGES, or built
# here (tests/packaging/lib-packages.sh). The Debian root is cached in
# /var/cache/datacrumbs-tests (tests/packaging/lib-root.sh).
set -u
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/packaging/lib-root.sh"
. "$SRC/tests/packaging/lib-packages.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (chroot, files owned by root)"
for t in debootstrap rpm chroot unshare; do
    command -v "$t" >/dev/null 2>&1 || skip_all "$t missing (apt-get install debootstrap rpm)"
done

T0=$SECONDS
ROOT=$T_TMP/root
rc=0
PKGS=$(dc_packages rpm "$T_TMP/packages") || rc=$?
[ $rc -eq 77 ] && skip_all "cannot build the .rpms here"
[ $rc -eq 0 ] || { not_ok "packages available"; finish; exit 1; }
NAMES="datacrumbs-runtime datacrumbs-utils-client datacrumbs-utils-tools datacrumbs-utils-slurm datacrumbs-utils-devel"
mkdir -p "$T_TMP/rpms"
for n in $NAMES; do
    f=$(ls "$PKGS/$n"-[0-9]*.rpm 2>/dev/null | head -1)
    [ -n "$f" ] || { not_ok "package $n built"; finish; exit 1; }
    cp "$f" "$T_TMP/rpms/$n.rpm"
done
V=$(dc_version_of "$T_TMP/rpms/datacrumbs-runtime.rpm")
echo "# packages $V from $PKGS ($((SECONDS - T0)) s)"

dc_root_copy "$ROOT" || { not_ok "a Debian 12 root (debootstrap)"; finish; exit 1; }
# RHEL's default preset (99-default-disable.preset): only what a preset names is enabled.
mkdir -p "$ROOT/etc/systemd/system-preset"
echo "disable *" >"$ROOT/etc/systemd/system-preset/99-default-disable.preset"
rpm --root "$ROOT" --dbpath /var/lib/rpm --initdb
dc_snapshot "$ROOT" >"$T_TMP/before"

# rpm and commands in the root, with /proc mounted in a private mount namespace (scriptlets
# call systemd tools that want it); nothing is mounted where the host sees it.
in_root() { # in_root COMMAND...: runs COMMAND (on the host) with the root's /proc mounted
    unshare -m --propagation private sh -c 'mount -t proc proc "$0/proc" && exec "$@"' \
        "$ROOT" "$@"
}
rpm_root() { in_root rpm --root "$ROOT" --dbpath /var/lib/rpm "$@"; }
ch() { in_root chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

RPMS=""
for n in $NAMES; do RPMS="$RPMS $T_TMP/rpms/$n.rpm"; done
# --nodeps: the root is Debian, whose packages rpm does not know.
# shellcheck disable=SC2086
check_rc "rpm -i of all five packages" 0 rpm_root -i --nodeps $RPMS
[ -z "$ERR" ] || echo "$ERR" | sed 's/^/#   rpm: /' | head -10
for n in $NAMES; do
    check "$n installed, $V" [ "$(rpm_root -q --qf '%{VERSION}-%{RELEASE}' "$n")" = "$V" ]
done

SECRET=/etc/datacrumbs/probe-secret
check "%post created the secret root:root 0400" [ "$(stat -c '%U:%G %a %F' "$ROOT$SECRET")" = "root:root 400 regular file" ]
check_rc "the secret passes datacrumbs_secret check" 0 ch datacrumbs_secret check
FPR=$(ch datacrumbs_secret fingerprint)
SUM=$(sha256sum <"$ROOT$SECRET")
check "rpm owns the secret's path" [ "$(rpm_root -qf "$SECRET" 2>/dev/null)" = "datacrumbs-runtime-$V.$(rpm -qp --qf '%{ARCH}' "$T_TMP/rpms/datacrumbs-runtime.rpm")" ]
check "%post applied tmpfiles: /run/datacrumbs root:root 0755" [ "$(stat -c '%U:%G %a' "$ROOT/run/datacrumbs")" = "root:root 755" ]
check "the socket follows the preset (disabled by RHEL's default)" \
    [ "$(ch systemctl is-enabled datacrumbs_sign_probes.socket 2>/dev/null)" = disabled ]

for n in $NAMES; do
    # --nodeps: verify the files, not the dependencies (the root is Debian's).
    check_rc "rpm -V $n: nothing to report" 0 rpm_root -V --nodeps "$n"
    [ -z "$OUT" ] || echo "$OUT" | sed 's/^/#   /' | head -5
done
bad=$(for n in $NAMES; do rpm_root -ql "$n"; done | sort -u | while IFS= read -r f; do
    [ -e "$ROOT$f" ] || [ -L "$ROOT$f" ] || continue
    stat -c '%U:%G %a %F %n' "$ROOT$f"
done | awk '$1 != "root:root" || ($3 != "symbolic" && $2 ~ /[2367]$/)')
check "every packaged file is root's and none is world-writable" [ -z "$bad" ]
[ -z "$bad" ] || echo "$bad" | sed 's/^/#   /' | head
check "/var/log/datacrumbs root:root 0755" [ "$(stat -c '%U:%G %a' "$ROOT/var/log/datacrumbs")" = "root:root 755" ]
echo "# installed ($((SECONDS - T0)) s)"

mv "$ROOT$SECRET" "$T_TMP/secret.saved"
check_rc "-tools reinstalls without a secret" 0 rpm_root -i --nodeps --replacepkgs "$T_TMP/rpms/datacrumbs-utils-tools.rpm"
contains "-tools says the secret is not usable" "$ERR$OUT" "datacrumbs-utils-tools: warning: the probe signing secret is not usable"
contains "-tools gives the fix" "$ERR$OUT" "datacrumbs_secret create"
check_rc "the runtime reinstalls without a secret" 0 rpm_root -i --nodeps --replacepkgs "$T_TMP/rpms/datacrumbs-runtime.rpm"
check "no secret is made on a reinstall or upgrade" [ ! -e "$ROOT$SECRET" ]
contains "... and the runtime says the secret is not usable" "$ERR$OUT" "datacrumbs-runtime: warning: the probe signing secret is not usable"
mv "$T_TMP/secret.saved" "$ROOT$SECRET"
check_rc "the runtime reinstalls" 0 rpm_root -i --nodeps --replacepkgs "$T_TMP/rpms/datacrumbs-runtime.rpm"
check "... and keeps the secret" [ "$(ch datacrumbs_secret fingerprint)" = "$FPR" ]
check_rc "rpm -V datacrumbs-runtime still clean" 0 rpm_root -V --nodeps datacrumbs-runtime

# A run in direct mode (no systemd in this root), with the tests' stand-in for the runtime:
# erasing the runtime package must stop it (%preun), as a Debian removal does. The start and
# the erase share one mount namespace: node control knows its runtime by /proc/PID/exe, which
# reads differently from another namespace's copy of this root.
STUB=$1/tests/integration/nodectl/dc_test_stub_daemon
RUNPID=
if [ -x "$STUB" ] && ! ldd "$STUB" 2>/dev/null | grep -q 'libasan\|libubsan'; then
    cp "$STUB" "$ROOT/usr/local/sbin/dc-test-stub" && chmod 0755 "$ROOT/usr/local/sbin/dc-test-stub"
    sed -i -e 's|^service_manager = .*|service_manager = direct|' \
        -e 's|^runtime_daemon = .*||' "$ROOT/etc/datacrumbs/datacrumbs.conf"
    echo "runtime_daemon = /usr/local/sbin/dc-test-stub" >>"$ROOT/etc/datacrumbs/datacrumbs.conf"
    echo ok >"$ROOT/root/stub-probe"
    # shellcheck disable=SC2016
    check_rc "a direct-mode run, then rpm -e of all five" 0 in_root sh -c '
        chroot "$0" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/libexec/datacrumbs/datacrumbs_nodectl \
            --config /etc/datacrumbs/datacrumbs.conf start gone /root/stub-probe root >/dev/null || exit 1
        cat "$0/run/datacrumbs/datacrumbs-gone.pid" >"$1"
        shift
        exec rpm --root "$0" --dbpath /var/lib/rpm -e "$@"' "$ROOT" "$T_TMP/run.pid" $NAMES
    RUNPID=$(cat "$T_TMP/run.pid" 2>/dev/null)
    check "the run had started (pid ${RUNPID:-none})" test -n "$RUNPID"
else
    echo "# $STUB is not built (or is sanitized, and this root has no sanitizer runtime): no run to stop"
    # shellcheck disable=SC2086
    check_rc "rpm -e of all five" 0 rpm_root -e $NAMES
fi
if [ -n "${RUNPID:-}" ]; then
    check "erase stopped the run (%preun)" gone "$RUNPID"
    # The edited configuration is kept as .rpmsave, as rpm does for a changed %config file.
    check "the edited configuration is kept as datacrumbs.conf.rpmsave" test -f "$ROOT/etc/datacrumbs/datacrumbs.conf.rpmsave"
    rm -f "$ROOT/etc/datacrumbs/datacrumbs.conf.rpmsave" "$ROOT/usr/local/sbin/dc-test-stub" "$ROOT/root/stub-probe"
fi
# rpm leaves a %config %ghost file in place: the secret survives an erase, as it survives a
# Debian "remove" (admin guide, "Removing"); the admin deletes it, and its directory, by hand.
check "erase keeps the secret" [ "$(sha256sum <"$ROOT$SECRET" 2>&1)" = "$SUM" ]
rm -f "$ROOT$SECRET"
rmdir "$ROOT/etc/datacrumbs"
dc_snapshot "$ROOT" >"$T_TMP/after"
# Left out: parent directories that RHEL's filesystem, pkgconf and cmake-filesystem packages
# own, which rpm made because this root is Debian's.
LC_ALL=C comm -13 "$T_TMP/before" "$T_TMP/after" |
    grep -v -E ' \./usr/(lib64|lib64/cmake|lib64/pkgconfig|share/licenses)$' >"$T_TMP/leftover" || true
check "nothing else is left after erase" [ ! -s "$T_TMP/leftover" ]
sed 's/^/#   left: /' "$T_TMP/leftover" | head -20
echo "# done in $((SECONDS - T0)) s"
finish
