#!/bin/bash
# cfg_cli.sh BUILD SRC - datacrumbs_probe_configurator without a signer: the command line, the
# shipped host configuration on this machine, host file errors, and every exit code that does
# not need the signer (0/1 with --dry-run, 2, 3, 4, 5 unreachable, 6).
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/probe_configurator/cfg_common.sh"

C() { "$CFG" --config "$T_TMP/dc.conf" "$@"; }

# --- the command line
check_rc "--help exits 0" 0 "$CFG" --help
contains "--help ends with examples" "$(printf '%s' "$OUT" | tail -4)" "datacrumbs_probe_configurator --dry-run"
contains "--help lists the exit codes" "$OUT" "5 signer unreachable or refused"
check_rc "--version exits 0" 0 "$CFG" --version
contains "--version names the package" "$OUT" "datacrumbs-utils"
check_rc "no arguments: 2" 2 "$CFG"
contains "usage on stderr" "$ERR" "Usage: datacrumbs_probe_configurator"
check_rc "no output without --dry-run: 2" 2 C "$CONFIGS/posix-io.yaml"
contains "says why" "$ERR" "no output file given"
check_rc "unknown option: 2" 2 C --frobnicate "$CONFIGS/posix-io.yaml" "$T_TMP/o.json.gz"
check_rc "missing host file: 2" 2 C "$T_TMP/none.yaml" "$T_TMP/o.json.gz"
contains "names the host file" "$ERR" "cannot open host file $T_TMP/none.yaml"
check_rc "bad system config: 2" 2 "$CFG" --config "$T_TMP/none.conf" --dry-run "$CONFIGS/posix-io.yaml"

# --- the shipped configuration on this machine: libc and syscall categories
check_rc "posix-io.yaml --dry-run: 0" 0 C --dry-run "$CONFIGS/posix-io.yaml"
contains "table header" "$OUT" "CATEGORY"
contains "libc POSIX category (found by soname)" "$OUT" "posix     uprobe"
contains "libc stdio category" "$OUT" "stdio     uprobe"
if have_btf; then
    contains "I/O syscalls from BTF" "$OUT" "sys       syscalls"
    contains "from the kernel's BTF" "$OUT" "/sys/kernel/btf/vmlinux"
fi
lacks "nothing left out" "$OUT" "left out"
check_rc "--json --dry-run: 0" 0 C --json --dry-run "$CONFIGS/posix-io.yaml"
J1=$OUT
contains "JSON: uprobe category" "$J1" '"type": "uprobe"'
have_btf && contains "JSON: syscalls category" "$J1" '"type": "syscalls"'
contains "JSON: not written" "$J1" '"written": false'
check_rc "second --json run: 0" 0 C --json --dry-run "$CONFIGS/posix-io.yaml"
check "two runs give the same categories" [ "$J1" = "$OUT" ]
check_rc "docker.yaml (upstream's CI set) --dry-run: 0" 0 C --dry-run "$CONFIGS/docker.yaml"
have_btf && contains "its syscalls" "$OUT" "sys       syscalls"

# --- host file errors: file, line and key; exit 2; nothing written
cat > "$T_TMP/bad.yaml" <<YAML
capture_probes:
  - name: libc
    type: binary
    probe: uprobe
    fiel: libc.so.6
  - name: sys
    type: btf
    probe: syscall
YAML
check_rc "host file errors: 2" 2 C "$T_TMP/bad.yaml" "$T_TMP/o.json.gz"
contains "unknown key with a suggestion" "$ERR" "bad.yaml:5: capture_probes[0] (libc): unknown key 'fiel' ignored (did you mean 'file'?)"
contains "missing key named" "$ERR" "bad.yaml:2: capture_probes[0] (libc): type binary needs 'file'"
contains "bad value named" "$ERR" "bad.yaml:8: capture_probes[1] (sys): key 'probe': unknown probe type 'syscall'"
check "nothing written" [ ! -e "$T_TMP/o.json.gz" ]
printf 'capture_probes:\n  - name: x\n    type: binary\n    probe: uprobe\n    file: @DATACRUMBS_LIBC_SO@\n' > "$T_TMP/tpl.yaml"
check_rc "unrendered template: 2" 2 C --dry-run "$T_TMP/tpl.yaml"
contains "placeholder and line" "$ERR" "tpl.yaml:5: unrendered template placeholder @DATACRUMBS_LIBC_SO@"
contains "points to configure_template" "$ERR" "datacrumbs_configure_template"
printf 'capture_probes:\n  - name: x\n    type: binary\n    probe: uprobe\n    file: libc.so.6\n    regex: (open\n' > "$T_TMP/re.yaml"
check_rc "invalid regex: 2" 2 C --dry-run "$T_TMP/re.yaml"
contains "regex error with line" "$ERR" "re.yaml:6: capture_probes[0] (x): key 'regex': invalid pattern"

# --- 1: a capture left out, the others kept
cat > "$T_TMP/partial.yaml" <<YAML
capture_probes:
  - name: libc
    type: binary
    probe: uprobe
    file: libc.so.6
    regex: fopen|fclose
  - name: gone
    type: binary
    probe: uprobe
    file: $T_TMP/libgone.so
