/* SPDX-License-Identifier: BSD-3-Clause */
/* test_trace_reader.c - the event parser and the streaming reader, each error with its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "testutil.h"
#include "trace/reader.h"

static int parse(const char *s, struct tr_event *ev, const char **why)
{
    *why = NULL;
    return tr_parse_event(s, strlen(s), ev, why);
}

static void test_parse_runtime_line(void **state)
{
    const char *s =
        "{\"id\":7,\"name\":\"write\",\"cat\":\"libc\",\"ph\":\"X\",\"ts\":1765000000123456,"
        "\"dur\":12,\"pid\":4242,\"tid\":4243,\"args\":{\"fd\":1,\"buf\":\"0x7ffc00\","
        "\"n\":4096,\"ret\":-1}}";
    struct tr_event ev;
    const char *why;
    uint64_t p;

    (void)state;
    assert_int_equal(parse(s, &ev, &why), 0);
    assert_int_equal(ev.id, 7);
    assert_int_equal(ev.ph, 'X');
    assert_int_equal(ev.ts, 1765000000123456ull);
    assert_int_equal(ev.dur, 12);
    assert_int_equal(ev.pid, 4242);
    assert_int_equal(ev.tid, 4243);
    assert_int_equal(ev.name_len, 5);
    assert_memory_equal(ev.name, "write", 5);
    assert_memory_equal(ev.cat, "libc", 4);
    assert_true(ev.has_ret);
    assert_int_equal(ev.ret, -1);
    assert_int_equal(ev.nargs, 3); /* ret is taken out */
    assert_int_equal(ev.args[0].type, TR_V_NUM);
    assert_int_equal(ev.args[0].num, 1);
    assert_true(tr_arg_hex(&ev.args[1], &p));
    assert_int_equal(p, 0x7ffc00);
    assert_false(tr_arg_hex(&ev.args[0], &p));
    /* Offsets merge rewrites. */
    assert_memory_equal(s + ev.id_off, "7", ev.id_len);
    assert_memory_equal(s + ev.pid_off, "4242", ev.pid_len);
    assert_memory_equal(s + ev.tid_off, "4243", ev.tid_len);
}

static void test_parse_strings_and_unescape(void **state)
{
    const char *s =
        "{ \"name\" : \"open\" , \"cat\":\"sys\",\"ph\":\"X\",\"ts\":1,\"dur\":0,\"pid\":1,"
        "\"tid\":1,\"extra\":[1,{\"a\":null},true],\"args\":{\"file\":\"/tmp/a\\\"b\\\\c"
        "\\u00e9\\ud83d\\ude00\\n\",\"x\":{\"nested\":[]},\"f\":1.5e3}}";
    struct tr_event ev;
    const char *why;
    char out[64];
    size_t n;

    (void)state;
    assert_int_equal(parse(s, &ev, &why), 0);
    assert_int_equal(ev.nargs, 3);
    assert_int_equal(ev.args[0].type, TR_V_STR);
    n = tr_unescape(ev.args[0].val, ev.args[0].vlen, out);
    assert_int_equal(n, strlen("/tmp/a\"b\\c\xc3\xa9\xf0\x9f\x98\x80\n"));
    assert_memory_equal(out, "/tmp/a\"b\\c\xc3\xa9\xf0\x9f\x98\x80\n", n);
    assert_int_equal(ev.args[1].type, TR_V_OTHER);
    assert_int_equal(ev.args[2].type, TR_V_NUM);
    assert_int_equal(ev.args[2].num, 1);
    assert_false(ev.has_id);
}

