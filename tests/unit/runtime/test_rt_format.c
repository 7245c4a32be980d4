/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rt_format.c - trace lines: escaping, numbers, argument types, malformed records. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/format.h"

static char *esc(const char *s, size_t n)
{
    static char out[RT_ESC_MAX(256) + 1];
    size_t len = rt_json_escape(out, s, n);

    out[len] = '\0';
    return out;
}

static void test_escape(void **state)
{
    assert_string_equal(esc("plain /path", 11), "plain /path");
    assert_string_equal(esc("a\"b\\c", 5), "a\\\"b\\\\c");
    assert_string_equal(esc("\n\t\r\x01\x1f\x7f", 6), "\\n\\t\\r\\u0001\\u001f\\u007f");
    assert_string_equal(esc("caf\xc3\xa9", 5), "caf\xc3\xa9");           /* valid UTF-8 */
    assert_string_equal(esc("\xe2\x82\xac", 3), "\xe2\x82\xac");         /* euro sign */
    assert_string_equal(esc("\xf0\x9f\x98\x80", 4), "\xf0\x9f\x98\x80"); /* emoji */
    assert_string_equal(esc("a\xff"
                            "b",
                            3),
                        "a\\u00ffb");                                     /* not UTF-8 */
    assert_string_equal(esc("\xc3", 1), "\\u00c3");                       /* truncated */
    assert_string_equal(esc("\xc0\xaf", 2), "\\u00c0\\u00af");            /* overlong */
    assert_string_equal(esc("\xed\xa0\x80", 3), "\\u00ed\\u00a0\\u0080"); /* surrogate */
    assert_string_equal(esc("x\0y", 3), "x\\u0000y");
}

static void test_numbers(void **state)
{
    char b[32];

    b[rt_fmt_u64(b, 0)] = '\0';
    assert_string_equal(b, "0");
    b[rt_fmt_u64(b, UINT64_MAX)] = '\0';
    assert_string_equal(b, "18446744073709551615");
    b[rt_fmt_i64(b, INT64_MIN)] = '\0';
    assert_string_equal(b, "-9223372036854775808");
    b[rt_fmt_i64(b, -100)] = '\0';
    assert_string_equal(b, "-100");
    b[rt_fmt_hex(b, 0)] = '\0';
    assert_string_equal(b, "0x0");
    b[rt_fmt_hex(b, 0x7ffdeadbeef0ULL)] = '\0';
    assert_string_equal(b, "0x7ffdeadbeef0");
}

/* A plan of one function built from JSON, the way the daemon builds it. */
static void make_plan(struct rt_plan *p, const char *categories)
{
    char err[256];
    json_t *c = json_loads(categories, 0, NULL);

    assert_non_null(c);
    assert_int_equal(rt_plan_build(p, c, err, sizeof(err)), 0);
    json_decref(c);
}

