# shellcheck shell=bash
# nodes-lib.sh - "compute nodes" on one host for the multi-node tests and benchmarks: each node
# is a network + UTS namespace with its own hostname, address and key-only sshd; a "head"
# namespace holds the bridge and is where users run datacrumbs_run/datacrumbs_stop. The test
# user, /etc/hosts and the sudoers policy exist only in a private mount namespace, so nothing
# of the host changes: the root network namespace gets no address, route or link, and every
# mount disappears with the namespace.
#
#   nl_reexec_private "$0" "$@"   first thing in a script: re-run it in a private mount ns
#   nl_missing BUILD              prints why the setup cannot work here ("" when it can)
#   nl_setup BUILD DIR COUNT      user, keys, head, COUNT nodes (node1..nodeCOUNT), sshd each
#   nl_as_user CMD...             run CMD as the test user in the head namespace
#   nl_on_node I CMD...           run CMD (as root) in node I's namespaces
#   nl_sshd_stop I / nl_sshd_start I
#   nl_teardown                   stop everything nl_setup started (by pid)
# Node I has its configuration in $NL_DIR/nodeI/datacrumbs.conf, service_manager = direct and
# the real runtime, and runs node control through sshd's ForceCommand, which accepts only the
# fixed remote command of datacrumbs_run and runs it through sudo with the node's --config.
# NL_RUNTIME (set before nl_setup) replaces the runtime, e.g. with the tests' stub.

NL_NET=10.77.0            # inside the private namespaces only
NL_PIDS=""                # holders and sshds, killed by pid in nl_teardown