static void test_parse_errors(void **state)
{
    static const struct {
        const char *line, *why;
    } bad[] = {
        {"not json", "not a JSON object"},
        {"{\"name\":\"a\"", "not valid JSON"},
        {"{\"name\":\"a\",}", "not valid JSON"},
        {"{\"name\":\"a\\q\",\"ph\":\"X\"}", "not valid JSON"},
        {"{\"name\":\"a\x01\",\"ph\":\"X\"}", "not valid JSON"},
        {"{\"name\":\"r\",\"cat\":\"c\",\"ph\":\"X\",\"ts\":1,\"dur\":1,\"pid\":1,\"tid\":1} x",
         "not valid JSON"},
        {"{\"name\":1,\"ph\":\"X\"}", "\"name\", \"cat\" and \"ph\" must be strings"},
        {"{\"name\":\"r\",\"cat\":\"c\",\"ph\":\"X\",\"ts\":\"1\"}",
         "\"id\", \"ts\", \"dur\", \"pid\" and \"tid\" must be numbers"},
        {"{\"name\":\"r\",\"name\":\"s\",\"ph\":\"X\"}", "a key appears twice in an event"},
        {"{\"name\":\"r\",\"cat\":\"c\"}", "an event lacks the key \"ph\""},
        {"{\"name\":\"r\",\"cat\":\"c\",\"ph\":\"X\",\"ts\":1,\"dur\":1,\"tid\":1}",
         "an event lacks the key \"pid\""},
        {"{\"name\":\"r\",\"ph\":\"X\",\"ts\":1,\"dur\":1,\"pid\":1,\"tid\":1}",
         "an event lacks the key \"cat\""},
        {"{\"name\":\"r\",\"cat\":\"c\",\"ph\":\"X\",\"ts\":1,\"dur\":1,\"pid\":1,\"tid\":1,"
         "\"args\":[]}",
         "\"args\" is not an object"},
        {"{\"name\":\"r\",\"cat\":\"c\",\"ph\":\"X\",\"ts\":1,\"dur\":1,\"pid\":1,\"tid\":1,"
         "\"args\":{\"a\":tru}}",
         "not valid JSON"},
    };
    struct tr_event ev;
    const char *why;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse(bad[i].line, &ev, &why), -1);
        assert_string_equal(why, bad[i].why);
    }
    /* A metadata event needs only name, ph and pid. */
    assert_int_equal(
        parse("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":3,\"args\":{}}", &ev, &why), 0);
    /* Deep nesting is refused, not a stack overflow. */
    {
        char deep[400] = "{\"name\":\"r\",\"ph\":\"i\",\"pid\":1,\"x\":";
        size_t n = strlen(deep);

        for (int i = 0; i < 100; i++)
            deep[n++] = '[';
        for (int i = 0; i < 100; i++)
            deep[n++] = ']';
        deep[n++] = '}';
        deep[n] = '\0';
        assert_int_equal(parse(deep, &ev, &why), -1);
    }
}

static char *dir;

static void write_file(const char *name, const char *text, int gz, long cut)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (gz) {
        gzFile g = gzopen(path, "wb6");

        gzwrite(g, text, (unsigned)strlen(text));
        gzclose(g);
    } else {
        tu_write(path, text, 0600);
    }
    if (cut >= 0)
        assert_int_equal(truncate(path, cut), 0);
}

/* Read name to the end: the number of events; status and err as the reader left them. */
static long read_all(const char *name, struct tr_reader *r)
{
    char path[4096];
    struct tr_event ev;
    long n = 0;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (tr_reader_open(r, path) < 0)
        return -1;
    while (tr_reader_next(r, &ev) == 1)
        n++;
    tr_reader_close(r);
    return n;
}

#define EV(i)                                                                                      \
    "{\"id\":" #i ",\"name\":\"read\",\"cat\":\"sys\",\"ph\":\"X\",\"ts\":" #i                     \
    ",\"dur\":1,\"pid\":1,\"tid\":1,\"args\":{\"fd\":3,\"count\":10,\"ret\":10}}\n"

