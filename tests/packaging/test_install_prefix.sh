#!/bin/bash
# test_install_prefix.sh BUILD SRC - "cmake --install --prefix P" keeps every file below P: a
# build configured for the default prefix (/usr/local) installed elsewhere writes nothing under
# /usr/local or anywhere else (issue 13: 14 files went to /usr/local/etc and
# /usr/local/lib/{systemd,tmpfiles.d}). Installed under DESTDIR, so a failure writes nothing
# outside the test's directory either.
set -u
. "$2/tests/integration/lib.sh"
B=$1
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$B/CMakeCache.txt")
case "$prefix" in
/usr) skip_all "this build is configured for /usr, where /etc is outside the prefix on purpose" ;;
esac
P=/opt/dc-prefix-test
check_rc "cmake --install --prefix $P" 0 env DESTDIR="$T_TMP/root" cmake --install "$B" --prefix "$P"
all=$(cd "$T_TMP/root" && find . \( -type f -o -type l \) | sed 's|^\.||' | sort)
outside=$(printf '%s\n' "$all" | grep -v "^$P/" || true)
check "files were installed ($(printf '%s\n' "$all" | grep -c .))" test -n "$all"
check "none outside $P" test -z "$outside"
printf '%s\n' "$outside" | sed '/^$/d; s/^/#   outside: /' | head -20
for f in etc/datacrumbs/datacrumbs.conf lib/systemd/system/datacrumbs@.service \
    lib/tmpfiles.d/datacrumbs.conf etc/logrotate.d/datacrumbs; do
    check "$f is below the prefix" test -e "$T_TMP/root$P/$f"
done
finish
