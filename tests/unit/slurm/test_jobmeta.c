/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_jobmeta.c - the job comment contract: the hook's strict parse of hostile comments, the
 * wrappers' merge into the user's comment, and the probe path rule both apply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salloc/jobmeta.h"

#define REQ(path) "{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"" path "\"}}"

static enum dc_jobmeta_result parse(const char *c, char *pf, char *err)
{
    return dc_jobmeta_parse(c, c ? strlen(c) : 0, pf, 4096, err, 512);
}

static void expect(const char *comment, enum dc_jobmeta_result want, const char *needle)
{
    char pf[4096], err[512];
    enum dc_jobmeta_result r = parse(comment, pf, err);

    if (r != want)
        fail_msg("comment %.80s: result %d (%s), want %d", comment ? comment : "(null)", r, err,
                 want);
    if (needle && !strstr(err, needle))
        fail_msg("comment %.80s: message '%s' lacks '%s'", comment, err, needle);
    for (const char *p = err; *p; p++)
        if ((unsigned char)*p < 0x20)
            fail_msg("message holds a control character: %s", err);
}

static void test_enabled(void **state)
{
    char pf[4096], err[512];

    assert_int_equal(parse(REQ("/home/a/p.json.gz"), pf, err), DC_JOBMETA_ENABLED);
    assert_string_equal(pf, "/home/a/p.json.gz");
    /* The user's other members and the legacy keys upstream wrote are ignored. */
    assert_int_equal(parse("{\"project\":\"io\",\"datacrumbs\":{\"composite\":\"x\",\"enable\":"
                           "\"yes\",\"probes\":[],\"probe_file\":\"/p\"},\"n\":[1,2]}",
                           pf, err),
                     DC_JOBMETA_ENABLED);
    assert_string_equal(pf, "/p");
    /* Escaped slashes are the same path. */
    assert_int_equal(parse(REQ("\\/home\\/a\\/p"), pf, err), DC_JOBMETA_ENABLED);
    assert_string_equal(pf, "/home/a/p");
}

static void test_absent_or_disabled(void **state)
{
    expect(NULL, DC_JOBMETA_ABSENT, NULL);
    expect("", DC_JOBMETA_ABSENT, NULL);
    expect("my own note", DC_JOBMETA_ABSENT, NULL);
    expect("{\"project\":\"io\"}", DC_JOBMETA_ABSENT, NULL);
    expect("{\"note\":\"datacrumbs later\"}", DC_JOBMETA_ABSENT, "no \"datacrumbs\" member");
    /* What upstream's wrapper writes for every job without --datacrumbs-enable. */
    expect("{\"datacrumbs\":{\"enable\":\"no\",\"probe_file\":\"\"}}", DC_JOBMETA_DISABLED,
           "not requested");
    expect("{\"datacrumbs\":{\"enable\":\"no\",\"probe_file\":\"rel\"}}", DC_JOBMETA_DISABLED,
           NULL);
}

static void test_hostile_structure(void **state)
{
    char big[DC_JOBMETA_MAX + 64];

    expect("datacrumbs please", DC_JOBMETA_INVALID, "not valid JSON");
    expect("{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"/p\"}", DC_JOBMETA_INVALID,
           "not valid JSON");
    expect("[" REQ("/p") "]", DC_JOBMETA_INVALID, "not an object");
    expect("{\"datacrumbs\":\"yes\"}", DC_JOBMETA_INVALID, "not a JSON object");
    expect("{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"/p\",\"x\":[[[[1]]]]}}",
           DC_JOBMETA_INVALID, "nests deeper");
    expect("{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"/p\"},\"datacrumbs\":{\"enable\":"
           "\"yes\",\"probe_file\":\"/q\"}}",
           DC_JOBMETA_INVALID, "not valid JSON");
    expect("{\"datacrumbs\":{\"enable\":\"yes\",\"enable\":\"no\",\"probe_file\":\"/p\"}}",
           DC_JOBMETA_INVALID, NULL);
    snprintf(big, sizeof(big),
             "{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"/p\"},"
             "\"pad\":\"%0*d\"}",
             DC_JOBMETA_MAX, 0);
    expect(big, DC_JOBMETA_INVALID, "over the 4096-byte limit");
    /* Depth counted outside strings only. */
    expect("{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"/p\"},\"s\":\"[[[[[[\"}",
           DC_JOBMETA_ENABLED, NULL);
}

