#!/usr/bin/env bash
# datacrumbs_sign_probes: protocol answers and every policy rule, with real callers (root and
# nobody, identified by SO_PEERCRED). After each refusal the signer must still answer.
. "$(dirname "$0")/lib.sh"

id nobody > /dev/null 2>&1 || skip "no user 'nobody'"
getent group adm > /dev/null || skip "no group 'adm' (the admin_group of this test)"

# Files the payloads name: readable by everyone, and one only root can read.
printf 'capture_probes: []\n' > "$T/host.yaml"
printf 'ELF' > "$T/libpublic.so"
printf 'ELF' > "$T/libprivate.so"
printf 'bpf' > "$T/custom.bpf.c"
printf 'hdr' > "$T/custom.h"
chmod 0644 "$T/host.yaml" "$T/libpublic.so" "$T/custom.bpf.c" "$T/custom.h"
chmod 0600 "$T/libprivate.so"

# template NAME CATEGORIES [SUMMARY_EXTRA]: a request template (summary filled in by the client).
template() {
    cat > "$T/$1.json" <<JSON
{"summary": {"config_file_path": "$T/host.yaml", "probe_file_path": "$T/probes.json.gz" ${3:-}},
 "categories": $2}
JSON
}
SYS='{"type":0,"name":"sys","functions":["openat","read"],"function_arguments":{"read":[{"index":0,"num_bytes":4,"is_pointer":false,"label":"fd","c_type":"unsigned int"}]}}'
UPROBE='{"type":2,"name":"lib","functions":["fopen:0x10","fread"],"binary_path":"'$T'/libpublic.so","include_offsets":true}'
template good "[$SYS, $UPROBE]"

# sign NAME TEMPLATE [client request options] -> answer of a request sent as root
sign_as() {
    local user=$1 tmpl=$2
    shift 2
    as "$user" "$CLIENT" request "$T/$tmpl.json" "$@" > "$T/req.json" || return 1
    as "$user" "$CLIENT" send "$SOCK" "$T/req.json"
}

start_signer

# --- JSON-RPC envelope
r=$(printf '{"jsonrpc":"2.0","id":"s1","method":"status"}' | "$CLIENT" send "$SOCK")
expect_result "status" "$r"
printf '%s' "$r" | grep -q '"version":"' || fail "status has no version: $r"
printf '%s' "$r" | grep -Eq '"key_fingerprint":"[0-9a-f]{16}"' || fail "status fingerprint: $r"
printf '%s' "$r" | grep -q '"id":"s1"' || fail "status id not echoed: $r"

r=$(printf '{"jsonrpc":"2.0","id":1,"method":' | "$CLIENT" send "$SOCK")
expect_code "truncated JSON" -32700 "$r"
printf '%s' "$r" | grep -q '"id":null' || fail "parse error id must be null: $r"
expect_alive "truncated JSON"
r=$(printf 'not json at all' | "$CLIENT" send "$SOCK")
expect_code "garbage" -32700 "$r"
r=$(printf '' | "$CLIENT" send "$SOCK")
expect_code "empty request" -32700 "$r"
r=$(printf '{"jsonrpc":"2.0","id":1,"method":"status"} {}' | "$CLIENT" send "$SOCK")
expect_code "trailing data" -32700 "$r"
r=$(printf '[{"jsonrpc":"2.0","id":1,"method":"status"}]' | "$CLIENT" send "$SOCK")
expect_code "batch" -32600 "$r"
r=$(printf '{"jsonrpc":"1.0","id":2,"method":"status"}' | "$CLIENT" send "$SOCK")
expect_code "jsonrpc 1.0" -32600 "$r"
printf '%s' "$r" | grep -q '"id":2' || fail "invalid request id not echoed: $r"
r=$(printf '{"jsonrpc":"2.0","id":3,"method":"status","extra":1}' | "$CLIENT" send "$SOCK")
expect_code "unknown envelope key" -32600 "$r"
r=$(printf '{"jsonrpc":"2.0","id":4,"id":5,"method":"status"}' | "$CLIENT" send "$SOCK")
expect_code "duplicate key" -32600 "$r"
r=$(printf '{"jsonrpc":"2.0","id":[1],"method":"status"}' | "$CLIENT" send "$SOCK")
expect_code "array id" -32600 "$r"
r=$(printf '{"jsonrpc":"2.0","id":6,"method":7}' | "$CLIENT" send "$SOCK")
expect_code "method not a string" -32600 "$r"
r=$(printf '{"jsonrpc":"2.0","id":7,"method":"x","params":[%s0]}' "$(printf '0,%.0s' $(seq 100))" |
    "$CLIENT" send "$SOCK")
