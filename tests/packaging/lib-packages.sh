# shellcheck shell=bash
# lib-packages.sh - where the installed-system tests get their packages (sourced).
#
# DC_TEST_PACKAGES=DIR: use the packages scripts/build-packages already put in DIR (CI's
# packages stage, or a developer's last build). Otherwise the test builds what it needs itself
# with scripts/build-packages --nocheck into its own temporary directory (about a minute per
# format on 2 cores), from the files git tracks (set DC_PACKAGE_UNTRACKED=1 to include
# untracked ones, as build-packages documents).

# dc_packages FORMAT DIR: print the directory holding the FORMAT (deb or rpm) packages, building
# them into DIR if DC_TEST_PACKAGES is not set. Returns 77 (with a reason on stderr) when they
# can neither be found nor built here, 1 when the build fails.
dc_packages() {
    local fmt=$1 dir=$2 src
    src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    if [ -n "${DC_TEST_PACKAGES:-}" ]; then
        if ! ls "$DC_TEST_PACKAGES"/datacrumbs-runtime[_-]*."$fmt" >/dev/null 2>&1; then
            echo "DC_TEST_PACKAGES=$DC_TEST_PACKAGES holds no datacrumbs .$fmt packages" >&2
            return 1
        fi
        echo "$DC_TEST_PACKAGES"
        return 0
    fi
    case $fmt in
    deb) command -v dpkg-buildpackage >/dev/null || { echo "dpkg-buildpackage missing (apt-get install dpkg-dev debhelper)" >&2; return 77; } ;;
    rpm) command -v rpmbuild >/dev/null || { echo "rpmbuild missing (apt-get install rpm)" >&2; return 77; } ;;
    esac
    echo "# building the .$fmt packages (scripts/build-packages --$fmt --nocheck; set" \
        "DC_TEST_PACKAGES=DIR to reuse built ones)" >&2
    if ! "$src/scripts/build-packages" "--$fmt" --nocheck "$dir" >"$dir.log" 2>&1; then
        echo "scripts/build-packages failed; last lines of $dir.log:" >&2
        tail -20 "$dir.log" | sed 's/^/  | /' >&2
        return 1
    fi
    echo "$dir"
}

# dc_version_of FILE: the version of a .deb or .rpm.
dc_version_of() {
    case $1 in
    *.deb) dpkg-deb -f "$1" Version ;;
    *.rpm) rpm -qp --qf '%{VERSION}-%{RELEASE}' "$1" ;;
    esac
}

# dc_snapshot ROOT OUT: every file, link and directory under ROOT with owner, group and mode,
# one per line, for comparing a root before and after. Volatile and virtual places are left
# out: what the kernel, systemd, apt and the loader rewrite by themselves, logs of dpkg/apt,
# and the test's own files (/root, /home, /opt/dc-test).
dc_snapshot() {
    (cd "$1" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./run \
        -o -path ./tmp -o -path ./var/tmp -o -path ./root -o -path ./home -o -path ./opt/dc-test \
        -o -path ./var/cache -o -path ./var/log/journal -o -path ./var/lib/systemd/timers \
        -o -path ./var/lib/systemd/catalog -o -path ./var/lib/apt -o -path ./var/lib/rpm \) -prune \
        -o -printf '%u %g %M %p\n') |
        grep -v -E ' \./(etc/ld\.so\.cache|etc/machine-id|var/lib/dpkg/(status|status-old|available|available-old|lock.*|triggers/.*|diversions.*|statoverride.*)|var/lib/systemd/random-seed|var/lib/systemd/credential\.secret|var/log/(dpkg|alternatives|apt/.*)\.log|var/log/apt|var/log/lastlog|var/log/wtmp|var/log/btmp|var/lib/dbus/machine-id|var/lib/private|var/lib/systemd/deb-systemd-user-helper-enabled)$' |
        LC_ALL=C sort
}
