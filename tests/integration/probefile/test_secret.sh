#!/bin/bash
# test_secret.sh BUILD SRC [CASE] - datacrumbs_secret: create, check and fingerprint, and every
# way a secret is refused, each with its own message and exit code (datacrumbs_secret(8)).
# Without CASE: everything, including that no two refusals share a message or an exit code.
# With CASE (one of the names in MATRIX below): that refusal alone; ctest runs each as a test.
# shellcheck disable=SC2015 # pass and fail always return 0: A && pass || fail is an if
. "$2/tests/integration/probefile/common.sh" "$1" "$2"
CASE=${3:-}

[ "$(id -u)" -eq 0 ] || skip_all "the secret must be owned by root; run as root"

# Every way a secret is refused, and create over an existing one (the same list is in
# CMakeLists.txt, which registers each as its own test).
MATRIX="missing symlink not-regular not-root-owned group-writable world-writable group-readable
world-readable group-writable-parent world-writable-parent foreign-parent non-root-reader empty
wrong-length-short wrong-length-long non-hex uppercase trailing-newline create-existing"
# shellcheck disable=SC2086 # one name a line
if [ -n "$CASE" ] && ! printf '%s\n' $MATRIX | grep -qx -- "$CASE"; then
    echo "unknown case '$CASE'; cases: $MATRIX" >&2
    exit 2
fi

D=$T/etc
mkdir -m 0700 "$D"
KEY=$D/probe-secret
printf 'secret_file = %s\n' "$KEY" >"$T/datacrumbs.conf"
: >"$T/empty.conf"
secret() { "$SECRET_TOOL" --config "$T/datacrumbs.conf" "$@"; }
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# --- create, check, fingerprint -----------------------------------------------------------------
lifecycle() {
    expect_rc 10 "check before create: missing" -- secret check
    expect_grep "No such file" "$T/err" "missing: message"
    expect_grep "datacrumbs_secret create" "$T/err" "missing: says how to create it"
    expect_rc 0 "create" -- secret create
    expect_grep "fingerprint [0-9a-f]\{16\}" "$T/err" "create reports the fingerprint"
    if [ "$(stat -c '%U:%G %a %s' "$KEY")" = "root:root 400 64" ]; then
        pass "created root:root 0400, 64 bytes"
    else
        fail "created as $(stat -c '%U:%G %a %s' "$KEY")"
    fi
    if LC_ALL=C grep -qx '[0-9a-f]\{64\}' "$KEY" && [ "$(tail -c 1 "$KEY" | od -An -tx1 | tr -d ' ')" != 0a ]; then
        pass "64 lowercase hex, no newline"
    else
        fail "content: $(od -c "$KEY" | head -3)"
    fi
    if [ -z "$(find "$D" -name '.probe-secret.*')" ]; then
        pass "no temporary file left"
    else
        fail "temporary file left: $(ls -a "$D")"
    fi
    expect_rc 0 "check a good secret" -- secret check
    expect_grep ": ok (fingerprint [0-9a-f]\{16\})" "$T/out" "check prints ok and the fingerprint"
    expect_rc 0 "fingerprint" -- secret fingerprint
    local fpr want
    fpr=$(cat "$T/out")
    want=$( (printf 'datacrumbs-fingerprint-v1'; cat "$KEY") | sha256sum | cut -c1-16)
    [ "$fpr" = "$want" ] && pass "fingerprint = first 16 hex of SHA-256(label || key)" ||
        fail "fingerprint $fpr, want $want"
    ! grep -q "$(cut -c1-16 "$KEY")" "$T/out" && pass "fingerprint does not show the key" ||
        fail "fingerprint shows the key"
    expect_rc 0 "--secret-file overrides the config" -- "$SECRET_TOOL" --config "$T/empty.conf" --secret-file "$KEY" check
    # Two secrets, two fingerprints.
    mkdir -m 0700 "$T/second"
    "$SECRET_TOOL" --secret-file "$T/second/k" create 2>/dev/null
    expect_rc 0 "fingerprint of another secret" -- "$SECRET_TOOL" --secret-file "$T/second/k" fingerprint
    [ "$(cat "$T/out")" != "$fpr" ] && pass "another secret, another fingerprint" || fail "same fingerprint"

    expect_rc 0 "create --if-missing on a good secret" -- secret create --if-missing
    printf 'x' >"$D/bad" && chmod 0400 "$D/bad"
    local sumbad
    sumbad=$(sha256sum "$D/bad")
    expect_rc 21 "create --if-missing on a broken secret reports it" -- secret --secret-file "$D/bad" create --if-missing
    expect_rc 3 "create over a broken secret refuses too" -- secret --secret-file "$D/bad" create
    [ "$sumbad" = "$(sha256sum "$D/bad")" ] && pass "broken secret left byte-identical" || fail "broken secret changed"
    local sum
    sum=$(sha256sum "$KEY")
    ln -s "$KEY" "$D/link"
    expect_rc 3 "create over a symlink refuses (never writes through it)" -- secret --secret-file "$D/link" create
    [ "$sum" = "$(sha256sum "$KEY")" ] && [ -L "$D/link" ] && pass "symlink and its target untouched" ||
        fail "symlink target changed"
    ln -s "$T/nowhere" "$D/dangling"
    expect_rc 3 "create over a dangling symlink refuses" -- secret --secret-file "$D/dangling" create
    [ ! -e "$T/nowhere" ] && pass "nothing created through the dangling symlink" || fail "wrote through a symlink"
    if [ -z "$(find "$D" -name '.*.*' -type f)" ]; then pass "refusals leave no temporary file"; else fail "temporary files left"; fi

    # Where create may write.
    expect_rc 1 "create in a missing directory" -- secret --secret-file "$T/nodir/k" create
    expect_grep "does not exist" "$T/err" "missing directory: message"
    mkdir -m 0777 "$T/open"
    expect_rc 18 "create in a world-writable directory" -- secret --secret-file "$T/open/k" create
    [ ! -e "$T/open/k" ] && pass "nothing created there" || fail "created in an insecure directory"
    mkdir -m 0700 "$T/notroot" && chown 65534 "$T/notroot"
    expect_rc 18 "create in a directory not owned by root" -- secret --secret-file "$T/notroot/k" create
    expect_rc 4 "create as non-root" -- "${NOBODY[@]}" "$SECRET_TOOL" --secret-file "$T/nr" create
    expect_grep "only root" "$T/err" "non-root create: message"

    # The command line.
    expect_rc 2 "no command" -- secret
    expect_rc 2 "unknown command" -- secret frobnicate
    expect_rc 2 "two commands" -- secret check fingerprint
    expect_rc 2 "relative --secret-file" -- secret --secret-file rel check
    expect_rc 2 "--if-missing without create" -- secret check --if-missing
    expect_rc 2 "unknown option" -- secret --frob check
    expect_rc 1 "missing --config file" -- "$SECRET_TOOL" --config "$T/none.conf" check
    expect_rc 0 "--help" -- "$SECRET_TOOL" --help
    expect_grep "EXAMPLES" "$T/out" "--help ends with examples"
    expect_rc 0 "--version" -- "$SECRET_TOOL" --version
}