expect_code "envelope with too many values" -32600 "$r"
r=$(printf '{"jsonrpc":"2.0","id":8,"method":"report_runtime_probe_state","params":{}}' |
    "$CLIENT" send "$SOCK")
expect_code "unknown method" -32601 "$r"
r=$(printf '{"jsonrpc":"2.0","id":8,"method":"x\\nFORGED sign_probe_payload uid=0 accepted"}' |
    "$CLIENT" send "$SOCK")
expect_code "unknown method with a newline" -32601 "$r"
grep -q '^FORGED' "$T/signer.log" && fail "a method name forged a log line" ||
    pass "control characters in the log are neutralised"
r=$(printf '{"jsonrpc":"2.0","id":9,"method":"sign_probe_payload","params":{}}' |
    "$CLIENT" send "$SOCK")
expect_code "missing signing_payload" -32602 "$r"
r=$(printf '{"jsonrpc":"2.0","id":10,"method":"sign_probe_payload","params":{"signing_payload":1}}' |
    "$CLIENT" send "$SOCK")
expect_code "signing_payload not a string" -32602 "$r"
r=$(printf '{"jsonrpc":"2.0","id":11,"method":"sign_probe_payload","params":{"signing_payload":"{}","x":1}}' |
    "$CLIENT" send "$SOCK")
expect_code "extra params key" -32602 "$r"
r=$(printf '{"jsonrpc":"2.0","id":12,"method":"status","params":{"a":1}}' | "$CLIENT" send "$SOCK")
expect_code "status with params" -32602 "$r"
r=$(printf '{"jsonrpc":"2.0","method":"status"}' | "$CLIENT" send "$SOCK")
[ -z "$r" ] && pass "notification: no answer" || fail "a notification was answered: $r"
r=$(printf '{"jsonrpc":"2.0","id":13,"method":"sign_probe_payload","params":{"signing_payload":"{\\"summary\\":"}}' |
    "$CLIENT" send "$SOCK")
expect_code "payload not JSON" -32001 "$r"
expect_alive "envelope errors"

# --- a good request, as root and as nobody; the checksum is HMAC-SHA256(secret, payload)
r=$(sign_as root good --payload-out "$T/payload")
expect_result "root signs its own payload" "$r"
want=$(openssl dgst -sha256 -hmac "$(cat "$T/secret")" < "$T/payload" | sed 's/.*= //')
printf '%s' "$r" | grep -q "\"checksum\":\"$want\"" && pass "checksum is the HMAC of the payload" ||
    fail "checksum: want $want, got $r"
chmod 0644 "$T/payload"
r=$(sign_as nobody good)
expect_result "nobody signs its own payload" "$r"
grep -q 'uid=65534 user=nobody pid=[0-9]* method="sign_probe_payload" .* sha256=[0-9a-f]\{64\} accepted' "$T/signer.log" &&
    pass "decision logged with uid, user and sha256" || fail "no accepted log line for nobody"

# --- identity comes from SO_PEERCRED, not from the payload
r=$(sign_as nobody good --user root --uid 0)
expect_code "nobody claiming to be root" -32002 "$r"
r=$(sign_as nobody good --uid 0)
expect_code "uid not the caller" -32002 "$r"
r=$(sign_as root good --user nobody --uid 65534)
expect_code "root claiming to be nobody" -32002 "$r"
grep -q 'uid=65534 user=nobody .* refused (-32002 identity)' "$T/signer.log" &&
    pass "refusal logged with the reason" || fail "no refusal log line"
expect_alive "identity refusals"

