#!/bin/bash
# test_flux_hook.sh - datacrumbs_flux_hook without a Flux instance: its command line, the submit
# check the CLI plugin runs (the same as datacrumbs_sbatch's), and a prolog or epilog that
# cannot do anything still exits 0 and says why.
#   test_flux_hook.sh BUILD_DIR SOURCE_DIR
set -u
. "$2/tests/integration/lib.sh"
. "$2/tests/integration/slurm/common.sh" "$1" "$2"
FHOOK=$B/src/flux_hook/datacrumbs_flux_hook
need "$FHOOK" "$MKPROBE"
ME=$(id -un)
chmod 0755 "$T_TMP"
node_create "$T_TMP" /bin/true
P=$T_TMP/pub
mkdir -p "$P" && chmod 0755 "$P"
probe "$P/p.json.gz" 86400 "$ME"
probe "$P/expired.json.gz" -60 "$ME"
probe "$P/soon.json.gz" 600 "$ME"

check_rc "--help" 0 "$FHOOK" --help
contains "--help ends in EXAMPLES" "$OUT" "EXAMPLES"
check_rc "--version" 0 "$FHOOK" --version
check_rc "no phase: usage error" 2 "$FHOOK"
contains "... says what to give" "$ERR" "give the phase"
check_rc "unknown phase" 2 "$FHOOK" bogus
check_rc "unknown option" 2 "$FHOOK" --bogus prolog
check_rc "--submit-check with a phase" 2 "$FHOOK" --submit-check "$P/p.json.gz" prolog

check_rc "--submit-check: a good file" 0 "$FHOOK" --submit-check "$P/p.json.gz"
check "... warnings at most (a temp dir is node-local)" test -z "$(printf '%s\n' "$OUT" | grep -v '^warning: ' | grep .)"
check_rc "--submit-check: expired" 1 "$FHOOK" --submit-check "$P/expired.json.gz"
contains "... says so on stdout" "$OUT" "expired at"
check_rc "--submit-check: missing" 1 "$FHOOK" --submit-check "$P/nope.json.gz"
contains "... says why" "$OUT" "No such file"
check_rc "--submit-check: soon expiring" 0 "$FHOOK" --submit-check "$P/soon.json.gz"
contains "... a warning" "$OUT" "warning: probe file"

# As the job manager would run it, but with no instance to ask: exit 0 and say why.
check_rc "prolog without an instance: exit 0" 0 env -i FLUX_JOB_ID=f2V9cXJwd FLUX_JOB_USERID=0 \
    FLUX_URI="local://$T_TMP/no-such-socket" "$FHOOK" --config "$T_TMP/dc.conf" prolog
contains "... says it cannot ask the instance" "$ERR" "not traced"
check_rc "prolog with a hostile job id: exit 0" 0 env -i 'FLUX_JOB_ID=f$(id)' FLUX_JOB_USERID=0 \
    "$FHOOK" --config "$T_TMP/dc.conf" prolog
contains "... names it" "$ERR" "is not a Flux job id; nothing done"
check_rc "prolog without FLUX_JOB_ID: exit 0" 0 env -i "$FHOOK" --config "$T_TMP/dc.conf" prolog
contains "... says so" "$ERR" "(unset)"
ln -s "$FHOOK" "$T_TMP/datacrumbs_flux_prolog"
check_rc "named datacrumbs_flux_prolog, no argument (flux-imp run): a prolog" 0 env -i \
    "$T_TMP/datacrumbs_flux_prolog" --config "$T_TMP/dc.conf"
contains "... that says what it lacks" "$ERR" "prolog: FLUX_JOB_ID '(unset)'"
check_rc "epilog of a job that never ran here: exit 0" 0 env -i FLUX_JOB_ID=f2V9cXJwd \
    FLUX_JOB_USERID=0 "$FHOOK" --config "$T_TMP/dc.conf" epilog
finish
