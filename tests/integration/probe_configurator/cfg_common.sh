# cfg_common.sh - shared by the probe configurator tests (sourced after lib.sh).
# Sets CFG (the configurator), TPL (configure_template), FX (the unit tests' fixtures) and
# writes $T_TMP/dc.conf, a system configuration of our own.
CFG=$BUILD/src/probe_configurator/datacrumbs_probe_configurator
TPL=$BUILD/src/configure_template/datacrumbs_configure_template
FX=$BUILD/tests/unit/probe_configurator/fixtures
CONFIGS=$SRC/etc/datacrumbs/configs
[ -x "$CFG" ] || skip_all "$CFG is not built"

# conf [key = value lines]: write $T_TMP/dc.conf with a private signer socket.
conf() {
    {
        echo "signer_socket = $T_TMP/run/sign.sock"
        echo "secret_file = $T_TMP/etc/probe-secret"
        for l in "$@"; do echo "$l"; done
    } > "$T_TMP/dc.conf"
}
conf
mkdir -p "$T_TMP/run" "$T_TMP/etc"

# The categories of a probe file, as its bytes: what must be the same on every run.
categories_of() {
    zcat "$1" | sed -n '/^  "categories": \[/,/^  "checksum_algorithm"/p'
}

have_btf() { [ -r /sys/kernel/btf/vmlinux ]; }