# --- paths are checked as the caller
template private "[{\"type\":2,\"name\":\"p\",\"functions\":[\"f\"],\"binary_path\":\"$T/libprivate.so\",\"include_offsets\":false}]"
r=$(sign_as nobody private)
expect_code "nobody naming a root-only file" -32003 "$r"
r=$(sign_as root private)
expect_result "root naming the same file" "$r"
mkdir -m 0700 "$T/closed"
cp "$T/libpublic.so" "$T/closed/lib.so"
chmod 0644 "$T/closed/lib.so"
template closed "[{\"type\":2,\"name\":\"p\",\"functions\":[\"f\"],\"binary_path\":\"$T/closed/lib.so\",\"include_offsets\":false}]"
r=$(sign_as nobody closed)
expect_code "a 0644 file in a 0700 root directory (mode bits would say yes)" -32003 "$r"
template missing "[{\"type\":2,\"name\":\"p\",\"functions\":[\"f\"],\"binary_path\":\"$T/nonexistent.so\",\"include_offsets\":false}]"
r=$(sign_as nobody missing)
expect_code "missing binary" -32003 "$r"
template dir "[{\"type\":2,\"name\":\"p\",\"functions\":[\"f\"],\"binary_path\":\"$T\",\"include_offsets\":false}]"
r=$(sign_as root dir)
expect_code "a directory as binary" -32003 "$r"
template dotdot "[{\"type\":2,\"name\":\"p\",\"functions\":[\"f\"],\"binary_path\":\"$T/closed/../libpublic.so\",\"include_offsets\":false}]"
r=$(sign_as nobody dotdot)
expect_code "a .. component" -32001 "$r"
template procself "[{\"type\":2,\"name\":\"p\",\"functions\":[\"f\"],\"binary_path\":\"/proc/self/exe\",\"include_offsets\":false}]"
r=$(sign_as nobody procself)
expect_code "a /proc path" -32001 "$r"
cat > "$T/privcfg.json" <<JSON
{"summary": {"config_file_path": "$T/libprivate.so", "probe_file_path": "$T/p.json.gz"},
 "categories": [$UPROBE]}
JSON
r=$(sign_as nobody privcfg)
expect_code "config file not readable by the caller" -32003 "$r"
expect_alive "path refusals"

# --- exact schema
template unknown_sum "[$SYS]" ', "key_id": "k1"'
r=$(sign_as nobody unknown_sum)
expect_code "unknown summary key" -32001 "$r"
template unknown_cat "[{\"type\":0,\"name\":\"sys\",\"functions\":[\"read\"],\"color\":\"red\"}]"
r=$(sign_as nobody unknown_cat)
expect_code "unknown category key" -32001 "$r"
template unknown_arg "[{\"type\":0,\"name\":\"sys\",\"functions\":[\"read\"],\"function_arguments\":{\"read\":[{\"index\":0,\"num_bytes\":4,\"is_pointer\":false,\"label\":\"fd\",\"c_type\":\"int\",\"deref\":true}]}}]"
r=$(sign_as nobody unknown_arg)
expect_code "unknown argument spec key" -32001 "$r"
template missing_key '[{"type":2,"name":"lib","functions":["f"]}]'
r=$(sign_as nobody missing_key)
expect_code "uprobe without binary_path" -32001 "$r"
template bad_type '[{"type":9,"name":"x","functions":["f"]}]'
r=$(sign_as nobody bad_type)
expect_code "type out of range" -32001 "$r"
template float '[{"type":0.5,"name":"x","functions":["read"]}]'
r=$(sign_as nobody float)
expect_code "a non-integer number" -32001 "$r"
template empty_fns '[{"type":0,"name":"x","functions":[]}]'
r=$(sign_as nobody empty_fns)
expect_code "empty functions" -32001 "$r"
template order '[{"name":"sys","type":0,"functions":["read"]}]'
r=$(sign_as nobody order)
expect_code "keys out of order" -32001 "$r"
template ctrl '[{"type":0,"name":"a\tb","functions":["read"]}]'
r=$(sign_as nobody ctrl)
expect_code "control character" -32001 "$r"
r=$(sign_as nobody good --pretty)
expect_code "payload not in canonical form" -32001 "$r"
template nouser "[$SYS]" ', "user": null'
r=$(sign_as nobody nouser)
expect_code "summary without user" -32001 "$r"
expect_alive "schema refusals"

# --- validity window
r=$(sign_as nobody good --issued 600)
expect_code "issued in the future" -32006 "$r"
r=$(sign_as nobody good --issued -600)
expect_code "issued in the past" -32006 "$r"
r=$(sign_as nobody good --expires -10)
expect_code "already expired" -32006 "$r"
r=$(sign_as nobody good --expires 90000)
expect_code "longer than probe_validity (1d)" -32006 "$r"
r=$(sign_as nobody good --expires 86400)
expect_result "exactly probe_validity" "$r"

