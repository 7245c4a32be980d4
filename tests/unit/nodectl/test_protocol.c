/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_protocol.c - the request node control reads on stdin (every value is hostile until its
 * rule passed) and the reply the fan-out tools parse back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protocol.h"

#define MAGIC DC_PROTO_MAGIC "\n"

static int parse(const char *text, struct dc_request *r, char *err, size_t errlen)
{
    return dc_request_parse(text, strlen(text), r, err, errlen);
}

static void refused(const char *text, const char *why_contains)
{
    struct dc_request r;
    char err[512] = "";

    if (parse(text, &r, err, sizeof(err)) == 0)
        fail_msg("accepted request:\n%s", text);
    if (why_contains && !strstr(err, why_contains))
        fail_msg("request refused with \"%s\", expected \"%s\"", err, why_contains);
}

static void test_parse_start(void **state)
{
    struct dc_request r;
    char err[256];

    (void)state;
    assert_int_equal(parse(MAGIC "verb=start\nrun_id=job.42_a-b\nuser=alice\n"
                                 "probe_file=/home/alice/my probes/p \"1\" $(x).json.gz\n",
                           &r, err, sizeof(err)),
                     0);
    assert_int_equal(r.verb, DC_VERB_START);
    assert_string_equal(r.run_id, "job.42_a-b");
    assert_string_equal(r.user, "alice");
    /* No shell ever sees the path: spaces, quotes and $ travel as they are. */
    assert_string_equal(r.probe_file, "/home/alice/my probes/p \"1\" $(x).json.gz");
}

static void test_parse_verbs(void **state)
{
    struct dc_request r;
    char err[256];

    (void)state;
    assert_int_equal(parse(MAGIC "verb=stop\nrun_id=7\n", &r, err, sizeof(err)), 0);
    assert_int_equal(r.verb, DC_VERB_STOP);
    assert_int_equal(parse(MAGIC "run_id=7\nverb=status\n", &r, err, sizeof(err)), 0);
    assert_int_equal(r.verb, DC_VERB_STATUS);
    assert_int_equal(parse(MAGIC "verb=status\n", &r, err, sizeof(err)), 0);
    assert_string_equal(r.run_id, "");
    assert_int_equal(
        parse(MAGIC "verb=check\nrun_id=7\nuser=bob\nprobe_file=/p\n", &r, err, sizeof(err)), 0);
    assert_int_equal(r.verb, DC_VERB_CHECK);
}

static void test_run_ids_refused(void **state)
{
    static const char *const bad[] = {
        "",
        "-rf",
        ".x",
        "_x",
        "a/b",
        "../etc/passwd",
        "a b",
        "$(id)",
        "`id`",
        "a;b",
        "a|b",
        "a'b",
        "a\"b",
        "a\\b",
        "a*",
        "\xc6\x92"
        "58",
        "a:b",
        "a@b",
        "\ttab",
        "a%b",
        "a\x7f",
    };
    char text[512], over[DC_RUNID_MAX + 2];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text), MAGIC "verb=stop\nrun_id=%s\n", bad[i]);
        refused(text, NULL);
    }
    memset(over, 'a', sizeof(over) - 1);
    over[sizeof(over) - 1] = '\0';
    snprintf(text, sizeof(text), MAGIC "verb=stop\nrun_id=%s\n", over);
    refused(text, NULL);
    refused(MAGIC "verb=stop\n", "run id");
}

static void test_users_refused(void **state)
{
    static const char *const bad[] = {"",      "-alice", "1abc", "al ice", "root;id", "a/b",
                                      "$(id)", "al\\x",  "a:b",  "alice$", "ALICE!",  "\xc3\xa9"};
    char text[512];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text), MAGIC "verb=start\nrun_id=1\nuser=%s\nprobe_file=/p\n",
                 bad[i]);
        refused(text, NULL);
    }
    refused(MAGIC "verb=start\nrun_id=1\nprobe_file=/p\n", "user");
    refused(MAGIC "verb=check\nrun_id=1\nuser=abcdefghijabcdefghijabcdefghijabc\nprobe_file=/p\n",
            NULL);
}

