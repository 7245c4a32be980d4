/* SPDX-License-Identifier: BSD-3-Clause */
/* test_runid.c - run id and user name rules: they reach unit names, file names and argv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "common/runid.h"

static void test_runid_accepts(void **state)
{
    char max[DC_RUNID_MAX + 1];

    assert_true(dc_runid_valid("1"));
    assert_true(dc_runid_valid("12345"));
    assert_true(dc_runid_valid("myrun"));
    assert_true(dc_runid_valid("job_42.step-1"));
    assert_true(dc_runid_valid("A-b.C_d"));
    memset(max, 'a', DC_RUNID_MAX);
    max[DC_RUNID_MAX] = '\0';
    assert_true(dc_runid_valid(max));
}

static void test_runid_refuses(void **state)
{
    char over[DC_RUNID_MAX + 2];
    const char *bad[] = {
        "",     "-rf", ".hidden", "_x",  "a/b", "../etc", "a b", "a\nb", "a;reboot", "$(id)",
        "`id`", "a@b", "a\\x2d",  "ƒ58", "a:b", "a*",     "\t",  "a'b",  "a\"b",     "a%b",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (dc_runid_valid(bad[i]))
            fail_msg("accepted run id '%s'", bad[i]);
    memset(over, 'a', DC_RUNID_MAX + 1);
    over[DC_RUNID_MAX + 1] = '\0';
    assert_false(dc_runid_valid(over));
    assert_false(dc_runid_valid(NULL));
}

static void test_usernames(void **state)
{
    assert_true(dc_username_valid("alice"));
    assert_true(dc_username_valid("_svc"));
    assert_true(dc_username_valid("j.doe-2"));
    assert_false(dc_username_valid(""));
    assert_false(dc_username_valid("-alice"));
    assert_false(dc_username_valid("1abc"));
    assert_false(dc_username_valid("a b"));
    assert_false(dc_username_valid("root;id"));
    assert_false(dc_username_valid("machine$"));
    assert_false(dc_username_valid("abcdefghijklmnopqrstuvwxyzabcdefg")); /* 33 */
    assert_false(dc_username_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runid_accepts),
        cmocka_unit_test(test_runid_refuses),
        cmocka_unit_test(test_usernames),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
