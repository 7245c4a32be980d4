/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rpc.c - the JSON-RPC 2.0 envelope of the signer (src/sign_probes/rpc.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rpc.h"

/* Parse text; returns the code and leaves the request in *rq (caller frees). */
static int parse(const char *text, struct dc_rpc_request *rq, char *msg, size_t msglen)
{
    return dc_rpc_parse(text, strlen(text), rq, msg, msglen);
}

static void expect(const char *text, int code)
{
    struct dc_rpc_request rq;
    char msg[512] = "";
    int got = parse(text, &rq, msg, sizeof(msg));

    if (got != code)
        fail_msg("%s: code %d (%s), want %d", text, got, msg, code);
    if (code != 0 && !msg[0])
        fail_msg("%s: no message", text);
    dc_rpc_request_free(&rq);
}

static void test_valid(void **state)
{
    struct dc_rpc_request rq;
    char msg[256];

    (void)state;
    /* Canonical (fast parser) and pretty (jansson) give the same request. */
    static const char *const texts[] = {
        "{\"jsonrpc\":\"2.0\",\"id\":\"a\\/b\",\"method\":\"sign_probe_payload\","
        "\"params\":{\"signing_payload\":\"{\\\"x\\\":1}\"}}",
        "{ \"jsonrpc\": \"2.0\", \"id\": \"a/b\", \"method\": \"sign_probe_payload\",\n"
        "  \"params\": {\"signing_payload\": \"{\\\"x\\\":1}\"} }",
        "{\"jsonrpc\":\"2.0\",\"id\":\"a\\u002fb\",\"method\":\"sign_probe_payload\","
        "\"params\":{\"signing_payload\":\"{\\\"x\\\":1}\"}}",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        assert_int_equal(parse(texts[i], &rq, msg, sizeof(msg)), 0);
        assert_string_equal(json_string_value(rq.id), "a/b");
        assert_string_equal(rq.method, "sign_probe_payload");
        assert_string_equal(json_string_value(json_object_get(rq.params, "signing_payload")),
                            "{\"x\":1}");
        dc_rpc_request_free(&rq);
    }
    expect("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"status\"}", 0);
    expect("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"status\"}", 0);
    expect("{\"jsonrpc\":\"2.0\",\"method\":\"status\",\"params\":[]}", 0);
    expect("{\"method\":\"status\",\"id\":1,\"jsonrpc\":\"2.0\"}", 0);
}

static void test_parse_errors(void **state)
{
    struct dc_rpc_request rq;
    char msg[256];

    (void)state;
    expect("", DC_RPC_PARSE_ERROR);
    expect("not json", DC_RPC_PARSE_ERROR);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", DC_RPC_PARSE_ERROR);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"} {}", DC_RPC_PARSE_ERROR);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"st\xff\"}", DC_RPC_PARSE_ERROR);
    /* A parse error answers with a null id, even if an id was readable. */
    assert_int_equal(parse("{\"id\":5,", &rq, msg, sizeof(msg)), DC_RPC_PARSE_ERROR);
    assert_null(rq.id);
    assert_non_null(strstr(msg, "failed to parse"));
    dc_rpc_request_free(&rq);
}

static void test_invalid_requests(void **state)
{
    struct dc_rpc_request rq;
    char msg[256];
    char id[400];

    (void)state;
    expect("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\"}]", DC_RPC_INVALID_REQUEST);
    expect("[]", DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"status\"}", DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\":2,\"id\":1,\"method\":\"status\"}", DC_RPC_INVALID_REQUEST);
    expect("{\"id\":1,\"method\":\"status\"}", DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1}", DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\"}", DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}", DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"status\"}", DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"status\"}", DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"status\"}", DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"status\"}", DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"params\":1}",
           DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"status\",\"extra\":1}",
           DC_RPC_INVALID_REQUEST);
    /* Duplicate keys, canonical or not. */
    expect("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"status\"}", DC_RPC_INVALID_REQUEST);
    expect("{\"jsonrpc\": \"2.0\", \"id\": 1, \"id\": 2, \"method\": \"status\"}",
           DC_RPC_INVALID_REQUEST);
    /* An id we cannot echo safely is refused, not truncated. */
    memset(id, 'i', 300);
    id[300] = '\0';
    {
        char text[600];

        snprintf(text, sizeof(text), "{\"jsonrpc\":\"2.0\",\"id\":\"%s\",\"method\":\"status\"}",
                 id);
        expect(text, DC_RPC_INVALID_REQUEST);
    }
    /* The id of an invalid request is still echoed when it is valid itself. */
    assert_int_equal(
        parse("{\"jsonrpc\":\"1.0\",\"id\":42,\"method\":\"status\"}", &rq, msg, sizeof(msg)),
        DC_RPC_INVALID_REQUEST);
    assert_int_equal(json_integer_value(rq.id), 42);
    dc_rpc_request_free(&rq);
}

