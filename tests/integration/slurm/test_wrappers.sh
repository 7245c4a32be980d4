#!/bin/bash
# test_wrappers.sh - datacrumbs_sbatch and datacrumbs_salloc in front of a fake sbatch/salloc
# that records its argv: what reaches Slurm, byte for byte; standard output left to Slurm; the
# checks of the probe file and the comment; never running the wrapper itself.
#   test_wrappers.sh BUILD_DIR SOURCE_DIR
set -u
. "$2/tests/integration/lib.sh"
. "$2/tests/integration/slurm/common.sh" "$1" "$2"
need "$DC_SBATCH" "$DC_SALLOC" "$MKPROBE"

chmod 0755 "$T_TMP"
ME=$(id -un)
node_create "$T_TMP/node" /bin/true
P=$T_TMP/probes
mkdir -p "$P" "$T_TMP/bin" "$T_TMP/site"
chmod 0755 "$P"
probe "$P/p.json.gz" 86400 "$ME"
probe "$P/soon.json.gz" 600 "$ME"
probe "$P/expired.json.gz" -60 "$ME"
mkdir -p "$P/with space" && probe "$P/with space/p.json.gz" 86400 "$ME"
if [ "$ME" != root ]; then
    probe "$P/other.json.gz" 86400 root
else
    probe "$P/other.json.gz" 86400 "$TEST_USER"
fi
ln -s p.json.gz "$P/link.json.gz"
ABS=$(realpath "$P/p.json.gz")

# The fake Slurm tools: one argument per line in $T_TMP/argv, "4242" on stdout.
for t in sbatch salloc; do
    cat >"$T_TMP/bin/$t" <<FAKE
#!/bin/sh
: >"$T_TMP/argv"
for a in "\$@"; do printf '%s\n' "\$a" >>"$T_TMP/argv"; done
echo 4242
FAKE
    chmod 0755 "$T_TMP/bin/$t"
done
export PATH="$T_TMP/bin:$PATH"
J="{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"$ABS\"}}"
argv() { cat "$T_TMP/argv"; }
lines() { printf '%s\n' "$@"; }

