/* SPDX-License-Identifier: BSD-3-Clause */
/* test_canon.c - the signer's canonical JSON parser (src/sign_probes/canon.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "canon.h"
#include "jsonscan.h"
#include "probefile/vector.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_ESCAPE_SLASH | JSON_PRESERVE_ORDER)

/* Accepted, and jansson dumps the value back to the same bytes. */
static void accepts(const char *text)
{
    struct dc_canon_error err;
    json_t *v = dc_canon_parse(text, strlen(text), 1000, &err);
    char *again;

    if (!v)
        fail_msg("refused %s: %s at %zu", text, err.reason, err.offset);
    again = json_dumps(v, DUMP_FLAGS);
    assert_non_null(again);
    assert_string_equal(again, text);
    free(again);
    json_decref(v);
}

/* Refused as not canonical at byte offset at (-1: any offset). */
static void refuses(const char *text, long at)
{
    struct dc_canon_error err;
    json_t *v = dc_canon_parse(text, strlen(text), 1000, &err);

    if (v)
        fail_msg("accepted %s", text);
    assert_int_equal(err.result, DC_CANON_INVALID);
    assert_non_null(err.reason);
    if (at >= 0 && (long)err.offset != at)
        fail_msg("%s: offset %zu (%s), want %ld", text, err.offset, err.reason, at);
}

static void test_vector(void **state)
{
    (void)state;
    accepts(VEC_PAYLOAD);
}

static void test_values(void **state)
{
    (void)state;
    accepts("{}");
    accepts("[]");
    accepts("[{},[],\"\",0,-1,true,false,null]");
    accepts("{\"a\":{\"b\":[1,2,{\"c\":null}]},\"\":\"\"}");
    accepts("[9223372036854775807,-9223372036854775808]");
    accepts("[\"\\\"q\\\\ \\/x\\/\"]");
    accepts("[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"]");
    accepts("{\"k\\/ey\\\"\":1}");
}

static void test_long_key(void **state)
{
    char text[2048];
    char key[1000];

    (void)state;
    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    snprintf(text, sizeof(text), "{\"%s\":\"v\",\"%s\\/\":[\"\\/\"]}", key, key);
    accepts(text);
}

static void test_not_canonical(void **state)
{
    (void)state;
    refuses("{ }", 1);
    refuses("{\"a\": 1}", 5);
    refuses("[1 ]", 2);
    refuses(" []", 0);
    refuses("[]\n", 2);
    refuses("[\"a/b\"]", 3);
    refuses("[\"a\\nb\"]", 3);
    refuses("[\"\\u0041\"]", 2);
    refuses("[\"\\t\"]", 2);
    refuses("[\"a\tb\"]", 3);
    refuses("[\"a\nb\"]", 3);
    refuses("[1.0]", 1);
    refuses("[1e3]", 1);
    refuses("[1E3]", 1);
    refuses("[01]", 1);
    refuses("[-0]", 1);
    refuses("[-]", 1);
    refuses("[+1]", 1);
    refuses("[9223372036854775808]", 1);
    refuses("[-9223372036854775809]", 1);
    refuses("[99999999999999999999]", 1);
}

static void test_not_json(void **state)
{
    (void)state;
    refuses("", 0);
    refuses("1", 0);
    refuses("\"s\"", 0);
    refuses("null", 0);
    refuses("[", 1);
    refuses("[1,", 3);
    refuses("[1,]", 3);
    refuses("{\"a\"}", 4);
    refuses("{\"a\":}", 5);
    refuses("{1:2}", 1);
    refuses("{\"a\":1,}", 7);
    refuses("[\"abc", 1);
    refuses("[\"abc\\", 5);
    refuses("[tru]", 1);
    refuses("[nul]", 1);
    refuses("[falsey]", 6);
    refuses("[]]", 2);
    refuses("{}{}", 2);
    refuses("[x]", 1);
}

