/* SPDX-License-Identifier: BSD-3-Clause */
/* test_payload.c - the canonical signing payload and the HMAC, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "probefile/probefile.h"
#include "vector.h"

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &e);

    if (!j)
        fail_msg("bad test JSON: %s", e.text);
    return j;
}

/* The payload of {"summary":S,"categories":C} given as JSON text. */
static enum dc_pf_status payload_of(const char *s, const char *c, char **out, size_t *len)
{
    json_t *js = load(s), *jc = load(c);
    enum dc_pf_status st = dc_pf_payload(js, jc, out, len);

    json_decref(js);
    json_decref(jc);
    return st;
}

static void test_vector_from_document(void **state)
{
    struct dc_probefile pf;
    char *detail = NULL, *payload = NULL, mac[DC_PF_HEX_LEN + 1];
    size_t len;

    assert_int_equal(dc_pf_parse(VEC_DOC, strlen(VEC_DOC), &pf, &detail), DC_PF_OK);
    assert_null(detail);
    assert_int_equal(dc_pf_payload(pf.summary, pf.categories, &payload, &len), DC_PF_OK);
    assert_int_equal(len, 594);
    assert_int_equal(strlen(VEC_PAYLOAD), 594);
    assert_memory_equal(payload, VEC_PAYLOAD, 594);
    assert_int_equal(dc_pf_hmac_hex(VEC_KEY, 64, payload, len, mac), 0);
    assert_string_equal(mac, VEC_MAC);
    assert_string_equal(pf.checksum, VEC_MAC);
    assert_int_equal(dc_pf_verify(&pf, VEC_KEY, 64, 0), DC_PF_OK);
    assert_int_equal(dc_pf_sign(pf.summary, pf.categories, VEC_KEY, 64, mac), DC_PF_OK);
    assert_string_equal(mac, VEC_MAC);
    free(payload);
    dc_pf_free(&pf);
}

static void test_vector_payload_round_trip(void **state)
{
    json_t *s = NULL, *c = NULL;
    char *detail = NULL, *again = NULL;
    size_t len;

    assert_int_equal(dc_pf_payload_parse(VEC_PAYLOAD, 594, &s, &c, &detail), DC_PF_OK);
    assert_int_equal(dc_pf_payload(s, c, &again, &len), DC_PF_OK);
    assert_int_equal(len, 594);
    assert_memory_equal(again, VEC_PAYLOAD, 594);
    free(again);
    json_decref(s);
    json_decref(c);
}

