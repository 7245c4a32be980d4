#!/bin/bash
# test_option_table.sh - the wrappers' tables of salloc/sbatch options (which take a value in
# the next word) against the installed Slurm: every long option (ours and those --help lists)
# and every short letter is put to the real tool's getopt, and its answer compared with the
# table. Needs salloc and sbatch; no daemon is contacted.
#   test_option_table.sh BUILD_DIR SOURCE_DIR
set -u
. "$2/tests/integration/lib.sh"
. "$2/tests/integration/slurm/common.sh" "$1" "$2"
DUMP=$B/tests/integration/slurm/slurm_optdump
need "$DUMP"
command -v sbatch >/dev/null && command -v salloc >/dev/null || skip_all "salloc/sbatch are not installed"

# A configuration is needed before sbatch parses anything; nothing is contacted.
printf 'ClusterName=optcheck\nSlurmctldHost=localhost\nNodeName=localhost CPUs=1\nPartitionName=p Nodes=localhost\n' >"$T_TMP/slurm.conf"
export SLURM_CONF=$T_TMP/slurm.conf
cd "$T_TMP" || exit 1
echo "# $(sbatch --version 2>&1)"
"$DUMP" >"$T_TMP/ours"

# Every probe ends in an unknown option, so the tool stops in getopt (never contacting a
# controller): which word it reports as unknown tells whether the one before took a value.
run() { timeout 10 "$@" </dev/null 2>&1 | head -3; }

# The real tool's kind of --NAME: none, req, opt, unknown (or ambiguous).
long_kind() {
    local out
    out=$(run "$1" "--$2=x" --zz1)
    case "$out" in
    *"unrecognized option '--$2"*) echo unknown; return ;;
    *"doesn't allow an argument"*) echo none; return ;;
    *"is ambiguous"*) echo ambiguous; return ;;
    esac
    out=$(run "$1" "--$2" --zz1 --zz2)
    case "$out" in
    *"'--zz1'"*) echo opt ;;
    *) echo req ;;
    esac
}

# The real tool's kind of -C.
short_kind() {
    local out
    out=$(run "$1" "-$2" --zz1 --zz2)
    case "$out" in
    *"invalid option -- '$2'"*) echo unknown; return ;;
    *Usage:* | *slurm-wlm* | *"slurm "[0-9]*) echo none; return ;; # -h, -V: print and exit
    *"'--zz1'"*) ;;
    *) echo req; return ;;
    esac
    out=$(run "$1" "-${2}0" --zz1)
    case "$out" in
    *"invalid option -- '0'"*) echo none ;;
    *) echo opt ;;
    esac
}

for tool in sbatch salloc; do
    names=$( (awk -v t="$tool" '$1 == t && $2 == "long" {print $3}' "$T_TMP/ours"
        "$tool" --help 2>/dev/null | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sed 's/^--//') | sort -u)
    bad=0
    for n in $names; do
        ours=$(awk -v t="$tool" -v n="$n" '$1 == t && $2 == "long" && $3 == n {print $4}' "$T_TMP/ours")
        real=$(long_kind "$tool" "$n")
        [ -n "$ours" ] || ours=unknown
        if [ "$ours" != "$real" ]; then
            echo "#   $tool --$n: table says $ours, $tool says $real"
            bad=$((bad + 1))
        fi
    done
    check "$tool: every long option has the installed kind ($(echo "$names" | wc -w) options)" test "$bad" -eq 0
    bad=0
    for c in $(awk -v t="$tool" '$1 == t && $2 == "short" {print $3}' "$T_TMP/ours"); do
        ours=$(awk -v t="$tool" -v c="$c" '$1 == t && $2 == "short" && $3 == c {print $4}' "$T_TMP/ours")
        real=$(short_kind "$tool" "$c")
        if [ "$ours" != "$real" ]; then
            echo "#   $tool -$c: table says $ours, $tool says $real"
            bad=$((bad + 1))
        fi
    done
    check "$tool: every short option letter has the installed kind" test "$bad" -eq 0
done
finish
