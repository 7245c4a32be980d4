#!/bin/bash
# cfg_e2e.sh BUILD SRC - host YAML -> datacrumbs_sign_probes -> signed file ->
# datacrumbs_probe_inspect --verify, with the signer from the build tree on a private socket
# and a secret made by datacrumbs_secret in a temp dir. Also: two runs give the same
# categories, the file is 0600 and replaced atomically, a partial run still writes a signed
# file (exit 1), and a refusal of the signer is exit 5 with nothing written.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/probe_configurator/cfg_common.sh"

SIGNER=$BUILD/src/sign_probes/datacrumbs_sign_probes
SECRET=$BUILD/src/secret/datacrumbs_secret
INSPECT=$BUILD/src/probe_inspect/datacrumbs_probe_inspect
for p in "$SIGNER" "$SECRET" "$INSPECT"; do
    [ -x "$p" ] || skip_all "$p is not built"
done
[ "$(id -u)" = 0 ] || skip_all "needs root (the secret is root's, the signer reads it)"

# The secret's directory must be root's and closed to others; the socket's open to all.
chmod 0755 "$T_TMP"
chmod 0700 "$T_TMP/etc"
chmod 0755 "$T_TMP/run"
cp "$SRC/etc/datacrumbs/probe-policy" "$T_TMP/etc/probe-policy"
chmod 0644 "$T_TMP/etc/probe-policy"
conf "max_runtime_functions = 16384" "probe_validity = 1d" "probe_policy = $T_TMP/etc/probe-policy"
check_rc "datacrumbs_secret create" 0 "$SECRET" --config "$T_TMP/dc.conf" create

SIGNER_PID=
stop_signer() {
    if [ -n "$SIGNER_PID" ] && [ "$SIGNER_PID" -gt 1 ]; then
        kill "$SIGNER_PID" 2>/dev/null
        wait "$SIGNER_PID" 2>/dev/null
    fi
    SIGNER_PID=
}
trap 'stop_signer; rm -rf -- "$T_TMP"' EXIT
"$SIGNER" --config "$T_TMP/dc.conf" --socket "$T_TMP/run/sign.sock" --foreground \
    > "$T_TMP/signer.log" 2>&1 &
SIGNER_PID=$!
for _ in $(seq 100); do
    grep -q 'ready on' "$T_TMP/signer.log" 2>/dev/null && break
    kill -0 "$SIGNER_PID" 2>/dev/null || break
    sleep 0.05
done
grep -q 'ready on' "$T_TMP/signer.log" || { cat "$T_TMP/signer.log"; echo "Bail out! the signer did not start"; exit 1; }

C() { "$CFG" --config "$T_TMP/dc.conf" "$@"; }
OUTF=$T_TMP/pf/probes.json.gz
mkdir -p "$T_TMP/pf"
cp "$CONFIGS/posix-io.yaml" "$T_TMP/host.yaml"

# --- the whole way
check_rc "configure: 0" 0 C "$T_TMP/host.yaml" "$OUTF"
contains "says what it wrote" "$ERR" "wrote $OUTF"
check "the file exists" [ -f "$OUTF" ]
check "mode 0600" [ "$(stat -c %a "$OUTF")" = 600 ]
check "gzip" [ "$(head -c 2 "$OUTF" | od -An -tx1 | tr -d ' ')" = 1f8b ]
check "no temporary file left" [ "$(ls -A "$T_TMP/pf")" = probes.json.gz ]
check_rc "datacrumbs_probe_inspect --verify passes" 0 "$INSPECT" --config "$T_TMP/dc.conf" --verify "$OUTF"
contains "inspect: checksum ok" "$OUT" "verification  ok"
contains "inspect: libc category" "$OUT" "posix"
have_btf && contains "inspect: syscalls category" "$OUT" "syscalls"
contains "summary: the caller" "$(zcat "$OUTF")" '"user": "root"'
contains "summary: the host file, absolute" "$(zcat "$OUTF")" "\"config_file_path\": \"${T_TMP//\//\\/}\\/host.yaml\""
if have_btf; then
    # BTF syscalls come with their argument signatures
    contains "function_arguments of openat" "$(zcat "$OUTF")" '"openat": ['
    contains "a path argument" "$(zcat "$OUTF")" '"c_type": "const char *"'
