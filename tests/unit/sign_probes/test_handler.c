/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_handler.c - one request in, one response out (src/sign_probes/handler.h): dispatch,
 * error codes and ids, and that the checksum is the HMAC of the payload bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "handler.h"
#include "probefile/vector.h"

#define NOW 1800000000

static time_t fixed_clock(void)
{
    return NOW;
}

static enum dc_access always_readable(const struct dc_peer *p, const char *path, char *why,
                                      size_t whylen)
{
    (void)p;
    (void)path;
    (void)why;
    (void)whylen;
    return DC_ACCESS_OK;
}

static struct dc_handler h;
static struct dc_peer me;

static int setup(void **state)
{
    static const char *const names[] = {"__x64_sys_openat", "__x64_sys_read"};

    (void)state;
    memset(&h, 0, sizeof(h));
    h.max_functions = 100;
    h.validity = 86400;
    h.quiet = 1;
    h.clock = fixed_clock;
    h.readable = always_readable;
    if (dc_handler_init(&h, (const unsigned char *)VEC_KEY, 64) < 0)
        return -1;
    dc_handler_set_ksyms(&h, dc_ksyms_from_names(names, 2));
    memset(&me, 0, sizeof(me));
    me.uid = getuid();
    me.gid = getgid();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dc_handler_destroy(&h);
    dc_peer_clear(&me);
    return 0;
}

static char *handle(const char *req)
{
    struct dc_request_input in = {.buf = req, .len = strlen(req)};
    size_t len = 0;
    char *resp = dc_handle_request(&h, &me, &in, &len);

    if (resp)
        assert_int_equal(len, strlen(resp));
    return resp;
}

static void expect(const char *req, const char *needle)
{
    char *resp = handle(req);

    if (!resp || !strstr(resp, needle))
        fail_msg("%s\n  answered %s\n  expected %s", req, resp ? resp : "(nothing)", needle);
    free(resp);
}

/* A sign request for the caller of this test, as a canonical payload. */
static char *sign_request(char **payload_out, size_t *plen)
{
    char iss[32], exp[32];
    json_t *s, *c, *req;
    char *payload, *text;
    size_t len;

    dc_pf_time_format(NOW, iss);
    dc_pf_time_format(NOW + 3600, exp);
    s = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s}", "config_file_path", "/x/host.yaml",
                  "probe_file_path", "/x/p.json.gz", "hostname", "node1", "user", me.user,
                  "install_user", "root", "uid", (json_int_t)me.uid, "issued_at", iss, "expires_at",
                  exp);
    c = json_pack("[{s:i,s:s,s:[s,s]}]", "type", 0, "name", "sys", "functions", "openat", "read");
    assert_int_equal(dc_pf_payload(s, c, &payload, &len), DC_PF_OK);
    req = json_pack("{s:s,s:s,s:s,s:{s:s%}}", "jsonrpc", "2.0", "id", "x/1", "method",
                    "sign_probe_payload", "params", "signing_payload", payload, len);
    text = json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ESCAPE_SLASH);
    json_decref(req);
    json_decref(s);
    json_decref(c);
    *payload_out = payload;
    *plen = len;
    return text;
}

static void test_sign(void **state)
{
    char mac[DC_PF_HEX_LEN + 1], want[200], *payload, *req, *resp;
    size_t plen;

    (void)state;
    assert_int_equal(dc_peer_lookup_user(&me), 0);
    req = sign_request(&payload, &plen);
    resp = handle(req);
    assert_int_equal(dc_pf_hmac_hex(VEC_KEY, 64, payload, plen, mac), 0);
    snprintf(want, sizeof(want),
             "{\"jsonrpc\":\"2.0\",\"id\":\"x\\/1\",\"result\":{\"checksum\":\"%s\"}}", mac);
    assert_string_equal(resp, want);
    free(resp);
    free(req);
    free(payload);
}

static void test_sign_refused(void **state)
{
    char *payload, *req, *resp, *p;
    size_t plen;

    (void)state;
    dc_peer_lookup_user(&me);
    req = sign_request(&payload, &plen);
    /* The peer is someone else than the payload says. */
    me.uid += 1;
    resp = handle(req);
    me.uid -= 1;
    assert_non_null(strstr(resp, "\"code\":-32002"));
    assert_non_null(strstr(resp, "payload validation failed"));
    free(resp);
    /* A symbol the kernel lacks. */
    p = strstr(req, "\\\"read\\\"");
    memcpy(p + 2, "rexd", 4);
    expect(req, "\"code\":-32005");
    free(req);
    free(payload);
}

static void test_status(void **state)
{
    char fpr[DC_PF_FPR_LEN + 1], want[64];

    (void)state;
    assert_int_equal(dc_pf_secret_fingerprint(VEC_KEY, 64, fpr), 0);
    snprintf(want, sizeof(want), "\"key_fingerprint\":\"%s\"", fpr);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}", want);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}", "\"kernel_symbols\":2");
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}", "\"version\":\"");
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":{}}", "\"result\"");
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":[]}", "\"result\"");
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":[1]}", "-32602");
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":{\"a\":1}}", "-32602");
}

static void test_errors(void **state)
{
    (void)state;
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,",
           "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700");
    expect("[]", "\"id\":null,\"error\":{\"code\":-32600");
    expect("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"sign\"}",
           "\"id\":\"a\",\"error\":{\"code\":-32601,\"message\":\"unsupported RPC method "
           "\\\"sign\\\"\"");
    expect("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"report_runtime_probe_state\"}", "-32601");
    expect("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"sign_probe_payload\"}", "-32602");
    expect("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"sign_probe_payload\",\"params\":[\"p\"]}",
           "-32602");
    expect("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"sign_probe_payload\",\"params\":{\"signing_"
           "payload\":1}}",
           "-32602");
    expect("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"sign_probe_payload\",\"params\":"
           "{\"signing_payload\":\"{}\",\"extra\":1}}",
           "-32602");
    expect("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"sign_probe_payload\",\"params\":"
           "{\"signing_payload\":\"{}\"}}",
           "\"id\":4,\"error\":{\"code\":-32001");
}

/* A notification (no id) is not answered, and nothing is signed for it. */
static void test_notification(void **state)
{
    (void)state;
    assert_null(handle("{\"jsonrpc\":\"2.0\",\"method\":\"status\"}"));
    assert_null(handle("{\"jsonrpc\":\"2.0\",\"method\":\"sign_probe_payload\",\"params\":"
                       "{\"signing_payload\":\"{}\"}}"));
}

static void test_refusal(void **state)
{
    size_t len = 0;
    char *resp = dc_handle_refusal(&h, &me, -32011, "too slow", &len);

    (void)state;
    assert_string_equal(resp, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32011,"
                              "\"message\":\"too slow\"}}");
    free(resp);
}

/* The release callback runs once the request is parsed (it frees the connection's buffers). */
static int released;
static void release(void *arg)
{
    (void)arg;
    released++;
}

static void test_release(void **state)
{
    const char *req = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}";
    struct dc_request_input in = {.buf = req, .len = strlen(req), .release = release};
    size_t len;

    (void)state;
    released = 0;
    free(dc_handle_request(&h, &me, &in, &len));
    assert_int_equal(released, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sign_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notification, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
