#!/bin/bash
# cfg_template.sh BUILD SRC - datacrumbs_configure_template: --list, rendering in one pass,
# unresolved placeholders listed with nothing written, and upstream's templates as shipped,
# rendered here and loaded by the configurator.
set -u
BUILD=$1
SRC=$2
. "$SRC/tests/integration/lib.sh"
. "$SRC/tests/integration/probe_configurator/cfg_common.sh"
[ -x "$TPL" ] || skip_all "$TPL is not built"

T() { "$TPL" --config "$T_TMP/dc.conf" "$@"; }
C() { "$CFG" --config "$T_TMP/dc.conf" "$@"; }

check_rc "--help: 0" 0 "$TPL" --help
contains "--help ends with examples" "$(printf '%s' "$OUT" | tail -2)" "datacrumbs_configure_template --list"
check_rc "--version: 0" 0 "$TPL" --version
check_rc "no arguments: 2" 2 "$TPL"
check_rc "--list: 0" 0 T --list
contains "--list: the C library" "$OUT" "DATACRUMBS_LIBC_SO=/"
contains "--list: from the configuration" "$OUT" "DATACRUMBS_SIGNER_SOCKET=$T_TMP/run/sign.sock	# configuration"
check_rc "--list with a define" 0 T --define FOO=bar --list
contains "--list shows the define" "$OUT" "FOO=bar	# --define"

# --- one pass, --define wins, standard output
printf 'a: @A@\nb: @B@\nlibc: @DATACRUMBS_LIBC_SO@\n' > "$T_TMP/t.in"
check_rc "render to stdout" 0 T --define 'A=@B@' --define B=x "$T_TMP/t.in" -
contains "a value is not scanned again" "$OUT" "a: @B@"
contains "B replaced" "$OUT" "b: x"
lacks "libc replaced" "$OUT" "@DATACRUMBS_LIBC_SO@"
check_rc "--define overrides a detected value" 0 T --define DATACRUMBS_LIBC_SO=/mine.so --define A=1 --define B=2 "$T_TMP/t.in" -
contains "the define's value" "$OUT" "libc: /mine.so"

# --- errors: nothing written
check_rc "unresolved: 1" 1 T "$T_TMP/t.in" "$T_TMP/t.out"
contains "lists A with its line" "$ERR" "@A@ (line 1)"
contains "lists B with its line" "$ERR" "@B@ (line 2)"
check "nothing written" [ ! -e "$T_TMP/t.out" ]
check_rc "a define without '=': 2" 2 T --define NOPE "$T_TMP/t.in" "$T_TMP/t.out"
check_rc "a newline in a value: 2" 2 T --define "A=x
b: injected" --define B=1 "$T_TMP/t.in" "$T_TMP/t.out"
check_rc "output = template: 2" 2 T --define A=1 --define B=2 "$T_TMP/t.in" "$T_TMP/t.in"
check_rc "missing template: 3" 3 T "$T_TMP/none.in" "$T_TMP/t.out"
check_rc "output directory missing: 3" 3 T --define A=1 --define B=2 "$T_TMP/t.in" "$T_TMP/no/t.out"

# --- the shipped templates, made to work
for t in lead hdf5 mpi python ebpf; do
    check "template $t.yaml.in is installed from the tree" [ -f "$CONFIGS/$t.yaml.in" ]
done
check_rc "lead.yaml.in renders" 0 T "$CONFIGS/lead.yaml.in" "$T_TMP/lead.yaml"
check "rendered lead.yaml has no placeholder" sh -c "! grep -q '@[A-Za-z0-9_]*@' '$T_TMP/lead.yaml'"
if have_btf; then
    check_rc "lead.yaml loads and discovers" 0 C --dry-run "$T_TMP/lead.yaml"
    contains "lead: syscalls" "$OUT" "sys            syscalls"
else
    check_rc "lead.yaml loads (no BTF here: some captures left out)" 1 C --dry-run "$T_TMP/lead.yaml"
fi
contains "lead: libc (upstream's regex now matches)" "$OUT" "libc           uprobe"
check_rc "ebpf.yaml.in without its defines: 1" 1 T "$CONFIGS/ebpf.yaml.in" "$T_TMP/ebpf.yaml"
contains "lists the three" "$ERR" "3 placeholders without a value"
check "nothing written" [ ! -e "$T_TMP/ebpf.yaml" ]
printf '//\n' > "$T_TMP/x.bpf.c"
printf '//\n' > "$T_TMP/x.h"
printf '[{"functions": ["openat", "read"]}]\n' > "$T_TMP/p.json"
check_rc "ebpf.yaml.in with its defines" 0 T --define "DATACRUMBS_CUSTOM_PROBE_BPF=$T_TMP/x.bpf.c" \
    --define "DATACRUMBS_CUSTOM_PROBE_DEFINITION=$T_TMP/p.json" \
    --define "DATACRUMBS_CUSTOM_PROBE_PROCESS_HEADER=$T_TMP/x.h" "$CONFIGS/ebpf.yaml.in" "$T_TMP/ebpf.yaml"
check_rc "ebpf.yaml discovers" 0 C --dry-run "$T_TMP/ebpf.yaml"
contains "custom category" "$OUT" "custom1   custom            2"
if [ -f "$FX/libmpi.so" ]; then
    check_rc "mpi.yaml.in with a libmpi" 0 T --define "DATACRUMBS_MPI_LIB=$FX/libmpi.so" "$CONFIGS/mpi.yaml.in" "$T_TMP/mpi.yaml"
    check_rc "mpi.yaml discovers" 0 C --dry-run "$T_TMP/mpi.yaml"
    contains "MPI API" "$OUT" "mpi-api   uprobe            3"
    contains "MPI-IO internals" "$OUT" "mpi-io    uprobe            1"
    check_rc "hdf5.yaml.in renders" 0 T --define "DATACRUMBS_HDF5_LIB=$FX/libmpi.so" "$CONFIGS/hdf5.yaml.in" "$T_TMP/hdf5.yaml"
    check_rc "hdf5.yaml loads (no HDF5 in that library: 3)" 3 C --dry-run "$T_TMP/hdf5.yaml"
    lacks "hdf5.yaml has no host file error" "$ERR" "not loaded"
fi
if T "$CONFIGS/python.yaml.in" "$T_TMP/python.yaml" 2>/dev/null; then
    check_rc "python.yaml (USDT of libpython3) discovers" 0 C --dry-run "$T_TMP/python.yaml"
    contains "function__entry is there" "$(C --dry-run --json "$T_TMP/python.yaml")" '"type": "usdt"'
fi
finish
