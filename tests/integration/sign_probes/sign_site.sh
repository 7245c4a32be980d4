#!/usr/bin/env bash
# datacrumbs_sign_probes keeps to the site's probe policy: a string capture the policy does
# not allow (the shadow-reading attack: a char * of any libc function) is refused naming the
# entry, an allowed one is signed; return probes on C++ functions that throw are refused.
. "$(dirname "$0")/lib.sh"

printf 'x\n' >"$T/host.yaml"
printf 'ELF' >"$T/libc.so.6"
chmod 0644 "$T/host.yaml" "$T/libc.so.6"
cp "$SRC/etc/datacrumbs/probe-policy" "$T/probe-policy"
chmod 0644 "$T/probe-policy"
echo "probe_policy = $T/probe-policy" >>"$T/datacrumbs.conf"
spec() { printf '{"index":%s,"num_bytes":128,"is_pointer":true,"label":"%s","c_type":"const char *"}' "$1" "$2"; }
req() { # req NAME CATEGORIES
    printf '{"summary": {"config_file_path": "%s", "probe_file_path": "%s/p.json.gz"}, "categories": %s}' \
        "$T/host.yaml" "$T" "$2" >"$T/$1.json"
    as nobody "$CLIENT" request "$T/$1.json" >"$T/req-$1.json"
    as nobody "$CLIENT" send "$SOCK" "$T/req-$1.json"
}
start_signer

r=$(req shadow "[{\"type\":2,\"name\":\"c\",\"functions\":[\"_nss_files_parse_spent\"],\"function_arguments\":{\"_nss_files_parse_spent\":[$(spec 0 line)]},\"binary_path\":\"$T/libc.so.6\",\"include_offsets\":false}]")
expect_code "a string capture the policy does not allow" -32009 "$r"
printf '%s' "$r" | grep -q 'argument 0 (line, const char \*) of _nss_files_parse_spent' &&
    pass "the refusal names argument, function and binary" || fail "refusal text: $r"
r=$(req open "[{\"type\":2,\"name\":\"c\",\"functions\":[\"open\"],\"function_arguments\":{\"open\":[$(spec 0 path)]},\"binary_path\":\"$T/libc.so.6\",\"include_offsets\":false}]")
expect_result "the path name of open is allowed" "$r"
r=$(req rd "[{\"type\":2,\"name\":\"c\",\"functions\":[\"read\"],\"function_arguments\":{\"read\":[$(spec 1 buf)]},\"binary_path\":\"$T/libc.so.6\",\"include_offsets\":false}]")
expect_code "buffer contents of read are not" -32009 "$r"
r=$(req throw "[{\"type\":2,\"name\":\"cxx\",\"functions\":[\"_ZSt24__throw_out_of_range_fmtPKcz\"],\"binary_path\":\"$T/libc.so.6\",\"include_offsets\":false}]")
expect_code "a return probe on std::__throw_out_of_range_fmt" -32008 "$r"
r=$(req mangled "[{\"type\":2,\"name\":\"cxx\",\"functions\":[\"_ZN3app5solveEv\"],\"binary_path\":\"$T/libc.so.6\",\"include_offsets\":false}]")
expect_code "a return probe on a C++ function" -32008 "$r"
r=$(req jmp "[{\"type\":2,\"name\":\"c\",\"functions\":[\"siglongjmp\"],\"binary_path\":\"$T/libc.so.6\",\"include_offsets\":false}]")
expect_code "a return probe on siglongjmp" -32008 "$r"
r=$(req entry "[{\"type\":2,\"name\":\"cxx\",\"functions\":[],\"binary_path\":\"$T/libc.so.6\",\"include_offsets\":false,\"entry_functions\":[\"_ZSt24__throw_out_of_range_fmtPKcz\",\"siglongjmp\"]}]")
expect_result "the same as entry probes only" "$r"
grep -q 'uid=65534 user=nobody .* refused (-32009 capture denied)' "$T/signer.log" &&
    pass "refusals logged" || fail "no capture refusal logged"
finish
