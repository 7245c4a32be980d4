/* SPDX-License-Identifier: BSD-3-Clause */
/* test_probepath.c - which probe file paths a job may hand to the compute nodes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "salloc/probepath.h"

static void ok(const char *p)
{
    char err[512];

    if (dc_probepath_check(p, err, sizeof(err)) != 0)
        fail_msg("'%s' refused: %s", p, err);
}

static void bad(const char *p, const char *needle)
{
    char err[512];

    if (dc_probepath_check(p, err, sizeof(err)) != -1)
        fail_msg("'%s' accepted", p ? p : "(null)");
    if (needle && !strstr(err, needle))
        fail_msg("'%s': message '%s' lacks '%s'", p, err, needle);
    for (const char *c = err; *c; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            fail_msg("message shows a raw byte: %s", err);
}

static void test_accepted(void **state)
{
    ok("/p");
    ok("/home/alice/probes.json.gz");
    ok("/gpfs/proj-1/a_b/v2.0/p+q,r@s=t:u~v%w");
    ok("/home/a/.hidden/..x/...");
}

static void test_refused(void **state)
{
    char longp[DC_PROBEPATH_MAX + 8];

    bad(NULL, "empty");
    bad("", "empty");
    bad("p.json.gz", "absolute");
    bad("~/p.json.gz", "absolute");
    bad("/a/../b", "canonical");
    bad("/a/./b", "canonical");
    bad("/a//b", "canonical");
    bad("/a/", "canonical");
    bad("/", "canonical");
    bad("/a/..", "canonical");
    bad("/a/$(id)", "'$'");
    bad("/a/`id`", "'`'");
    bad("/a/b c", "space at byte 5");
    bad("/a/\"b", "'\"'");
    bad("/a/'b", "\\x27");
    bad("/a/b\nc", "\\x0a");
    bad("/a/b\tc", "\\x09");
    bad("/a/b\x7f", "\\x7f");
    bad("/a/\xc3\xa9", "\\xc3");
    bad("/a/b;c", "';'");
    bad("/a/b|c", "'|'");
    bad("/a/b*c", "'*'");
    bad("/a/b\\c", "'\\'");
    memset(longp, 'a', sizeof(longp));
    longp[0] = '/';
    longp[DC_PROBEPATH_MAX + 1] = '\0';
    bad(longp, "longer than");
    longp[DC_PROBEPATH_MAX] = '\0';
    ok(longp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