# --- the refusal matrix ----------------------------------------------------------------------------
declare -A SEEN_MSG=() SEEN_RC=()
# mk NAME CONTENT MODE: a root-owned secret in its own secure directory; prints its path.
mk() {
    mkdir -m 0700 "$T/m-$1"
    printf '%s' "$2" >"$T/m-$1/s"
    chmod "$3" "$T/m-$1/s"
    echo "$T/m-$1/s"
}
# refused NAME WANT_RC PATTERN PATH KIND [RUNNER...]: check PATH; the exit code and message must
# be WANT_RC and PATTERN, and (across a full run) differ from those of every other KIND.
refused() {
    local name=$1 want=$2 pattern=$3 path=$4 kind=$5 msg
    shift 5
    expect_rc "$want" "refused: $name" -- "$@" "$SECRET_TOOL" --config "$T/datacrumbs.conf" --secret-file "$path" check
    expect_grep "$pattern" "$T/err" "refused: $name: message says '$pattern'"
    [ ! -s "$T/out" ] && pass "refused: $name: nothing on stdout" || fail "refused: $name: printed $(cat "$T/out")"
    msg=$(sed "s#$path##g" "$T/err" | head -1)
    [ -z "${SEEN_MSG[$msg]:-}" ] || fail "$name: same message as ${SEEN_MSG[$msg]}"
    SEEN_MSG[$msg]=$name
    [ -z "${SEEN_RC[$want]:-}" ] || [ "${SEEN_RC[$want]}" = "$kind" ] ||
        fail "$name: same exit code as ${SEEN_RC[$want]}"
    SEEN_RC[$want]=$kind
    [ "$GOOD" = "$(cat "$KEY")" ] || fail "$name: the good secret changed"
}