static void test_probe_paths(void **state)
{
    char err[256];

    (void)state;
    refused(MAGIC "verb=start\nrun_id=1\nuser=a\nprobe_file=relative\n", "absolute");
    refused(MAGIC "verb=start\nrun_id=1\nuser=a\nprobe_file=\n", "empty");
    refused(MAGIC "verb=start\nrun_id=1\nuser=a\n", "empty");
    refused(MAGIC "verb=start\nrun_id=1\nuser=a\nprobe_file=/a\tb\n", "control");
    refused(MAGIC "verb=start\nrun_id=1\nuser=a\nprobe_file=/a\x1b[31m\n", "control");
    refused(MAGIC "verb=start\nrun_id=1\nuser=a\nprobe_file=/\xff\n", "UTF-8");
    refused(MAGIC "verb=start\nrun_id=1\nuser=a\nprobe_file=/\xc0\xaf\n", "UTF-8");
    refused(MAGIC "verb=start\nrun_id=1\nuser=a\nprobe_file=/\xed\xa0\x80\n", "UTF-8");
    assert_true(dc_probe_path_valid("/h\xc3\xa9llo/\xe2\x82\xac/p.gz", err, sizeof(err)));
    assert_false(dc_probe_path_valid("/a\x7f", err, sizeof(err)));
    assert_false(dc_probe_path_valid(NULL, err, sizeof(err)));
}

static void test_structure_refused(void **state)
{
    char big[DC_PROTO_REQUEST_MAX + 64];
    struct dc_request r;
    char err[256];

    (void)state;
    refused("", "truncated");
    refused("verb=status\n", "start with");
    refused("datacrumbs-nodectl/2\nverb=status\n", "start with");
    refused(DC_PROTO_MAGIC, "truncated");
    refused(MAGIC "verb=status", "truncated");
    refused(MAGIC "verb=status\r\n", "CR");
    refused(MAGIC "verb=status\nrun_id=1\nrun_id=2\n", "repeated");
    refused(MAGIC "verb=status\nverb=stop\nrun_id=1\n", "repeated");
    refused(MAGIC "verb=status\ncolour=blue\n", "unknown key");
    refused(MAGIC "verb=status\nVERB=stop\n", "unknown key");
    refused(MAGIC "verb=status\n verb=stop\n", "unknown key");
    refused(MAGIC "verb=status\njunk\n", "key=value");
    refused(MAGIC "verb=status\n\n", "key=value");
    refused(MAGIC "verb=reboot\n", "verb");
    refused(MAGIC "verb=startstartstartstart\n", "verb");
    refused(MAGIC "run_id=1\n", "verb");
    refused(MAGIC "verb=stop\nrun_id=1\nuser=alice\n", "takes no user");
    refused(MAGIC "verb=stop\nrun_id=1\nprobe_file=/p\n", "takes no probe");
    /* A NUL hides the rest of a line from C string functions: refuse it outright. */
    assert_int_equal(dc_request_parse(MAGIC "verb=stop\nrun_id=a\0b\n",
                                      sizeof(MAGIC "verb=stop\nrun_id=a\0b\n") - 1, &r, err,
                                      sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "NUL"));
    memset(big, 'x', sizeof(big));
    memcpy(big, MAGIC "verb=status\n", strlen(MAGIC "verb=status\n"));
    big[sizeof(big) - 1] = '\n';
    assert_int_equal(dc_request_parse(big, sizeof(big), &r, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "larger"));
}

/* A newline in a value would forge a line of its own: the formatter refuses to write it. */
static void test_format_roundtrip(void **state)
{
    struct dc_request in = {.verb = DC_VERB_START}, out;
    char buf[DC_PROTO_REQUEST_MAX + 1], err[256];
    int n;

    (void)state;
    snprintf(in.run_id, sizeof(in.run_id), "r1");
    snprintf(in.user, sizeof(in.user), "alice");
    snprintf(in.probe_file, sizeof(in.probe_file), "/p q/'x'.gz");
    n = dc_request_format(&in, buf, sizeof(buf), err, sizeof(err));
    assert_true(n > 0);
    assert_string_equal(buf, MAGIC "verb=start\nrun_id=r1\nuser=alice\nprobe_file=/p q/'x'.gz\n");
    assert_int_equal(dc_request_parse(buf, (size_t)n, &out, err, sizeof(err)), 0);
    assert_memory_equal(&in, &out, sizeof(in));

    snprintf(in.probe_file, sizeof(in.probe_file), "/p\nverb=stop");
    assert_int_equal(dc_request_format(&in, buf, sizeof(buf), err, sizeof(err)), -1);
    snprintf(in.probe_file, sizeof(in.probe_file), "/p");
    snprintf(in.run_id, sizeof(in.run_id), "r1\nuser=root");
    assert_int_equal(dc_request_format(&in, buf, sizeof(buf), err, sizeof(err)), -1);
}