YAML
check_rc "a capture left out: 1" 1 C --dry-run "$T_TMP/partial.yaml"
contains "the good one listed" "$OUT" "libc      uprobe            2"
contains "the bad one left out" "$OUT" "left out  line 7: binary $T_TMP/libgone.so: No such file or directory"

# --- 3: nothing discovered
printf 'capture_probes:\n  - name: gone\n    type: binary\n    probe: uprobe\n    file: /nonexistent/lib.so\n' > "$T_TMP/none.yaml"
check_rc "nothing found: 3" 3 C "$T_TMP/none.yaml" "$T_TMP/o.json.gz"
contains "says nothing was found" "$ERR" "no capture found any function"
check "nothing written" [ ! -e "$T_TMP/o.json.gz" ]
printf '\177ELF\002\001\001garbage' > "$T_TMP/libbroken.so"
printf 'capture_probes:\n  - name: broken\n    type: binary\n    probe: uprobe\n    file: %s\n' "$T_TMP/libbroken.so" > "$T_TMP/broken.yaml"
check_rc "malformed ELF: 3, not a crash" 3 C --dry-run "$T_TMP/broken.yaml"
contains "malformed ELF reported" "$ERR" "cannot read $T_TMP/libbroken.so"

# --- 4: over max_runtime_functions (a small limit from the configuration)
conf "max_runtime_functions = 20"
check_rc "over the limit: 4" 4 C "$CONFIGS/posix-io.yaml" "$T_TMP/o.json.gz"
contains "names count and limit" "$ERR" "runtime functions selected; max_runtime_functions allows 20"
contains "names the biggest category" "$ERR" "The biggest categories: posix ("
check "nothing written" [ ! -e "$T_TMP/o.json.gz" ]
check_rc "--dry-run over the limit: 4 too" 4 C --dry-run "$CONFIGS/posix-io.yaml"
N=$(C --json --dry-run "$T_TMP/partial.yaml" 2>/dev/null | sed -n 's/^  "total": \([0-9]*\),/\1/p')
check "partial.yaml has 2 functions" [ "$N" = 2 ]
conf "max_runtime_functions = 2"
check_rc "at the limit: a warning" 1 C --dry-run "$T_TMP/partial.yaml"
contains "close to the limit" "$ERR" "2 runtime functions selected, close to max_runtime_functions (2)"
conf "max_runtime_functions = 1"
check_rc "one over: 4" 4 C --dry-run "$T_TMP/partial.yaml"
conf "max_runtime_functions = 3"
check_rc "90% of 3 is 2: no warning" 1 C --dry-run "$T_TMP/partial.yaml"
lacks "no warning" "$ERR" "close to"
conf

# --- 5: no signer; 6: the output cannot be written
check_rc "signer unreachable: 5" 5 C "$T_TMP/partial.yaml" "$T_TMP/o.json.gz"
contains "names the socket" "$ERR" "cannot connect to the signer at $T_TMP/run/sign.sock"
check "nothing written" [ ! -e "$T_TMP/o.json.gz" ]
check_rc "output directory missing: 6" 6 C "$CONFIGS/posix-io.yaml" "$T_TMP/no/dir/o.json.gz"
contains "names the directory" "$ERR" "output: directory $T_TMP/no/dir"

# --- verbosity
check_rc "--quiet: errors only" 1 C --quiet --dry-run "$T_TMP/partial.yaml"
lacks "--quiet hides warnings" "$ERR" "warning"
contains "--quiet keeps errors" "$ERR" "error"
check_rc "--verbose: debug" 0 C --verbose --dry-run "$CONFIGS/posix-io.yaml"
contains "--verbose says where libc is" "$ERR" "libc.so.6 is /"
check_rc "--quiet --verbose: 2" 2 C --quiet --verbose --dry-run "$CONFIGS/posix-io.yaml"

# --- another kernel's BTF and kallsyms (the unit tests' fixture): kallsyms says which of the
# five syscalls BTF describes that kernel has (two); one BTF does not describe (sync) is left
# out, since a signer that sees BTF only would refuse it
if [ -f "$FX/fx_btf.o" ]; then
    printf '0 T __x64_sys_read\n0 T __x64_sys_openat\n0 T __x64_sys_sync\n0 T ksys_read\n' > "$T_TMP/kallsyms"
    printf 'capture_probes:\n  - {name: sys, type: btf, probe: syscalls}\n  - {name: k, type: btf, probe: kprobe, regex: ksys_.*}\n' > "$T_TMP/k.yaml"
    check_rc "--kernel-btf and --kallsyms" 0 C --dry-run --kernel-btf "$FX/fx_btf.o" --kallsyms "$T_TMP/kallsyms" "$T_TMP/k.yaml"
    contains "syscalls of that kernel" "$OUT" "syscalls          2"
    contains "kprobes checked against its kallsyms" "$OUT" "kprobe            1"
fi
finish
