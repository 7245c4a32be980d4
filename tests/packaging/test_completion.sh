#!/bin/bash
# test_completion.sh BUILD SRC - bash completion (etc/bash-completion) agrees with the programs.
#
# For every command of etc/bash-completion/CMakeLists.txt that this build made: each long option
# its --help lists is completed, and its completion offers no option the program does not
# have. Then, with bash-completion installed, a few completions are run for real.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
DIR=$SRC/etc/bash-completion

# "command file" pairs, from the one list the build installs from.
pairs=$(sed -n 's/^  \(datacrumbs[a-z_]*\) \{1,\}\(datacrumbs[a-z_]*\)$/\1 \2/p' "$DIR/CMakeLists.txt")
[ -n "$pairs" ] || { not_ok "command list in etc/bash-completion/CMakeLists.txt"; finish; exit 1; }

# A command's long options, from its --help up to EXAMPLES (the examples show other commands).
# The SLURM wrappers pass --help to Slurm: theirs is --datacrumbs-help, and only their
# --datacrumbs-* options are theirs.
help_opts() { # help_opts PROGRAM
    case ${1##*/} in
    datacrumbs_salloc | datacrumbs_sbatch)
        "$1" --datacrumbs-help 2>&1 | sed '/^EXAMPLES/,$d' | grep -o -E -- '--datacrumbs-[a-z0-9-]+' ;;
    *)
        "$1" --help 2>&1 | sed '/^EXAMPLES/,$d' | grep -o -E -- '--[a-z][a-z0-9-]*' ;;
    esac | sort -u
}
# The long options a completion file offers (comments aside).
# (Not glob patterns such as --datacrumbs-*, which only match options.)
file_opts() {
    grep -v '^[[:space:]]*#' "$1" | grep -o -E -- '--[a-z][a-z0-9-]*[a-z0-9]([^*a-z0-9-]|$)' |
        grep -o -E -- '--[a-z][a-z0-9-]*[a-z0-9]' | sort -u
}

built=0
for file in $(echo "$pairs" | awk '{ print $2 }' | sort -u); do
    check "$file: bash -n" bash -n "$DIR/$file"
    union=$T_TMP/$file.union
    : >"$union"
    for cmd in $(echo "$pairs" | awk -v f="$file" '$2 == f { print $1 }'); do
        prog=$(find "$BUILD/src" -maxdepth 2 -type f -name "$cmd" -perm -u+x | head -1)
        if [ -z "$prog" ]; then
            echo "# $cmd not built here: its options are not compared"
            continue
        fi
        built=$((built + 1))
        help_opts "$prog" >"$T_TMP/$cmd.help"
        cat "$T_TMP/$cmd.help" >>"$union"
        missing=$(comm -23 "$T_TMP/$cmd.help" <(file_opts "$DIR/$file") | tr '\n' ' ')
        check "$cmd: every option of --help is completed${missing:+ (missing: $missing)}" [ -z "$missing" ]
    done
    if [ -s "$union" ]; then
        extra=$(comm -13 <(sort -u "$union") <(file_opts "$DIR/$file") | tr '\n' ' ')
        check "$file: completes no option the program lacks${extra:+ (extra: $extra)}" [ -z "$extra" ]
    fi
done
check "some commands were built to compare with" [ "$built" -gt 0 ]

BC=/usr/share/bash-completion/bash_completion
if [ ! -r "$BC" ]; then
    echo "# bash-completion is not installed: completions not run (apt-get install bash-completion)"
    finish
    exit
fi

# complete_line LINE: what completing the end of LINE offers, one per line, sorted.
complete_line() {
    local cmd=${1%% *} file
    file=$(echo "$pairs" | awk -v c="$cmd" '$1 == c { print $2 }')
    (
        cd "$T_TMP" || exit 1
        bash -c '
            . "$1" >/dev/null 2>&1
            . "$2"
            line=$3
            read -r -a COMP_WORDS <<<"$line"
            [[ $line == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            COMP_LINE=$line
            COMP_POINT=${#line}
            spec=$(complete -p "${COMP_WORDS[0]}")
            func=${spec##* -F }
            func=${func%% *}
            "$func" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
            printf "%s\n" "${COMPREPLY[@]}"
        ' _ "$BC" "$DIR/$file" "$1" 2>/dev/null | sort -u | tr '\n' ' ' | sed 's/ $//'
    )
}
offers() { # offers LINE EXPECTED
    local got
    got=$(complete_line "$1")
    if [ "$got" = "$2" ]; then ok "'$1' completes to '$2'"; else
        not_ok "'$1' completes to '$2'"
        echo "#   got: '$got'"
    fi
}

: >"$T_TMP/probes.json.gz"
: >"$T_TMP/host.yaml"
offers "datacrumbs_secret " "check create fingerprint"
offers "datacrumbs_secret create --" "--if-missing"
offers "datacrumbs_secret --secret" "--secret-file"
offers "datacrumbs_wrap --c" "--config"
offers "datacrumbs_track --ch" "--check"
offers "datacrumbs_untrack --ex" "--exact --executable"
offers "datacrumbs_track --ex" "--executable"
offers "datacrumbs --gzip-level " "1 2 3 4 5 6 7 8 9"
offers "datacrumbs pro" "probes.json.gz"
offers "datacrumbs_probe_inspect --ve" "--verify --version"
offers "datacrumbs_probe_inspect pr" "probes.json.gz"
offers "datacrumbs_probe_configurator ho" "host.yaml"
offers "datacrumbs_probe_configurator --kernel" "--kernel-btf"
offers "datacrumbs_configure_template --li" "--list"
offers "datacrumbs_run --pro" "--probe-file"
offers "datacrumbs_run --probe-file pr" "probes.json.gz"
offers "datacrumbs_stop --pro" ""
offers "datacrumbs_stop --run" "--run-id"
offers "datacrumbs_sign_probes --max-clients" "--max-clients --max-clients-per-user"
offers "datacrumbs_service_wrapper " "start stop"
offers "datacrumbs_service_wrapper --dry-run st" "start stop"
offers "datacrumbs_sbatch --datacrumbs-p" "--datacrumbs-probe-file"
offers "datacrumbs_salloc --datacrumbs-probe-file pr" "probes.json.gz"
finish