nl_reexec_private() {
    local script=$1
    shift
    if [ -z "${NL_PRIVATE_MOUNTS:-}" ]; then
        [ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (namespaces, sshd, sudo)"; exit 77; }
        command -v unshare >/dev/null || { echo "1..0 # SKIP unshare(1) is missing"; exit 77; }
        NL_PRIVATE_MOUNTS=1 exec unshare --mount --propagation private bash "$script" "$@"
    fi
}

nl_missing() {
    local b=$1 t
    for t in ip sshd ssh ssh-keygen sudo nsenter setpriv; do
        command -v "$t" >/dev/null 2>&1 ||
            { echo "$t is missing (apt-get install openssh-server openssh-client sudo iproute2)"; return; }
    done
    for t in src/nodectl/datacrumbs_nodectl src/run/datacrumbs_run src/stop/datacrumbs_stop \
        src/secret/datacrumbs_secret src/wrap/datacrumbs_wrap src/client/libdatacrumbs_client.so.0; do
        [ -e "$b/$t" ] || { echo "$b/$t is not built"; return; }
    done
    [ -x "$b/src/runtime/datacrumbs" ] && [ -x "$b/src/runtime/dc_rt_mkprobe" ] ||
        { echo "the real runtime is not built (needs clang, bpftool, libbpf; DC_WITH_RUNTIME)"; return; }
    unshare --net sh -c 'ip link add b0 type bridge && ip link add v0 type veth peer name v1' \
        2>/dev/null || { echo "cannot create network namespaces with bridges and veths here"; return; }
}

# A holder process pinning fresh network and UTS namespaces; its pid in NL_LAST.
nl_holder() {
    local n
    unshare --net --uts sleep 100000 </dev/null >/dev/null 2>&1 &
    NL_LAST=$!
    NL_PIDS="$NL_PIDS $!"
    # Until it has exec'ed sleep in its own namespaces, nsenter would enter ours (the host's).
    for n in $(seq 1 200); do
        if [ "$(cat "/proc/$NL_LAST/comm" 2>/dev/null)" = sleep ] &&
            [ "$(readlink "/proc/$NL_LAST/ns/net")" != "$(readlink /proc/$$/ns/net)" ] &&
            [ "$(readlink "/proc/$NL_LAST/ns/uts")" != "$(readlink /proc/$$/ns/uts)" ]; then
            return 0
        fi
        sleep 0.01
    done
    echo "# namespace holder $NL_LAST did not come up"
    return 1
}

nl_setup() {
    NL_BUILD=$(cd "$1" && pwd)
    NL_DIR=$2
    NL_COUNT=$3
    NL_USER=dcnl$$
    NL_UID=$((60000 + $$ % 5000))
    while getent passwd "$NL_UID" >/dev/null || getent group "$NL_UID" >/dev/null; do
        NL_UID=$((NL_UID + 1))
    done
    NL_HOME=$NL_DIR/home
    NL_NODECTL=$NL_BUILD/src/nodectl/datacrumbs_nodectl
    NL_LIBEXEC=$(sed -n 's/^#define DC_LIBEXECDIR "\(.*\)"$/\1/p' "$NL_BUILD/generated/dc_config.h")
    chmod 0755 "$NL_DIR"
    mkdir -p "$NL_DIR/etc" "$NL_HOME/.ssh"

    # The user, its host names and its sudo rule, visible in this mount namespace only: an
    # overlay on /etc whose upper layer holds the changed files. (Its root takes the upper
    # directory's mode, 0755: some hosts keep /etc 0700, where no user could log in.)
    local E=$NL_DIR/etc
    mkdir -p "$NL_DIR/etc-work"
    chmod 0755 "$E"
    cp /etc/passwd /etc/group /etc/shadow "$E/"
    echo "$NL_USER:x:$NL_UID:$NL_UID:datacrumbs test user:$NL_HOME:/bin/sh" >>"$E/passwd"
    echo "$NL_USER:x:$NL_UID:" >>"$E/group"
    echo "$NL_USER:*:19000:0:99999:7:::" >>"$E/shadow"
    { cat /etc/hosts; for i in $(seq 1 "$NL_COUNT"); do echo "$NL_NET.$((10 + i)) node$i"; done; } \
        >"$E/hosts"
    {
        echo "Defaults env_reset"
        echo "Defaults !lecture"
        echo "root ALL=(ALL:ALL) ALL"
        echo "Defaults!$NL_NODECTL !requiretty"
        for i in $(seq 1 "$NL_COUNT"); do
            echo "$NL_USER ALL=(root) NOPASSWD: $NL_NODECTL --config $NL_DIR/node$i/datacrumbs.conf --stdin"
        done
    } >"$E/sudoers"
    chmod 0644 "$E/passwd" "$E/group" "$E/hosts"
    chmod 0640 "$E/shadow"
    chmod 0440 "$E/sudoers"
    mount -t overlay dcnl-etc -o "lowerdir=/etc,upperdir=$E,workdir=$NL_DIR/etc-work" /etc || return 1
    # sshd's privilege separation directory; /run is a fresh tmpfs in this namespace only.
    mount -t tmpfs -o mode=0755 dcnl-run /run || return 1
    mkdir -m 0755 /run/sshd

    # Keys: one host key for every node, one user key; the user trusts node*.
    ssh-keygen -q -t ed25519 -N '' -f "$NL_DIR/hostkey" -C nodes || return 1
    ssh-keygen -q -t ed25519 -N '' -f "$NL_HOME/.ssh/id_ed25519" -C "$NL_USER" || return 1
    echo "node* $(cut -d' ' -f1,2 "$NL_DIR/hostkey.pub")" >"$NL_HOME/.ssh/known_hosts"
    printf 'Host node*\n  StrictHostKeyChecking yes\n  CheckHostIP no\n  LogLevel ERROR\n' \
        >"$NL_HOME/.ssh/config"
    mkdir -p "$NL_DIR/authorized_keys"
    cp "$NL_HOME/.ssh/id_ed25519.pub" "$NL_DIR/authorized_keys/$NL_USER"
    chown -R "$NL_UID:$NL_UID" "$NL_HOME"
    chmod 0755 "$NL_HOME"
    chmod 0700 "$NL_HOME/.ssh"

    # The secret every node shares, and the user's signed probe file.
    mkdir -p "$NL_DIR/node0/etc"
    chmod 0755 "$NL_DIR/node0" "$NL_DIR/node0/etc"
    nl_write_conf 0
    "$NL_BUILD/src/secret/datacrumbs_secret" --config "$NL_DIR/node0/datacrumbs.conf" create \
        >/dev/null || return 1
    NL_PROBE=$NL_HOME/probes.json.gz
    "$NL_BUILD/src/runtime/dc_rt_mkprobe" --secret "$NL_DIR/node0/etc/secret" --out "$NL_PROBE" \
        --user "$NL_USER" --uid "$NL_UID" --valid 3600 \
        --syscalls io:openat,read,write,close >/dev/null || return 1
    chown "$NL_UID:$NL_UID" "$NL_PROBE"
    chmod 0600 "$NL_PROBE"

    # The head: a bridge, an address, the loopback.
    nl_holder || return 1
    NL_HEAD=$NL_LAST
    nsenter -t "$NL_HEAD" -n sh -c "ip link set lo up && ip link add br0 type bridge &&
        ip link set br0 up && ip addr add $NL_NET.1/24 dev br0" || return 1
    nsenter -t "$NL_HEAD" -u hostname head
    for i in $(seq 1 "$NL_COUNT"); do nl_node "$i" || return 1; done
    for i in $(seq 1 "$NL_COUNT"); do nl_wait_sshd "$i" || return 1; done
}

# nl_write_conf I: node I's datacrumbs.conf and directories.
nl_write_conf() {
    local d=$NL_DIR/node$1
    mkdir -p "$d/etc" "$d/run" "$d/log" "$d/traces"
    chmod 0755 "$d" "$d/etc" "$d/run" "$d/log" "$d/traces"
    # run_dir on a tmpfs, as /run/datacrumbs is on a node (this mount namespace only).
    mountpoint -q "$d/run" || mount -t tmpfs -o mode=0755,size=64m "dcnl-node$1" "$d/run"
    cat >"$d/datacrumbs.conf" <<EOF
secret_file = $d/etc/secret
run_dir = $d/run
log_dir = $d/log
trace_dir = $d/traces
client_lib = $NL_BUILD/src/client/libdatacrumbs_client.so.0
runtime_daemon = ${NL_RUNTIME:-$NL_BUILD/src/runtime/datacrumbs}
service_manager = direct
scheduler = none
ready_timeout = 60
stop_timeout = 30
EOF
}

nl_node() {
    local i=$1 d=$NL_DIR/node$1 pid
    nl_write_conf "$i"
    cp -p "$NL_DIR/node0/etc/secret" "$d/etc/secret"
    # The only command the node's sshd runs: node control's fixed remote command, nothing else.
    cat >"$d/shim" <<EOF
#!/bin/sh
if [ "\$SSH_ORIGINAL_COMMAND" != "sudo -n $NL_LIBEXEC/datacrumbs_nodectl --stdin" ]; then
    echo "node$i: refused remote command: \$SSH_ORIGINAL_COMMAND" >&2
    exit 97
fi
exec sudo -n $NL_NODECTL --config $d/datacrumbs.conf --stdin
EOF
    chmod 0755 "$d/shim"
    cat >"$d/sshd_config" <<EOF
ListenAddress $NL_NET.$((10 + i))
HostKey $NL_DIR/hostkey
PidFile none
AuthorizedKeysFile $NL_DIR/authorized_keys/%u
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $NL_USER
ForceCommand $d/shim
X11Forwarding no
AllowAgentForwarding no
AllowTcpForwarding no
PermitTTY no
PrintMotd no
MaxStartups 200
LogLevel INFO
EOF
    nl_holder || return 1
    pid=$NL_LAST
    eval "NL_NODE_$i=$pid"
    nsenter -t "$pid" -u hostname "node$i"
    nsenter -t "$NL_HEAD" -n ip link add "v$i" type veth peer name eth0 netns "$pid" || return 1
    nsenter -t "$NL_HEAD" -n sh -c "ip link set v$i master br0 && ip link set v$i up" || return 1
    nsenter -t "$pid" -n sh -c "ip link set lo up && ip addr add $NL_NET.$((10 + i))/24 dev eth0 &&
        ip link set eth0 up" || return 1
    nl_sshd_start "$i"
}

nl_node_pid() { eval "echo \$NL_NODE_$1"; }

nl_sshd_start() {
    local i=$1
    nsenter -t "$(nl_node_pid "$i")" -n -u /usr/sbin/sshd -D -f "$NL_DIR/node$i/sshd_config" \
        -E "$NL_DIR/node$i/sshd.log" </dev/null &
    eval "NL_SSHD_$i=$!"
    NL_PIDS="$NL_PIDS $!"
}

nl_wait_sshd() {
    local i=$1
    for _ in $(seq 1 100); do
        nsenter -t "$NL_HEAD" -n bash -c "exec 3<>/dev/tcp/$NL_NET.$((10 + i))/22" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "# sshd of node$i did not come up:" && sed 's/^/#   /' "$NL_DIR/node$i/sshd.log"
    return 1
}

nl_sshd_stop() {
    local p
    p=$(eval "echo \${NL_SSHD_$1:-}")
    case $p in '' | *[!0-9]*) return 0 ;; esac
    [ "$p" -gt 1 ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    eval "NL_SSHD_$1="
}

nl_as_user() {
    nsenter -t "$NL_HEAD" -n setpriv --reuid "$NL_UID" --regid "$NL_UID" --init-groups \
        env -i PATH=/usr/bin:/bin HOME="$NL_HOME" USER="$NL_USER" LOGNAME="$NL_USER" LC_ALL=C "$@"
}

nl_on_node() {
    local i=$1
    shift
    nsenter -t "$(nl_node_pid "$i")" -n -u "$@"
}

# Runtimes that node control left running (pid files of our nodes, checked to be our runtime).
nl_kill_runtimes() {
    local pf p exe
    exe=$(readlink -f "$NL_BUILD/src/runtime/datacrumbs")
    for pf in "$NL_DIR"/node*/run/*.pid; do
        [ -f "$pf" ] || continue
        p=$(cat "$pf" 2>/dev/null)
        case $p in '' | *[!0-9]*) continue ;; esac
        [ "$p" -gt 1 ] && [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$exe" ] && kill -TERM "$p"
    done
}

nl_teardown() {
    local p
    [ -n "${NL_DIR:-}" ] && nl_kill_runtimes
    for p in $NL_PIDS; do
        case $p in '' | *[!0-9]*) continue ;; esac
        [ "$p" -gt 1 ] && kill "$p" 2>/dev/null
    done
    for p in $NL_PIDS; do
        case $p in '' | *[!0-9]*) continue ;; esac
        [ "$p" -gt 1 ] && wait "$p" 2>/dev/null
    done
    NL_PIDS=""
    # The run dirs' tmpfs mounts, so that the directory can be removed.
    for p in "${NL_DIR:-/nonexistent}"/node*/run; do
        mountpoint -q "$p" && umount -l "$p"
    done
}