static json_t *format_one(struct rt_plan *p, const void *rec, size_t size)
{
    struct rt_fmt f = {.plan = p, .clock_offset_ns = 1000000000LL, .seq = 7};
    char *line = malloc(p->max_line);
    size_t n;
    json_t *j;

    assert_non_null(line);
    n = rt_format_event(&f, rec, size, line);
    assert_true(n > 0 && n <= p->max_line);
    assert_int_equal(line[n - 1], '\n');
    assert_null(memchr(line, '\n', n - 1)); /* exactly one line */
    j = json_loadb(line, n, JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(j);
    assert_int_equal(f.seq, 8);
    free(line);
    return j;
}

static void test_event_line(void **state)
{
    struct rt_plan p;
    struct dc_event_str es;
    json_t *j, *args;

    make_plan(
        &p,
        "[{\"type\":0,\"name\":\"sys\",\"functions\":[\"openat\"],"
        "\"function_arguments\":{\"openat\":["
        "{\"index\":0,\"num_bytes\":4,\"is_pointer\":false,\"label\":\"dfd\",\"c_type\":\"int\"},"
        "{\"index\":1,\"num_bytes\":64,\"is_pointer\":true,\"label\":\"filename\","
        "\"c_type\":\"const char *\"},"
        "{\"index\":2,\"num_bytes\":4,\"is_pointer\":false,\"label\":\"flags\",\"c_type\":\"int\"},"
        "{\"index\":3,\"num_bytes\":2,\"is_pointer\":false,\"label\":\"mode\",\"c_type\":\"umode_"
        "t\"}]}}]");
    memset(&es, 0, sizeof(es));
    es.ev.ts = 5000000; /* 5 ms after boot */
    es.ev.dur = 1001;   /* 1.001 us rounds up to 2 */
    es.ev.pid = 42;
    es.ev.tid = 43;
    es.ev.id = 1;
    es.ev.flags = DC_EV_STRINGS;
    es.ev.ret = -2;
    es.ev.args[0] = (uint64_t)-100;
    es.ev.args[1] = 0x7fff0000;
    es.ev.args[2] = 0x80000;
    es.ev.args[3] = 0x101a4; /* only 2 bytes count */
    strcpy(es.str[0], "/tmp/\"quoted\"\n");
    es.slen[0] = (int)strlen(es.str[0]) + 1;
    j = format_one(&p, &es, sizeof(es));
    assert_int_equal(json_integer_value(json_object_get(j, "id")), 7);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "openat");
    assert_string_equal(json_string_value(json_object_get(j, "cat")), "sys");
    assert_string_equal(json_string_value(json_object_get(j, "ph")), "X");
    assert_int_equal(json_integer_value(json_object_get(j, "ts")), 1005000);
    assert_int_equal(json_integer_value(json_object_get(j, "dur")), 2);
    assert_int_equal(json_integer_value(json_object_get(j, "pid")), 42);
    assert_int_equal(json_integer_value(json_object_get(j, "tid")), 43);
    args = json_object_get(j, "args");
    assert_int_equal(json_integer_value(json_object_get(args, "dfd")), -100);
    assert_string_equal(json_string_value(json_object_get(args, "filename")), "/tmp/\"quoted\"\n");
    assert_int_equal(json_integer_value(json_object_get(args, "flags")), 0x80000);
    /* Without O_CREAT or O_TMPFILE the mode is no argument: left out, as strace does. */
    assert_null(json_object_get(args, "mode"));
    assert_int_equal(json_integer_value(json_object_get(args, "ret")), -2);
    assert_null(json_object_get(j, "unfinished"));
    json_decref(j);
    es.ev.args[2] = 0x80000 | O_CREAT;
    j = format_one(&p, &es, sizeof(es));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "args"), "mode")),
                     0x1a4);
    json_decref(j);
    es.ev.args[2] = O_TMPFILE | O_RDWR;
    j = format_one(&p, &es, sizeof(es));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "args"), "mode")),
                     0x1a4);
    json_decref(j);
    /* A call in flight at the stop: marked, and no return value. */
    es.ev.flags |= DC_EV_UNFINISHED;
    j = format_one(&p, &es, sizeof(es));
    assert_true(json_is_true(json_object_get(j, "unfinished")));
    assert_null(json_object_get(json_object_get(j, "args"), "ret"));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "args"), "dfd")), -100);
    json_decref(j);
    es.ev.flags &= ~(uint32_t)DC_EV_UNFINISHED;
    es.ev.args[2] = 0x80000;

    /* An unreadable string is shown as its pointer. */
    es.slen[0] = -14;
    j = format_one(&p, &es, sizeof(es));
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "args"), "filename")),
                        "0x7fff0000");
    json_decref(j);
    /* A string filling the whole buffer without its NUL stays inside it. */
    memset(es.str[0], 'x', DC_STR_LEN);
    es.slen[0] = DC_STR_LEN + 50;
    j = format_one(&p, &es, sizeof(es));
    assert_int_equal(
        strlen(json_string_value(json_object_get(json_object_get(j, "args"), "filename"))),
        DC_STR_MAX);
    assert_null(json_object_get(json_object_get(j, "args"), "filename.cut"));
    json_decref(j);
    /* A cut string says so; bytes that are not UTF-8 are U+FFFD, and the bytes follow in hex. */
    strcpy(es.str[0], "/tmp/a\xff\xc3\xa9"
                      "b");
    es.slen[0] = (int)strlen(es.str[0]) + 1;
    es.cut = 1;
    j = format_one(&p, &es, sizeof(es));
    args = json_object_get(j, "args");
    assert_string_equal(json_string_value(json_object_get(args, "filename")),
                        "/tmp/a\xef\xbf\xbd\xc3\xa9"
                        "b");
    assert_true(json_is_true(json_object_get(args, "filename.cut")));
    assert_string_equal(json_string_value(json_object_get(args, "filename.hex")),
                        "2f746d702f61ffc3a962");
    json_decref(j);
    /* Valid UTF-8 (U+00FF written as text) has no hex form: the two are told apart. */
    strcpy(es.str[0], "\xc3\xbf");
    es.slen[0] = 3;
    es.cut = 0;
    j = format_one(&p, &es, sizeof(es));
    args = json_object_get(j, "args");
    assert_string_equal(json_string_value(json_object_get(args, "filename")), "\xc3\xbf");
    assert_null(json_object_get(args, "filename.hex"));
    assert_null(json_object_get(args, "filename.cut"));
    json_decref(j);
    rt_plan_free(&p);
}

/* A buffer of a read-like call holds what the call returned, NUL bytes too. */
/* An unsigned 64-bit value above INT64_MAX ((size_t)-1) is written as the same bits, negative:
 * a JSON reader with 64-bit integers (jansson, the trace tools) must read every event. */
