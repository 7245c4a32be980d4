# shellcheck shell=bash
# lib-root.sh - a cached Debian 12 root file system for the installed-system tests (sourced).
#
# debootstrap (minbase plus systemd and the libraries our packages link) runs once per machine
# and contents list; the result is kept in $DC_ROOT_CACHE (default /var/cache/datacrumbs-tests)
# under a name derived from that list, so a change to the list builds a new root and CI pays the
# ~1 minute once. Each test works on its own copy (dc_root_copy), never on the cache.
# Remove the cache directory to reclaim its ~300 MB.

DC_ROOT_CACHE=${DC_ROOT_CACHE:-/var/cache/datacrumbs-tests}
DC_ROOT_SUITE=bookworm
# systemd, systemd-sysv, dbus: to boot the root with systemd-nspawn. The libraries are what the
# packages link (so that dpkg -i needs no network); patchelf for -client; logrotate to check our
# configuration; procps for the tests themselves.
DC_ROOT_INCLUDE="systemd,systemd-sysv,dbus,procps,patchelf,logrotate,libbpf1,libelf1,zlib1g,\
libssl3,libjansson4,libyaml-0-2,libpcre2-8-0,libsystemd0"

# The mirror apt already uses (deb822 .sources or one-line format); Debian's own otherwise.
dc_root_mirror() {
    local m
    m=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' /etc/apt/sources.list.d/*.sources \
        2>/dev/null | grep -v -- '-security' | head -1)
    [ -n "$m" ] || m=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\)[[:space:]].*/\2/p' \
        /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v -- '-security' | head -1)
    echo "${m:-http://deb.debian.org/debian}"
}

# dc_root_cached: print the path of the cached root, building it first if needed. Several
# tests may ask at once: one builds, the others wait on the lock.
dc_root_cached() {
    local key dir tmp log
    key=$(printf '%s %s v1' "$DC_ROOT_SUITE" "$DC_ROOT_INCLUDE" | sha256sum | cut -c1-12)
    dir=$DC_ROOT_CACHE/$DC_ROOT_SUITE-$key
    if [ ! -e "$dir.complete" ]; then
        mkdir -p "$DC_ROOT_CACHE" || return 1
        (
            flock -w 900 9 || { echo "lib-root: timed out waiting for $DC_ROOT_CACHE/.lock" >&2; exit 1; }
            [ -e "$dir.complete" ] && exit 0
            tmp=$(mktemp -d "$DC_ROOT_CACHE/.build.XXXXXX") || exit 1
            log=$tmp/debootstrap.log
            echo "lib-root: debootstrap $DC_ROOT_SUITE into $dir (once per machine; log $log)" >&2
            if ! debootstrap --variant=minbase --include="$DC_ROOT_INCLUDE" "$DC_ROOT_SUITE" \
                "$tmp/root" "$(dc_root_mirror)" >"$log" 2>&1; then
                echo "lib-root: debootstrap failed; last lines of $log:" >&2
                tail -15 "$log" | sed 's/^/  | /' >&2
                exit 1
            fi
            # The copies boot with systemd: each gets its own machine id at first boot.
            : >"$tmp/root/etc/machine-id"
            rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*_Packages
            rm -rf "$dir"
            mv "$tmp/root" "$dir" && touch "$dir.complete" && rm -rf "$tmp"
        ) 9>"$DC_ROOT_CACHE/.lock" || return 1
    fi
    echo "$dir"
}

# dc_root_copy DEST: a private copy of the cached root at DEST (which must not exist).
dc_root_copy() {
    local src
    src=$(dc_root_cached) || return 1
    cp -a --reflink=auto "$src" "$1"
}