static void test_reader_files(void **state)
{
    const char *good = "[\n" EV(0) EV(1) EV(2) "]\n";
    struct tr_reader r;
    char big[20000];

    (void)state;
    dir = tu_mkdtemp();
    assert_non_null(dir);
    write_file("good.pfw.gz", good, 1, -1);
    assert_int_equal(read_all("good.pfw.gz", &r), 3);
    assert_int_equal(r.status, TR_ST_OK);
    write_file("good.pfw", good, 0, -1);
    assert_int_equal(read_all("good.pfw", &r), 3);
    assert_int_equal(r.status, TR_ST_OK);
    /* Trailing commas and CRLF, as other writers leave them. */
    write_file("commas.pfw",
               "[\r\n"
               "{\"name\":\"a\",\"cat\":\"c\",\"ph\":\"X\",\"ts\":1,\"dur\":1,"
               "\"pid\":1,\"tid\":1},\r\n\n]\r\n",
               0, -1);
    assert_int_equal(read_all("commas.pfw", &r), 1);
    assert_int_equal(r.status, TR_ST_OK);

    write_file("noend.pfw", "[\n" EV(0) EV(1), 0, -1);
    assert_int_equal(read_all("noend.pfw", &r), 2);
    assert_int_equal(r.status, TR_ST_INCOMPLETE);
    assert_non_null(strstr(r.err, "noend.pfw:3: the trace does not end with \"]\""));

    write_file("midline.pfw", "[\n" EV(0) "{\"id\":1,\"na", 0, -1);
    assert_int_equal(read_all("midline.pfw", &r), 1);
    assert_int_equal(r.status, TR_ST_INCOMPLETE);
    assert_non_null(strstr(r.err, "midline.pfw:3: the last line is cut short"));

    write_file("notrace.pfw", "hello\n", 0, -1);
    assert_int_equal(read_all("notrace.pfw", &r), 0);
    assert_int_equal(r.status, TR_ST_INVALID);
    assert_non_null(strstr(r.err, "notrace.pfw:1: not a trace"));

    write_file("empty.pfw", "", 0, -1);
    assert_int_equal(read_all("empty.pfw", &r), 0);
    assert_int_equal(r.status, TR_ST_INVALID);

    write_file("after.pfw", "[\n" EV(0) "]\n" EV(1), 0, -1);
    assert_int_equal(read_all("after.pfw", &r), 1);
    assert_int_equal(r.status, TR_ST_INVALID);
    assert_non_null(strstr(r.err, "after.pfw:4: data after the closing"));

    write_file("badline.pfw", "[\n" EV(0) EV(1) "{oops}\n" EV(3) "]\n", 0, -1);
    assert_int_equal(read_all("badline.pfw", &r), 2);
    assert_int_equal(r.status, TR_ST_INVALID);
    assert_non_null(strstr(r.err, "badline.pfw:4: not valid JSON"));

    assert_int_equal(tr_reader_open(&r, "/nonexistent/trace.pfw.gz"), -1);
    assert_int_equal(r.status, TR_ST_IO);

    /* A truncated gzip stream: the complete lines before the cut are read, then "incomplete". */
    {
        size_t n = 0;
        char path[4096];
        struct stat st;
        long before;

        n += (size_t)snprintf(big + n, sizeof(big) - n, "[\n");
        for (int i = 0; i < 150; i++)
            n += (size_t)snprintf(big + n, sizeof(big) - n,
                                  "{\"id\":%d,\"name\":\"read\",\"cat\":\"sys\",\"ph\":\"X\","
                                  "\"ts\":%d,\"dur\":1,\"pid\":1,\"tid\":1,\"args\":{}}\n",
                                  i, i * 7919 % 1000);
        snprintf(big + n, sizeof(big) - n, "]\n");
        write_file("full.pfw.gz", big, 1, -1);
        snprintf(path, sizeof(path), "%s/full.pfw.gz", dir);
        assert_int_equal(stat(path, &st), 0);
        write_file("cut.pfw.gz", big, 1, (long)st.st_size - 30);
        before = read_all("cut.pfw.gz", &r);
        assert_int_equal(r.status, TR_ST_INCOMPLETE);
        assert_true(before > 100 && before < 150);
        assert_non_null(strstr(r.err, "cut.pfw.gz:"));
        assert_non_null(strstr(r.err, "truncated"));
    }
    tu_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_runtime_line),
        cmocka_unit_test(test_parse_strings_and_unescape),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_reader_files),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