check_rc "sbatch: enabled" 0 "$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" -N 1 job.sh a -h
check "sbatch: the comment comes first, byte-exact" test "$(argv)" = "$(lines "--comment=$J" -N 1 job.sh a -h)"
check "sbatch: stdout is sbatch's alone" test "$OUT" = 4242
check_rc "sbatch --parsable" 0 "$DC_SBATCH" --parsable --datacrumbs-enable "--datacrumbs-probe-file=$P/p.json.gz" job.sh
check "--parsable: stdout is the job id" test "$OUT" = 4242
( cd "$P" && check_rc "relative probe file" 0 "$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file p.json.gz job.sh )
check "relative path made absolute" test "$(argv)" = "$(lines "--comment=$J" job.sh)"
check_rc "symlinked probe file" 0 "$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file "$P/link.json.gz" job.sh
check "symlink resolved" test "$(argv)" = "$(lines "--comment=$J" job.sh)"

check_rc "without --datacrumbs-enable: untouched" 0 "$DC_SBATCH" -N 1 --comment 'free text' job.sh --datacrumbs-enable
check "untouched argv" test "$(argv)" = "$(lines -N 1 --comment 'free text' job.sh --datacrumbs-enable)"
check "untouched: no message" test -z "$ERR"
# Without --datacrumbs-enable the option is the SPANK plugin's: handed on as given.
check_rc "probe file without enable: passed on to sbatch" 0 "$DC_SBATCH" --datacrumbs-probe-file "$P/p.json.gz" -N 1 job.sh
check "probe file without enable: the SPANK option reaches sbatch, no comment" test "$(argv)" = "$(lines --datacrumbs-probe-file "$P/p.json.gz" -N 1 job.sh)"
check "probe file without enable: no message" test -z "$ERR"
check_rc "probe file= without enable: passed on" 0 "$DC_SALLOC" "--datacrumbs-probe-file=$P/p.json.gz" -N 1
check "probe file= without enable: as one word" test "$(argv)" = "$(lines "--datacrumbs-probe-file=$P/p.json.gz" -N 1)"
check_rc "an empty --comment= with the request" 0 "$DC_SBATCH" --comment= --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" job.sh
check "an empty --comment=: the request alone" test "$(argv)" = "$(lines "--comment=$J" job.sh)"
check_rc "an empty --comment '' with the request" 0 "$DC_SBATCH" --comment '' --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" job.sh
check "an empty --comment '': the request alone" test "$(argv)" = "$(lines "--comment=$J" job.sh)"

check_rc "user JSON comment merged" 0 "$DC_SBATCH" --comment '{"project":"io"}' --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" job.sh
check "merged comment, user's --comment removed" test "$(argv)" = "$(lines "--comment={\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"$ABS\"},\"project\":\"io\"}" job.sh)"
check_rc "text comment refused" 1 "$DC_SBATCH" --comment='free text' --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" job.sh
contains "text comment: says how to fix" "$ERR" "--datacrumbs-merge-comment"
check_rc "text comment kept on request" 0 "$DC_SBATCH" --comment='free text' --datacrumbs-merge-comment --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" job.sh
check "text comment wrapped" test "$(argv)" = "$(lines "--comment={\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"$ABS\"},\"comment\":\"free text\"}" job.sh)"

printf '#!/bin/sh\n#SBATCH -N 1\n#SBATCH --comment='"'"'{"team":"a"}'"'"'\nsrun true\n' >"$T_TMP/job.sh"
check_rc "#SBATCH --comment merged" 0 "$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" "$T_TMP/job.sh"
check "directive merged into the first argument" test "$(argv)" = "$(lines "--comment={\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"$ABS\"},\"team\":\"a\"}" "$T_TMP/job.sh")"
printf '#!/bin/sh\n#SBATCH --comment={"team":"a"}\nsrun true\n' >"$T_TMP/bad.sh"
check_rc "unquoted #SBATCH JSON (sbatch strips its quotes) refused" 1 "$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" "$T_TMP/bad.sh"
contains "unquoted directive: says why" "$ERR" "not a JSON object"

check_rc "merged comment over Slurm's 1024 bytes" 1 "$DC_SBATCH" --comment="{\"pad\":\"$(printf '%01000d' 0)\"}" --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" job.sh
contains "too long: says why" "$ERR" "Slurm accepts at most 1024"
check_rc "expired probe file" 1 "$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file "$P/expired.json.gz" job.sh
contains "expired: says so" "$ERR" "expired at"
check_rc "another user's probe file" 1 "$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file "$P/other.json.gz" job.sh
contains "another user's: says so" "$ERR" "not for you"
check_rc "missing probe file" 1 "$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file "$P/nope.json.gz" job.sh
contains "missing: says so" "$ERR" "No such file"
check_rc "path the nodes refuse" 1 "$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file "$P/with space/p.json.gz" job.sh
contains "hostile path: names the character" "$ERR" "space at byte"
check_rc "enable without a probe file" 2 "$DC_SBATCH" --datacrumbs-enable job.sh
check_rc "probe file option without a value" 2 "$DC_SBATCH" --datacrumbs-probe-file
check_rc "soon-expiring file: warning" 0 "$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file "$P/soon.json.gz" job.sh
contains "soon-expiring: warns" "$ERR" "expires in"
case "$ABS" in
/tmp/*) contains "node-local directory: warns" "$ERR" "usually local to this host" ;;
esac
check "nothing ran after a failed check" true
: >"$T_TMP/argv"
"$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file "$P/expired.json.gz" job.sh >/dev/null 2>&1
check "a refused job is not submitted" test ! -s "$T_TMP/argv"
if [ "$(id -u)" -eq 0 ] && id "$TEST_USER" >/dev/null 2>&1; then
    probe "$P/mine.json.gz" 86400 "$TEST_USER"
    chmod 0600 "$P/mine.json.gz"
    check_rc "unreadable probe file (as $TEST_USER)" 1 as_user "$DC_SBATCH" --datacrumbs-enable --datacrumbs-probe-file "$P/mine.json.gz" job.sh
    contains "unreadable: says so" "$ERR" "Permission denied"
fi

check_rc "help with our option" 0 "$DC_SBATCH" --datacrumbs-enable -h
contains "help is ours" "$OUT" "EXAMPLES"
check_rc "help alone is sbatch's" 0 "$DC_SBATCH" -h
check "sbatch got -h" test "$(argv)" = "-h"
check_rc "--datacrumbs-help" 0 "$DC_SALLOC" --datacrumbs-help
contains "salloc help" "$OUT" "datacrumbs_salloc"
check_rc "--datacrumbs-version" 0 "$DC_SBATCH" --datacrumbs-version
check_rc "dry run" 0 "$DC_SBATCH" --datacrumbs-dry-run --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" -J 'my job' job.sh
contains "dry run prints the command, quoted" "$OUT" "'--comment=$J' -J 'my job' job.sh"

check_rc "salloc without a command" 0 "$DC_SALLOC" --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" -N 1
check "salloc argv" test "$(argv)" = "$(lines "--comment=$J" -N 1)"
check_rc "salloc with a command" 0 "$DC_SALLOC" -N 1 --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" srun -n 1 app --datacrumbs-enable -h
check "salloc command untouched" test "$(argv)" = "$(lines "--comment=$J" -N 1 srun -n 1 app --datacrumbs-enable -h)"

# Installed under Slurm's name (a link earlier in PATH): it runs Slurm's, never itself.
ln -s "$DC_SBATCH" "$T_TMP/site/sbatch"
check_rc "wrapper installed as sbatch" 0 env PATH="$T_TMP/site:$PATH" "$T_TMP/site/sbatch" --datacrumbs-enable --datacrumbs-probe-file "$P/p.json.gz" job.sh
check "the real sbatch ran" test "$(argv)" = "$(lines "--comment=$J" job.sh)"
check_rc "only the wrapper in PATH" 127 env PATH="$T_TMP/site" "$T_TMP/site/sbatch" job.sh
contains "only the wrapper: says why" "$ERR" "other than this wrapper itself"
finish