static void test_utf8(void **state)
{
    (void)state;
    refuses("[\"\x80\"]", 2);             /* continuation byte first */
    refuses("[\"\xc0\xaf\"]", 2);         /* overlong '/' */
    refuses("[\"\xe0\x80\xaf\"]", 2);     /* overlong, 3 bytes */
    refuses("[\"\xed\xa0\x80\"]", 2);     /* surrogate U+D800 */
    refuses("[\"\xf4\x90\x80\x80\"]", 2); /* past U+10FFFF */
    refuses("[\"\xf5\x80\x80\x80\"]", 2);
    refuses("[\"\xc3\"]", 2); /* truncated before the quote */
    refuses("[\"\xe2\x82\"]", 2);
    refuses("[\"\xff\"]", 2);
    refuses("{\"\xc3\":1}", 2); /* keys too */
}

static void test_nul_byte(void **state)
{
    static const char text[] = "[\"a\0b\"]";
    struct dc_canon_error err;

    (void)state;
    assert_null(dc_canon_parse(text, sizeof(text) - 1, 100, &err));
    assert_int_equal(err.result, DC_CANON_INVALID);
    assert_int_equal(err.offset, 3);
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    refuses("{\"a\":1,\"a\":2}", -1);
    refuses("{\"a\\/\":1,\"a\\/\":2}", -1);
    accepts("{\"a\":{\"a\":1},\"b\":{\"a\":2}}");
}

static void test_depth(void **state)
{
    char deep[2 * DC_CANON_MAX_DEPTH + 8];
    size_t n = 0;

    (void)state;
    for (int i = 0; i < DC_CANON_MAX_DEPTH; i++)
        deep[n++] = '[';
    for (int i = 0; i < DC_CANON_MAX_DEPTH; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    accepts(deep);
    memmove(deep + 1, deep, n + 1);
    deep[0] = '[';
    deep[n + 1] = ']';
    deep[n + 2] = '\0';
    refuses(deep, DC_CANON_MAX_DEPTH);
}

static void test_too_many(void **state)
{
    struct dc_canon_error err;
    const char *text = "[1,2,3,4]";
    json_t *v;

    (void)state;
    v = dc_canon_parse(text, strlen(text), 5, &err);
    assert_non_null(v);
    json_decref(v);
    assert_null(dc_canon_parse(text, strlen(text), 4, &err));
    assert_int_equal(err.result, DC_CANON_TOO_MANY);
}

/* Bytes after len are not read: the request buffer is not NUL-terminated. */
static void test_length_bound(void **state)
{
    const char text[] = "[\"abc\"]trailing";
    struct dc_canon_error err;
    json_t *v;

    (void)state;
    v = dc_canon_parse(text, 7, 10, &err);
    assert_non_null(v);
    json_decref(v);
    assert_null(dc_canon_parse(text, 5, 10, &err));
    assert_int_equal(err.result, DC_CANON_INVALID);
}

static void test_jsonscan(void **state)
{
    struct dc_jsonscan s = {0};
    const char *a = "{\"a,[{\":[1,2,{\"b\\\"\":3}]";

    (void)state;
    /* Commas and brackets inside strings (with an escaped quote) do not count. */
    dc_jsonscan_feed(&s, a, strlen(a));
    assert_int_equal(s.values, 5);
    /* Fed in two pieces, split inside an escape: the same count. */
    memset(&s, 0, sizeof(s));
    dc_jsonscan_feed(&s, a, 17);
    dc_jsonscan_feed(&s, a + 17, strlen(a) - 17);
    assert_int_equal(s.values, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector),       cmocka_unit_test(test_values),
        cmocka_unit_test(test_long_key),     cmocka_unit_test(test_not_canonical),
        cmocka_unit_test(test_not_json),     cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_nul_byte),     cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_depth),        cmocka_unit_test(test_too_many),
        cmocka_unit_test(test_length_bound), cmocka_unit_test(test_jsonscan),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