/* More than DC_RPC_MAX_VALUES values: refused before jansson builds them, in either form. */
static void test_value_limit(void **state)
{
    char text[1024];
    size_t n;

    (void)state;
    n = (size_t)snprintf(text, sizeof(text),
                         "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\","
                         "\"params\":[");
    for (int i = 0; i < DC_RPC_MAX_VALUES; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s0", i ? "," : "");
    snprintf(text + n, sizeof(text) - n, "]}");
    expect(text, DC_RPC_INVALID_REQUEST);
    n = (size_t)snprintf(text, sizeof(text), "{\"jsonrpc\": \"2.0\", \"params\": [");
    for (int i = 0; i < DC_RPC_MAX_VALUES; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s0", i ? ", " : "");
    snprintf(text + n, sizeof(text) - n, "]");
    /* Not even valid JSON: the count comes first. */
    expect(text, DC_RPC_INVALID_REQUEST);
}

static void test_responses(void **state)
{
    json_t *sid = json_string("a/b"), *iid = json_integer(3);
    size_t len = 0;
    char *r;

    (void)state;
    r = dc_rpc_result(sid, json_pack("{s:s}", "checksum", "00"), &len);
    assert_string_equal(r,
                        "{\"jsonrpc\":\"2.0\",\"id\":\"a\\/b\",\"result\":{\"checksum\":\"00\"}}");
    assert_int_equal(len, strlen(r));
    free(r);
    r = dc_rpc_error(NULL, DC_RPC_PARSE_ERROR, "bad", &len);
    assert_string_equal(r, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                           "\"message\":\"bad\"}}");
    free(r);
    /* Messages quote user data: invalid UTF-8 is replaced, never a reason to lose the answer. */
    r = dc_rpc_error(iid, DC_RPC_IDENTITY, "user \"\xc3\" \xff ok \xe2\x82\xac", &len);
    assert_non_null(r);
    assert_non_null(strstr(r, "\"id\":3"));
    assert_non_null(strstr(r, "\"code\":-32002"));
    assert_non_null(strstr(r, "user \\\"?\\\" ? ok \xe2\x82\xac"));
    free(r);
    /* Overlong or surrogate sequences pass the cleaner's simple test: the code survives. */
    r = dc_rpc_error(iid, DC_RPC_IDENTITY, "\xed\xa0\x80", &len);
    assert_non_null(r);
    assert_non_null(strstr(r, "\"message\":\"identity\""));
    free(r);
    json_decref(sid);
    json_decref(iid);
}

static void test_code_names(void **state)
{
    static const int codes[] = {
        DC_RPC_PARSE_ERROR,    DC_RPC_INVALID_REQUEST, DC_RPC_METHOD_NOT_FOUND,
        DC_RPC_INVALID_PARAMS, DC_RPC_INTERNAL_ERROR,  DC_RPC_PAYLOAD_INVALID,
        DC_RPC_IDENTITY,       DC_RPC_PATH_DENIED,     DC_RPC_TOO_MANY_FUNCTIONS,
        DC_RPC_UNKNOWN_SYMBOL, DC_RPC_VALIDITY,        DC_RPC_NOT_ADMIN,
        DC_RPC_TOO_LARGE,      DC_RPC_TIMEOUT,         DC_RPC_BUSY,
    };

    (void)state;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        assert_string_not_equal(dc_rpc_code_name(codes[i]), "error");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(dc_rpc_code_name(codes[i]), dc_rpc_code_name(codes[j]));
    }
    assert_string_equal(dc_rpc_code_name(1), "error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_invalid_requests),
        cmocka_unit_test(test_value_limit),
        cmocka_unit_test(test_responses),
        cmocka_unit_test(test_code_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