static void test_hmac_known_answer(void **state)
{
    /* RFC 4231 test case 2. */
    char mac[DC_PF_HEX_LEN + 1];

    assert_int_equal(dc_pf_hmac_hex("Jefe", 4, "what do ya want for nothing?", 28, mac), 0);
    assert_string_equal(mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void test_escapes(void **state)
{
    char *p = NULL;
    size_t len;
    /* '/' escaped, '\' and '"' escaped, non-ASCII and DEL raw, \u escapes decoded raw. */
    const char *s = "{\"p\":\"a/b\\\\c\\\"d\",\"u\":\"\\u00e9\xc3\xa9\x7f\",\"e\":{},\"n\":null,"
                    "\"t\":true,\"i\":-9223372036854775807}";
    const char *want = "{\"summary\":{\"p\":\"a\\/b\\\\c\\\"d\",\"u\":\"\xc3\xa9\xc3\xa9\x7f\","
                       "\"e\":{},\"n\":null,\"t\":true,\"i\":-9223372036854775807},"
                       "\"categories\":[],\"checksum_algorithm\":\"hmac-sha256\"}";

    assert_int_equal(payload_of(s, "[]", &p, &len), DC_PF_OK);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(p, want, len);
    free(p);
}

static void test_key_order_is_kept(void **state)
{
    char *p = NULL;
    size_t len;
    const char *want = "{\"summary\":{\"z\":1,\"a\":2,\"m\":3},\"categories\":[{\"b\":[],\"a\":0}]"
                       ",\"checksum_algorithm\":\"hmac-sha256\"}";

    assert_int_equal(
        payload_of("{ \"z\" : 1,\n \"a\":2, \"m\":3 }", "[ {\"b\":[ ], \"a\":0} ]", &p, &len),
        DC_PF_OK);
    assert_memory_equal(p, want, len);
    assert_int_equal(len, strlen(want));
    free(p);
}

static void test_control_characters_refused(void **state)
{
    static const char *const bad[] = {
        "{\"a\":\"x\\ny\"}",   "{\"a\":\"\\t\"}",          "{\"a\":\"\\u0001\"}",
        "{\"a\\b\":1}",        "{\"a\":[\"ok\",\"\\r\"]}", "{\"a\":{\"b\":\"\\f\"}}",
        "{\"a\":\"\\u001f\"}",
    };
    char *p = NULL;
    size_t len;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(payload_of(bad[i], "[]", &p, &len), DC_PF_ERR_CONTROL);
        assert_null(p);
    }
}

static void test_nul_refused(void **state)
{
    json_t *s = json_object(), *c = json_array();
    char *p = NULL;
    size_t len;

    json_object_set_new(s, "a", json_stringn("x\0y", 3));
    assert_int_equal(dc_pf_payload(s, c, &p, &len), DC_PF_ERR_CONTROL);
    assert_null(p);
    json_decref(s);
    json_decref(c);
}

static void test_reals_refused(void **state)
{
    char *p = NULL;
    size_t len;

    assert_int_equal(payload_of("{\"a\":1.0}", "[]", &p, &len), DC_PF_ERR_SCHEMA);
    assert_int_equal(payload_of("{}", "[{\"a\":[1e3]}]", &p, &len), DC_PF_ERR_SCHEMA);
    assert_null(p);
}

static void test_wrong_types_refused(void **state)
{
    json_t *a = json_array(), *o = json_object();
    char *p = NULL;
    size_t len;

    assert_int_equal(dc_pf_payload(a, a, &p, &len), DC_PF_ERR_SCHEMA);
    assert_int_equal(dc_pf_payload(o, o, &p, &len), DC_PF_ERR_SCHEMA);
    json_decref(a);
    json_decref(o);
}

static void test_invalid_utf8_refused(void **state)
{
    json_t *s = json_object(), *c = json_array();
    char *p = NULL;
    size_t len;

    /* jansson's parser refuses it; a program could still build such a string. */
    json_object_set_new(s, "a", json_stringn_nocheck("\xc3(", 2));
    assert_int_equal(dc_pf_payload(s, c, &p, &len), DC_PF_ERR_SCHEMA);
    json_object_set_new(s, "a", json_stringn_nocheck("\xed\xa0\x80", 3)); /* a surrogate */
    assert_int_equal(dc_pf_payload(s, c, &p, &len), DC_PF_ERR_SCHEMA);
    json_object_set_new(s, "a", json_stringn_nocheck("\xc0\xaf", 2)); /* overlong '/' */
    assert_int_equal(dc_pf_payload(s, c, &p, &len), DC_PF_ERR_SCHEMA);
    json_object_set_new(s, "a", json_stringn_nocheck("\xf0\x9f\x98\x80", 4)); /* fine */
    assert_int_equal(dc_pf_payload(s, c, &p, &len), DC_PF_OK);
    free(p);
    json_decref(s);
    json_decref(c);
}

static void test_payload_parse_refuses_non_canonical(void **state)
{
    static const char *const bad[] = {
        /* whitespace */
        "{\"summary\":{}, \"categories\":[],\"checksum_algorithm\":\"hmac-sha256\"}",
        /* '/' not escaped */
        "{\"summary\":{\"p\":\"/x\"},\"categories\":[],\"checksum_algorithm\":\"hmac-sha256\"}",
        /* \u escape that canonical form writes raw */
        "{\"summary\":{\"p\":\"\\u0041\"},\"categories\":[],\"checksum_algorithm\":"
        "\"hmac-sha256\"}",
        /* wrong order */
        "{\"categories\":[],\"summary\":{},\"checksum_algorithm\":\"hmac-sha256\"}",
        /* trailing newline */
        "{\"summary\":{},\"categories\":[],\"checksum_algorithm\":\"hmac-sha256\"}\n",
    };
    json_t *s, *c;
    char *detail = NULL;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(dc_pf_payload_parse(bad[i], strlen(bad[i]), &s, &c, &detail),
                         DC_PF_ERR_SCHEMA);
        assert_non_null(detail);
        assert_null(s);
        free(detail);
        detail = NULL;
    }
    {
        const char *sha1 =
            "{\"summary\":{},\"categories\":[],\"checksum_algorithm\":\"hmac-sha1\"}";

        assert_int_equal(dc_pf_payload_parse(sha1, strlen(sha1), &s, &c, &detail),
                         DC_PF_ERR_ALGORITHM);
    }
    free(detail);
}

static void test_mac_equal(void **state)
{
    char other[DC_PF_HEX_LEN + 1];

    assert_true(dc_pf_mac_equal(VEC_MAC, VEC_MAC));
    memcpy(other, VEC_MAC, sizeof(other));
    other[63] = other[63] == '4' ? '5' : '4';
    assert_false(dc_pf_mac_equal(VEC_MAC, other));
    memcpy(other, VEC_MAC, sizeof(other));
    other[0] = 'A' + (other[0] - 'a'); /* uppercase is not our form */
    assert_false(dc_pf_mac_equal(other, other));
    assert_false(dc_pf_mac_equal("", ""));
    assert_false(dc_pf_mac_equal(VEC_MAC "0", VEC_MAC "0"));
    assert_true(dc_pf_is_hex64(VEC_MAC));
    assert_false(dc_pf_is_hex64(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_from_document),
        cmocka_unit_test(test_vector_payload_round_trip),
        cmocka_unit_test(test_hmac_known_answer),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_key_order_is_kept),
        cmocka_unit_test(test_control_characters_refused),
        cmocka_unit_test(test_nul_refused),
        cmocka_unit_test(test_reals_refused),
        cmocka_unit_test(test_wrong_types_refused),
        cmocka_unit_test(test_invalid_utf8_refused),
        cmocka_unit_test(test_payload_parse_refuses_non_canonical),
        cmocka_unit_test(test_mac_equal),
    };

    return cmocka_run_group_tests_name("probefile payload", tests, NULL, NULL);
}