# --- function limit (max_runtime_functions = 100; custom probes are not counted)
fns=$(seq -f '"f%g"' 1 101 | paste -sd,)
template many "[{\"type\":2,\"name\":\"lib\",\"functions\":[$fns],\"binary_path\":\"$T/libpublic.so\",\"include_offsets\":false}]"
r=$(sign_as nobody many)
expect_code "101 functions over a limit of 100" -32004 "$r"
fns=$(seq -f '"f%g"' 1 100 | paste -sd,)
template hundred "[{\"type\":2,\"name\":\"lib\",\"functions\":[$fns],\"binary_path\":\"$T/libpublic.so\",\"include_offsets\":false}]"
r=$(sign_as nobody hundred)
expect_result "100 functions" "$r"

# --- kernel symbols
template nosym '[{"type":1,"name":"k","functions":["vfs_read","dc_no_such_function_xyz"]}]'
r=$(sign_as nobody nosym)
expect_code "unknown kprobe symbol" -32005 "$r"
template nosys '[{"type":0,"name":"s","functions":["openat","dc_no_such_syscall"]}]'
r=$(sign_as nobody nosys)
expect_code "unknown syscall" -32005 "$r"
if grep -q ' [Tt] vfs_read$' /proc/kallsyms; then
    template kp '[{"type":1,"name":"k","functions":["vfs_read"]}]'
    r=$(sign_as nobody kp)
    expect_result "existing kprobe symbol" "$r"
fi

# --- custom probes: admin_group members only (group membership from SO_PEERGROUPS)
template custom "[{\"type\":4,\"name\":\"c\",\"functions\":[\"e1\"],\"bpf_path\":\"$T/custom.bpf.c\",\"start_event_id\":100000,\"process_header\":\"$T/custom.h\",\"event_type\":1}]"
r=$(sign_as nobody custom)
expect_code "custom probe from a non-member" -32007 "$r"
"$CLIENT" request "$T/custom.json" --user nobody --uid 65534 > "$T/req.json"
r=$(setpriv --reuid=nobody --regid=nogroup --groups=adm -- "$CLIENT" send "$SOCK" "$T/req.json")
expect_result "custom probe from a member of admin_group" "$r"

# --- several errors are all reported
template multi '[{"type":0,"name":"s","functions":["dc_nope1"]},{"type":1,"name":"k","functions":["dc_nope2"],"x":1}]'
r=$(sign_as nobody multi --user root)
printf '%s' "$r" | grep -q '(4 error(s))' && pass "all errors reported" ||
    fail "expected 4 errors: $r"
expect_alive "all policy refusals"

# --- SIGHUP reloads the kernel function names
stop_signer
printf 'ffffffff81000000 T vfs_read\nffffffff81000010 t __x64_sys_openat\nffffffff81000020 D some_data\n' \
    > "$T/kallsyms"
start_signer --kallsyms "$T/kallsyms"
r=$(printf '{"jsonrpc":"2.0","id":1,"method":"status"}' | "$CLIENT" send "$SOCK")
printf '%s' "$r" | grep -q '"kernel_symbols":2' && pass "--kallsyms file" || fail "kallsyms: $r"
template hup '[{"type":1,"name":"k","functions":["dc_hup_func"]}]'
r=$(sign_as nobody hup)
expect_code "symbol not yet in the list" -32005 "$r"
printf 'ffffffff81000030 T dc_hup_func [dcmod]\n' >> "$T/kallsyms"
kill -HUP "$SIGNER_PID"
for _ in $(seq 200); do
    r=$(printf '{"jsonrpc":"2.0","id":1,"method":"status"}' | "$CLIENT" send "$SOCK")
    printf '%s' "$r" | grep -q '"kernel_symbols":3' && break
    sleep 0.1
done
printf '%s' "$r" | grep -q '"kernel_symbols":3' && pass "SIGHUP reload" || fail "after SIGHUP: $r"
r=$(sign_as nobody hup)
expect_result "symbol after the reload" "$r"

# --- SIGTERM: clean exit, socket removed
kill -TERM "$SIGNER_PID"
wait "$SIGNER_PID"
rc=$?
SIGNER_PID=
[ "$rc" = 0 ] && pass "exit 0 on SIGTERM" || fail "exit status $rc on SIGTERM"
[ -e "$SOCK" ] && fail "socket left behind" || pass "socket removed on exit"

finish