static void test_hostile_values(void **state)
{
    expect("{\"datacrumbs\":{\"enable\":true,\"probe_file\":\"/p\"}}", DC_JOBMETA_INVALID,
           "must be the string");
    expect("{\"datacrumbs\":{\"enable\":\"YES\",\"probe_file\":\"/p\"}}", DC_JOBMETA_INVALID,
           "must be the string");
    expect("{\"datacrumbs\":{\"enable\":\"yes \",\"probe_file\":\"/p\"}}", DC_JOBMETA_INVALID,
           NULL);
    expect("{\"datacrumbs\":{\"enable\":1,\"probe_file\":\"/p\"}}", DC_JOBMETA_INVALID, NULL);
    expect("{\"datacrumbs\":{\"probe_file\":\"/p\"}}", DC_JOBMETA_INVALID, "no \"enable\"");
    expect("{\"datacrumbs\":{\"enable\":\"yes\"}}", DC_JOBMETA_INVALID, "without a");
    expect("{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":7}}", DC_JOBMETA_INVALID,
           "must be a string");
    expect("{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":null}}", DC_JOBMETA_INVALID, NULL);
    expect(REQ(""), DC_JOBMETA_INVALID, "empty");
    expect(REQ("p.json.gz"), DC_JOBMETA_INVALID, "absolute");
    expect(REQ("/home/a/../root/p"), DC_JOBMETA_INVALID, "canonical");
    expect(REQ("/home/a/./p"), DC_JOBMETA_INVALID, "canonical");
    expect(REQ("/home//a"), DC_JOBMETA_INVALID, "canonical");
    expect(REQ("/home/a/"), DC_JOBMETA_INVALID, "canonical");
    expect(REQ("/home/a/p$(touch /pwned)"), DC_JOBMETA_INVALID, "'$'");
    expect(REQ("/home/a/`id`"), DC_JOBMETA_INVALID, "'`'");
    expect(REQ("/home/a/p q"), DC_JOBMETA_INVALID, "space");
    expect(REQ("/home/a/p\\\"q"), DC_JOBMETA_INVALID, "'\"'");
    expect(REQ("/home/a/p'q"), DC_JOBMETA_INVALID, "\\x27");
    expect(REQ("/home/a/p\\nq"), DC_JOBMETA_INVALID, "\\x0a");
    expect(REQ("/home/a/p\\u0000q"), DC_JOBMETA_INVALID, NULL);
    expect(REQ("/home/a/p\\u001bq"), DC_JOBMETA_INVALID, "\\x1b");
    expect(REQ("/home/\\u00e9/p"), DC_JOBMETA_INVALID, "\\xc3");
    expect(REQ("/home/a/p;rm"), DC_JOBMETA_INVALID, "';'");
}

static void test_nul_and_not_terminated(void **state)
{
    const char c[] = REQ("/p") "\0garbage";
    char pf[4096], err[512];

    assert_int_equal(dc_jobmeta_parse(c, sizeof(c) - 1, pf, sizeof(pf), err, sizeof(err)),
                     DC_JOBMETA_INVALID);
    /* Exactly len bytes are read: the NUL and what follows are outside. */
    assert_int_equal(dc_jobmeta_parse(c, strlen(REQ("/p")), pf, sizeof(pf), err, sizeof(err)),
                     DC_JOBMETA_ENABLED);
    /* A path longer than the caller's buffer is refused, not cut. */
    assert_int_equal(dc_jobmeta_parse(c, strlen(REQ("/p")), pf, 2, err, sizeof(err)),
                     DC_JOBMETA_INVALID);
}

static void expect_merge(const char *user, int wrap, const char *want)
{
    char err[1024], *out = NULL;

    if (dc_jobmeta_merge(user, "/home/a/p.json.gz", wrap, &out, err, sizeof(err)) < 0)
        fail_msg("merge of %s failed: %s", user ? user : "(null)", err);
    assert_string_equal(out, want);
    free(out);
}

static void expect_merge_error(const char *user, const char *path, int wrap, const char *needle)
{
    char err[1024], *out = (char *)"unchanged";

    assert_int_equal(dc_jobmeta_merge(user, path, wrap, &out, err, sizeof(err)), -1);
    assert_null(out);
    if (!strstr(err, needle))
        fail_msg("merge error '%s' lacks '%s'", err, needle);
}

static void test_merge(void **state)
{
    /* Byte-exact upstream wire format (key order, compact, "/" not escaped). */
    expect_merge(NULL, 0, REQ("/home/a/p.json.gz"));
    expect_merge("{\"project\":\"io\",\"n\":2}", 0,
                 "{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"/home/a/p.json.gz\"},"
                 "\"project\":\"io\",\"n\":2}");
    expect_merge(" { } ", 0, REQ("/home/a/p.json.gz"));
    expect_merge(REQ("/home/a/p.json.gz"), 0, REQ("/home/a/p.json.gz"));
    expect_merge("free text", 1,
                 "{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"/home/a/p.json.gz\"},"
                 "\"comment\":\"free text\"}");
    expect_merge("say \"hi\"\\", 1,
                 "{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"/home/a/p.json.gz\"},"
                 "\"comment\":\"say \\\"hi\\\"\\\\\"}");
    expect_merge("{a:1}", 1,
                 "{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"/home/a/p.json.gz\"},"
                 "\"comment\":\"{a:1}\"}");
}

static void test_merge_refused(void **state)
{
    char big[DC_JOBMETA_MAX + 64];

    expect_merge_error("free text", "/p", 0, "not a JSON object");
    expect_merge_error("{a:1}", "/p", 0, "--datacrumbs-merge-comment");
    expect_merge_error("[1,2]", "/p", 0, "not a JSON object");
    expect_merge_error(REQ("/other"), "/p", 0, "differs");
    expect_merge_error("{\"a\":1,\"a\":2}", "/p", 0, "not a JSON object");
    expect_merge_error("\xff\xfe", "/p", 1, "UTF-8");
    expect_merge_error(NULL, "rel/p", 0, "absolute");
    expect_merge_error(NULL, "/a b", 0, "space");
    snprintf(big, sizeof(big), "{\"pad\":\"%0*d\"}", DC_JOBMETA_MAX, 0);
    expect_merge_error(big, "/p", 0, "refused by the nodes");
    expect_merge_error("{\"x\":[[[[1]]]]}", "/p", 0, "nests deeper");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_enabled),
        cmocka_unit_test(test_absent_or_disabled),
        cmocka_unit_test(test_hostile_structure),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_nul_and_not_terminated),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_merge_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