matrix_case() {
    local p
    case $1 in
    missing) refused missing 10 "No such file" "$T/m-none/s" missing ;;
    symlink)
        mkdir -m 0700 "$T/m-symlink" && ln -s "$KEY" "$T/m-symlink/s"
        refused symlink 11 "symbolic link" "$T/m-symlink/s" symlink ;;
    not-regular)
        mkdir -m 0700 "$T/m-dir" && mkdir -m 0700 "$T/m-dir/s"
        refused not-regular 12 "not a regular file" "$T/m-dir/s" not-regular ;;
    not-root-owned)
        p=$(mk owner "$GOOD" 0400) && chown 65534 "$p"
        refused not-root-owned 13 "owned by uid 65534, not root" "$p" owner ;;
    group-writable) p=$(mk gw "$GOOD" 0420) && refused group-writable 14 "is group-writable" "$p" gw ;;
    world-writable) p=$(mk ww "$GOOD" 0402) && refused world-writable 15 "is world-writable" "$p" ww ;;
    group-readable) p=$(mk gr "$GOOD" 0440) && refused group-readable 16 "is group-readable" "$p" gr ;;
    world-readable) p=$(mk wr "$GOOD" 0404) && refused world-readable 17 "is world-readable" "$p" wr ;;
    group-writable-parent)
        p=$(mk gwp "$GOOD" 0400) && chmod 0770 "$(dirname "$p")"
        refused group-writable-parent 18 "group-writable without the sticky bit" "$p" parent ;;
    world-writable-parent)
        p=$(mk wwp "$GOOD" 0400) && chmod 0757 "$(dirname "$p")"
        refused world-writable-parent 18 "world-writable without the sticky bit" "$p" parent ;;
    foreign-parent)
        p=$(mk ownp "$GOOD" 0400) && chown 65534 "$(dirname "$p")"
        refused foreign-parent 18 "directory .* is owned by uid 65534" "$p" parent ;;
    non-root-reader)
        # A good secret in a directory others may enter: only root may read the file itself.
        p=$(mk nr "$GOOD" 0400) && chmod 0755 "$(dirname "$p")"
        refused non-root-reader 19 "Permission denied (only root can read the secret)" "$p" unreadable "${NOBODY[@]}" ;;
    empty) p=$(mk empty "" 0400) && refused empty 20 "is empty" "$p" empty ;;
    wrong-length-short)
        p=$(mk short "${GOOD:0:63}" 0400)
        refused wrong-length-short 21 "exactly 64 characters (it holds 63 bytes)" "$p" length ;;
    wrong-length-long)
        p=$(mk long "${GOOD}0" 0400)
        refused wrong-length-long 21 "exactly 64 characters (it holds 65 bytes)" "$p" length ;;
    non-hex)
        p=$(mk nonhex "${GOOD:0:63}g" 0400)
        refused non-hex 22 "not hexadecimal (byte 64 is 0x67)" "$p" non-hex ;;
    uppercase)
        p=$(mk upper "A$(printf '%s' "${GOOD:1}" | tr a-f A-F)" 0400)
        refused uppercase 23 "uppercase hexadecimal" "$p" uppercase ;;
    trailing-newline)
        p=$(mk newline "$GOOD
" 0400)
        refused trailing-newline 24 "ends with a newline" "$p" newline
        # fingerprint refuses what check refuses, and prints nothing.
        expect_rc 24 "fingerprint refuses a broken secret" -- secret --secret-file "$p" fingerprint
        [ ! -s "$T/out" ] && pass "fingerprint printed nothing" || fail "fingerprint printed $(cat "$T/out")" ;;
    create-existing)
        local sum stat
        sum=$(sha256sum "$KEY")
        stat=$(stat -c '%i %a %U %G %s %Y' "$KEY")
        expect_rc 3 "create over an existing secret refuses" -- secret create
        expect_grep "already exists; it was left untouched" "$T/err" "create-existing: message"
        [ "$sum" = "$(sha256sum "$KEY")" ] && [ "$stat" = "$(stat -c '%i %a %U %G %s %Y' "$KEY")" ] &&
            pass "existing secret byte-identical, same inode/mode/owner/size/mtime" ||
            fail "existing secret changed"
        [ -z "$(find "$D" -name '.probe-secret.*')" ] && pass "no temporary file left" || fail "temporary file left" ;;
    esac
}

if [ -z "$CASE" ]; then
    lifecycle
else
    "$SECRET_TOOL" --secret-file "$KEY" create 2>/dev/null || { echo "cannot create a secret"; exit 1; }
fi
GOOD=$(cat "$KEY")
for name in $MATRIX; do
    [ -z "$CASE" ] || [ "$CASE" = "$name" ] || continue
    matrix_case "$name"
done

finish
