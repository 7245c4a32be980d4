#!/bin/bash
# flux_multiuser.sh - DataCrumbs in a multi-user Flux instance, as sites run their system
# instance: the instance belongs to an unprivileged owner (daemon), jobs come from an ordinary
# user (nobody) signed with munge, flux-imp (setuid, configured for the owner) runs the job
# shells as the user and the prolog and epilog as root. An ordinary user's
# "flux run --datacrumbs-enable --datacrumbs-probe-file P datacrumbs_wrap dd" leaves that
# user's trace; the user's request for a probe file issued to someone else starts nothing.
#   flux_multiuser.sh BUILD_DIR SOURCE_DIR   (root; munge; the runtime and Flux built)
set -u
. "$2/tests/integration/lib.sh"
. "$2/tests/integration/slurm/common.sh" "$1" "$2"
need_root
. "$2/tests/system/flux_lib.sh"
need "$FHOOK" "$DC_WRAP"
OWNER=daemon
id "$OWNER" >/dev/null 2>&1 || skip_all "no user $OWNER to own the instance"
IMP=$FP/libexec/flux/flux-imp
IMPCONF=$FP/etc/flux/imp/conf.d/datacrumbs-test.toml
[ -x "$IMP" ] || skip_all "flux-imp is not built (flux-security)"
MUNGED=$(command -v munged || echo /usr/sbin/munged)
MUNGE_SOCK=/run/munge/munge.socket.2 # where flux-security's munge signer asks
[ -x "$MUNGED" ] || skip_all "munged is not installed"
[ -e "$MUNGE_SOCK" ] && skip_all "a munged already runs at $MUNGE_SOCK (its key is not ours to use)"
[ -e "$IMPCONF" ] && skip_all "$IMPCONF exists: another run of this test?"

D=$T_TMP
chmod 0755 "$D"
IMP_MODE=$(stat -c %a "$IMP")
cleanup() {
    stop_instances
    [ -f "$D/munged.pid" ] && kill "$(cat "$D/munged.pid")" 2>/dev/null
    rm -f "$IMPCONF" "$MUNGE_SOCK" "$MUNGE_SOCK.lock"
    chmod "$IMP_MODE" "$IMP"
    rm -rf -- "$T_TMP"
}
trap cleanup EXIT
why=$(runtime_works "$D") || skip_all "$why"
flux_node
real_probe "$SECRET" "$PUB/nobody.json.gz" || { not_ok "probe file made"; finish; exit 1; }
"$RT_MKPROBE" --secret "$SECRET" --out "$PUB/root.json.gz" --user root \
    --syscalls posix:openat,read >/dev/null && chmod 0644 "$PUB/root.json.gz"

# munge, for the user's signature on the job.
mkdir -p /run/munge
(umask 077 && dd if=/dev/urandom of="$D/munge.key" bs=1024 count=1 status=none)
"$MUNGED" --socket="$MUNGE_SOCK" --key-file="$D/munge.key" --pid-file="$D/munged.pid" \
    --log-file="$D/munged.log" --seed-file="$D/munged.seed" -f >/dev/null 2>&1 ||
    skip_all "munged does not start: $(tail -1 "$D/munged.log" 2>/dev/null)"
# The IMP: the owner may run job shells as users, and the hook as root (through wrappers that
# name this test's configuration: flux-imp run passes no arguments).
for phase in prolog epilog; do
    printf '#!/bin/sh\nexec "%s" --config "%s" %s\n' "$FHOOK" "$CONF" "$phase" >"$D/$phase"
    chmod 0755 "$D/$phase"
done
mkdir -p "$(dirname "$IMPCONF")"
cat >"$IMPCONF" <<TOML
[exec]
allowed-users = [ "$OWNER" ]
allowed-shells = [ "$FP/libexec/flux/flux-shell" ]
[run.prolog]
allowed-users = [ "$OWNER" ]
allowed-environment = [ "FLUX_*" ]
path = "$D/prolog"
[run.epilog]
allowed-users = [ "$OWNER" ]
allowed-environment = [ "FLUX_*" ]
path = "$D/epilog"
TOML
chmod 0644 "$IMPCONF"
chmod 4755 "$IMP"

instance mu 1 "$OWNER" "$(printf '[exec]\nimp = "%s"\n[access]\nallow-guest-user = true\nallow-root-owner = true\n' "$IMP")
$(perilog "" "")" || { not_ok "a multi-user instance starts"; finish; exit 1; }
ok "a multi-user instance owned by $OWNER is up"
U() { setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups env HOME="$D" "$@"; }

check_rc "as nobody: flux run --datacrumbs-enable ... datacrumbs_wrap dd" 0 U "$FLUX" run \
    --datacrumbs-enable --datacrumbs-probe-file "$PUB/nobody.json.gz" \
    "$DC_WRAP" --config "$CONF" -- dd if=/dev/zero of=/dev/null bs=4096 count=25 status=none
id=$(U "$FLUX" jobs -a -n -o '{id}' | head -1)
check "the job was nobody's" test "$(F jobs -a -n -o '{userid}' "$id" 2>/dev/null)" = "$(id -u nobody)"
check "its epilog ran" done_clean "$id"
contains "the prolog, through flux-imp, started the runtime for nobody" "$(hook_lines "$id")" \
    "(user nobody): tracing with $PUB/nobody.json.gz"
t=$TRACES/trace-nobody-$(run_of "$id")-$HOST.pfw.gz
check "nobody's trace exists" test -s "$t"
check "the trace is nobody's" test "$(stat -c %U "$t" 2>/dev/null)" = nobody
check "it holds the job's dd reads" test "$(zcat "$t" 2>/dev/null | grep -c '"name":"read".*"count":4096')" -ge 25
check "the runtime is gone" test ! -e "$RUN/datacrumbs-$(run_of "$id").pid"

check_rc "as nobody, root's probe file: refused at submission" 1 U "$FLUX" run \
    --datacrumbs-enable --datacrumbs-probe-file "$PUB/root.json.gz" true
contains "... not yours" "$ERR" "not for you"
check_rc "as nobody, root's probe file set by hand: the job runs" 0 U "$FLUX" run \
    --setattr=system.datacrumbs.enable=yes "--setattr=system.datacrumbs.probe_file=$PUB/root.json.gz" true
id=$(U "$FLUX" jobs -a -n -o '{id}' | head -1)
check "... its epilog ran" done_clean "$id"
contains "... the prolog refused it" "$(hook_lines "$id")" "refused the probe file"
check "... nothing started" test ! -e "$RUN/datacrumbs-$(run_of "$id").env"
finish