fi
categories_of "$OUTF" > "$T_TMP/cats1"

# --- again: the same categories byte for byte; the file replaced atomically
check_rc "second run: 0" 0 C --json "$T_TMP/host.yaml" "$OUTF"
contains "--json: written" "$OUT" '"written": true'
contains "--json: checksum" "$OUT" '"checksum": "'
categories_of "$OUTF" > "$T_TMP/cats2"
check "categories not empty" [ -s "$T_TMP/cats1" ]
check "two runs, identical categories" cmp -s "$T_TMP/cats1" "$T_TMP/cats2"
check_rc "the new file verifies" 0 "$INSPECT" --config "$T_TMP/dc.conf" --verify "$OUTF"

# --- an ordinary user: the file is issued to them, whatever the host file says
# (only where nobody can look itself up: the signer signs for known users only)
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null &&
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups id -un >/dev/null 2>&1; then
    mkdir -m 0777 "$T_TMP/nb"
    cp "$CFG" "$T_TMP/nb/configurator"
    chmod 0755 "$T_TMP/nb/configurator"
    { echo "user: root"; cat "$CONFIGS/posix-io.yaml"; } > "$T_TMP/nb/host.yaml"
    chmod 0644 "$T_TMP/nb/host.yaml" "$T_TMP/dc.conf"
    check_rc "as nobody: 0" 0 setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
        "$T_TMP/nb/configurator" --config "$T_TMP/dc.conf" "$T_TMP/nb/host.yaml" "$T_TMP/nb/p.json.gz"
    check "owned by nobody" [ "$(stat -c %U "$T_TMP/nb/p.json.gz")" = nobody ]
    contains "issued to nobody, not the host file's user" "$(zcat "$T_TMP/nb/p.json.gz")" '"user": "nobody"'
    check_rc "nobody's file verifies" 0 "$INSPECT" --config "$T_TMP/dc.conf" --verify "$T_TMP/nb/p.json.gz"
else
    echo "# skipped the run as nobody: nobody cannot read the user database here"
fi

# --- exit 1: a capture left out, the rest signed and written
cat > "$T_TMP/partial.yaml" <<YAML
capture_probes:
  - {name: libc, type: binary, probe: uprobe, file: libc.so.6, regex: 'fopen|fclose'}
  - {name: gone, type: binary, probe: uprobe, file: $T_TMP/libgone.so}
YAML
rm -f "$T_TMP/p.json.gz"
check_rc "partial: 1" 1 C "$T_TMP/partial.yaml" "$T_TMP/p.json.gz"
check "partial: written" [ -f "$T_TMP/p.json.gz" ]
check_rc "partial: verifies" 0 "$INSPECT" --config "$T_TMP/dc.conf" --verify "$T_TMP/p.json.gz"

# --- exit 5: the signer refuses (custom probes need admin_group, which is not set)
printf '// bpf\n' > "$T_TMP/x.bpf.c"
printf '// header\n' > "$T_TMP/x.h"
printf '[{"functions": ["openat"]}]\n' > "$T_TMP/probes.json"
cat > "$T_TMP/custom.yaml" <<YAML
capture_probes:
  - {name: c, type: custom, probe: custom, file: $T_TMP/x.bpf.c, probes: $T_TMP/probes.json,
     process_header: $T_TMP/x.h, start_event_id: 100000}
YAML
check_rc "refused by the signer: 5" 5 C "$T_TMP/custom.yaml" "$T_TMP/c.json.gz"
contains "the signer's reason" "$ERR" "the signer refused: payload validation failed"
contains "names the rule" "$ERR" "custom probes"
check "nothing written" [ ! -e "$T_TMP/c.json.gz" ]
# a refusal must not destroy an earlier good file
cp "$OUTF" "$T_TMP/keep.json.gz"
check_rc "refused over an existing file: 5" 5 C "$T_TMP/custom.yaml" "$OUTF"
check "the earlier file is untouched" cmp -s "$OUTF" "$T_TMP/keep.json.gz"

# --- exit 5: the signer gone
stop_signer
check_rc "signer stopped: 5" 5 C "$T_TMP/host.yaml" "$T_TMP/late.json.gz"
check "nothing written" [ ! -e "$T_TMP/late.json.gz" ]
finish