static void test_read_from_fd(void **state)
{
    char buf[DC_PROTO_REQUEST_MAX + 1], err[256];
    int p[2];
    long n;

    (void)state;
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], MAGIC "verb=status\n", strlen(MAGIC "verb=status\n")),
                     (ssize_t)strlen(MAGIC "verb=status\n"));
    close(p[1]);
    n = dc_request_read(p[0], buf, 1000, err, sizeof(err));
    close(p[0]);
    assert_int_equal(n, (long)strlen(MAGIC "verb=status\n"));
    assert_string_equal(buf, MAGIC "verb=status\n");

    /* A client that never closes its end: the deadline ends the wait. */
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], "datacrumbs", 10), 10);
    assert_int_equal(dc_request_read(p[0], buf, 200, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no complete request"));
    close(p[0]);
    close(p[1]);

    /* More than the bound is refused without reading on forever. */
    assert_int_equal(pipe2(p, O_NONBLOCK), 0);
    {
        char chunk[4096];

        memset(chunk, 'x', sizeof(chunk));
        for (int i = 0; i < 3; i++)
            assert_int_equal(write(p[1], chunk, sizeof(chunk)), (ssize_t)sizeof(chunk));
    }
    close(p[1]);
    assert_int_equal(dc_request_read(p[0], buf, 1000, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "larger"));
    close(p[0]);
}

static void test_reply(void **state)
{
    struct dc_reply r = {.result = DC_RESULT_OK, .pid = 1234}, back;
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    (void)state;
    snprintf(r.state, sizeof(r.state), "running");
    snprintf(r.fingerprint, sizeof(r.fingerprint), "0123456789abcdef");
    snprintf(r.detail, sizeof(r.detail), "started\nresult=ok \x1b[2J");
    f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(dc_reply_write(&r, f), 0);
    fclose(f);
    /* A detail cannot add lines of its own: control characters become '?'. */
    assert_string_equal(buf, MAGIC "result=ok\nstate=running\npid=1234\n"
                                   "fingerprint=0123456789abcdef\n"
                                   "detail=started?result=ok ?[2J\n");
    assert_int_equal(dc_reply_parse(buf, len, &back), 0);
    assert_int_equal(back.result, DC_RESULT_OK);
    assert_int_equal(back.pid, 1234);
    assert_string_equal(back.state, "running");
    assert_string_equal(back.fingerprint, "0123456789abcdef");
    free(buf);
}

static void test_reply_parse_noise(void **state)
{
    static const char banner[] = "Welcome to node1!\nLast login: never\n" DC_PROTO_MAGIC "x\n" MAGIC
                                 "result=denied\nfuture_key=1\ndetail=no\x01pe\n";
    struct dc_reply r;

    (void)state;
    /* A login banner before the reply, a look-alike magic, keys from a newer node. */
    assert_int_equal(dc_reply_parse(banner, strlen(banner), &r), 0);
    assert_int_equal(r.result, DC_RESULT_DENIED);
    assert_string_equal(r.detail, "no?pe");
    assert_int_equal(dc_reply_parse("sudo: a password is required\n", 29, &r), -1);
    assert_int_equal(dc_reply_parse(MAGIC "detail=x\n", strlen(MAGIC "detail=x\n"), &r), -1);
    assert_int_equal(dc_reply_parse(MAGIC "result=bogus\n", strlen(MAGIC "result=bogus\n"), &r), 0);
    assert_int_equal(r.result, DC_RESULT_FAILED);
    assert_int_equal(dc_reply_parse("", 0, &r), -1);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(dc_verb_name(DC_VERB_START), "start");
    assert_string_equal(dc_verb_name((enum dc_verb)99), "none");
    assert_int_equal(dc_verb_from_name("stop"), DC_VERB_STOP);
    assert_int_equal(dc_verb_from_name("none"), DC_VERB_NONE);
    assert_int_equal(dc_verb_from_name(NULL), DC_VERB_NONE);
    assert_string_equal(dc_result_name(DC_RESULT_DENIED), "denied");
    assert_string_equal(dc_result_name((enum dc_result)42), "failed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_start),
        cmocka_unit_test(test_parse_verbs),
        cmocka_unit_test(test_run_ids_refused),
        cmocka_unit_test(test_users_refused),
        cmocka_unit_test(test_probe_paths),
        cmocka_unit_test(test_structure_refused),
        cmocka_unit_test(test_format_roundtrip),
        cmocka_unit_test(test_read_from_fd),
        cmocka_unit_test(test_reply),
        cmocka_unit_test(test_reply_parse_noise),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