static void test_big_unsigned(void **state)
{
    struct rt_plan p;
    struct dc_event_str es;
    json_t *j, *args;

    (void)state;
    make_plan(&p, "[{\"type\":0,\"name\":\"sys\",\"functions\":[\"lseek\"],"
                  "\"function_arguments\":{\"lseek\":["
                  "{\"index\":1,\"num_bytes\":8,\"is_pointer\":false,\"label\":\"n\","
                  "\"c_type\":\"size_t\"},"
                  "{\"index\":2,\"num_bytes\":8,\"is_pointer\":false,\"label\":\"m\","
                  "\"c_type\":\"size_t\"}]}}]");
    memset(&es, 0, sizeof(es));
    es.ev.pid = es.ev.tid = 7;
    es.ev.id = 1;
    es.ev.args[1] = UINT64_MAX;
    es.ev.args[2] = (uint64_t)INT64_MAX;
    j = format_one(&p, &es, sizeof(es));
    assert_non_null(j);
    args = json_object_get(j, "args");
    assert_int_equal(json_integer_value(json_object_get(args, "n")), -1);
    assert_true(json_integer_value(json_object_get(args, "m")) == INT64_MAX);
    json_decref(j);
    rt_plan_free(&p);
}

static void test_counted_buffer(void **state)
{
    struct rt_plan p;
    struct dc_event_str es;
    json_t *j, *args;

    make_plan(&p, "[{\"type\":0,\"name\":\"sys\",\"functions\":[\"read\"],"
                  "\"function_arguments\":{\"read\":["
                  "{\"index\":0,\"num_bytes\":4,\"is_pointer\":false,\"label\":\"fd\","
                  "\"c_type\":\"int\"},"
                  "{\"index\":1,\"num_bytes\":4,\"is_pointer\":true,\"label\":\"buf\","
                  "\"c_type\":\"char *\"}]}}]");
    memset(&es, 0, sizeof(es));
    es.ev.id = 1;
    es.ev.flags = DC_EV_STRINGS;
    es.ev.ret = 9;
    memcpy(es.str[0],
           "a\0"
           "b\x80",
           4);
    es.slen[0] = 5;
    es.cut = 1; /* 9 returned, 4 shown */
    j = format_one(&p, &es, sizeof(es));
    args = json_object_get(j, "args");
    assert_int_equal(json_string_length(json_object_get(args, "buf")), 6); /* a \0 b U+FFFD */
    assert_memory_equal(json_string_value(json_object_get(args, "buf")),
                        "a\0"
                        "b\xef\xbf\xbd",
                        6);
    assert_string_equal(json_string_value(json_object_get(args, "buf.hex")), "61006280");
    assert_true(json_is_true(json_object_get(args, "buf.cut")));
    json_decref(j);
    rt_plan_free(&p);
}

static void test_malformed(void **state)
{
    struct rt_plan p;
    struct rt_fmt f;
    struct dc_event e;
    char line[4096];

    make_plan(&p, "[{\"type\":0,\"name\":\"sys\",\"functions\":[\"read\"]}]");
    f = (struct rt_fmt){.plan = &p};
    memset(&e, 0, sizeof(e));
    e.id = 1;
    assert_int_equal(rt_format_event(&f, &e, sizeof(e) - 1, line), 0); /* short */
    e.id = 0;
    assert_int_equal(rt_format_event(&f, &e, sizeof(e), line), 0); /* no function 0 */
    e.id = 2;
    assert_int_equal(rt_format_event(&f, &e, sizeof(e), line), 0); /* past the plan */
    e.id = 1;
    e.flags = DC_EV_STRINGS; /* claims strings, too short for them */
    assert_int_equal(rt_format_event(&f, &e, sizeof(e), line), 0);
    e.flags = 0;
    assert_true(rt_format_event(&f, &e, sizeof(e), line) > 0);
    rt_plan_free(&p);
}

static void test_hostile_names(void **state)
{
    struct rt_plan p;
    struct dc_event e;
    json_t *j;

    /* Names and labels come from the (signed) file: quotes and backslashes are escaped, and a
     * label "ret" replaces the return value key. */
    make_plan(
        &p,
        "[{\"type\":0,\"name\":\"c\\\"at\\\\\",\"functions\":[\"re\\\"ad\"],"
        "\"function_arguments\":{\"re\\\"ad\":["
        "{\"index\":0,\"num_bytes\":8,\"is_pointer\":false,\"label\":\"ret\",\"c_type\":\"long\"},"
        "{\"index\":1,\"num_bytes\":8,\"is_pointer\":false,\"label\":\"ret\",\"c_type\":\"long\"},"
        "{\"index\":2,\"num_bytes\":8,\"is_pointer\":false,\"label\":\"\\u00e9\\\"\",\"c_type\":"
        "\"size_t\"}]}}]");
    memset(&e, 0, sizeof(e));
    e.id = 1;
    e.args[0] = 5;
    e.args[2] = 1ULL << 40;
    e.ret = 99;
    j = format_one(&p, &e, sizeof(e));
    assert_string_equal(json_string_value(json_object_get(j, "name")), "re\"ad");
    assert_string_equal(json_string_value(json_object_get(j, "cat")), "c\"at\\");
    assert_int_equal(json_object_size(json_object_get(j, "args")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "args"), "ret")), 5);
    json_decref(j);
    rt_plan_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_event_line),    cmocka_unit_test(test_counted_buffer),
        cmocka_unit_test(test_big_unsigned),  cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_hostile_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
