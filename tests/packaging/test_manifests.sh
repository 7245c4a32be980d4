#!/bin/bash
# test_manifests.sh BUILD SRC - the built packages against their checked-in manifests
# (scripts/check-manifests), so that ctest alone catches a file added, lost or with another
# owner or mode. Uses the packages in $DC_TEST_PACKAGES (scripts/test sets it after building
# them); skips (77) without them rather than build both formats again.
set -u
SRC=$2
. "$SRC/tests/integration/lib.sh"
[ -n "${DC_TEST_PACKAGES:-}" ] && [ -d "$DC_TEST_PACKAGES" ] ||
    skip_all "DC_TEST_PACKAGES is not set (scripts/build-packages DIR; then DC_TEST_PACKAGES=DIR)"
check_rc "the packages match tests/packaging/manifest" 0 "$SRC/scripts/check-manifests" "$DC_TEST_PACKAGES"
printf '%s\n' "$OUT" "$ERR" | grep . | tail -20 | sed 's/^/#   /'
finish
