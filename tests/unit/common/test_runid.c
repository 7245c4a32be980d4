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

/* A Flux job's f58 id names one run in either spelling of its prefix. */
static void test_runid_from_flux(void **state)
{
    char out[DC_RUNID_MAX + 1];

    (void)state;
    assert_true(dc_runid_from_flux("\xc6\x92"
                                   "2V9cXJwd",
                                   out));
    assert_string_equal(out, "f2V9cXJwd");
    assert_true(dc_runid_from_flux("f2V9cXJwd", out));
    assert_string_equal(out, "f2V9cXJwd");
    assert_true(dc_runid_from_flux("123456", out)); /* decimal ids are run ids as they are */
    assert_string_equal(out, "123456");
    assert_false(dc_runid_from_flux("\xc6\x92", out)); /* the prefix alone */
    assert_false(dc_runid_from_flux("\xc6\x92../x", out));
    assert_false(dc_runid_from_flux("\xc6x", out)); /* half a prefix */
    assert_false(dc_runid_from_flux("", out));
    assert_false(dc_runid_from_flux(NULL, out));
    {
        char big[80];

        memset(big, 'a', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        assert_false(dc_runid_from_flux(big, out));
        big[0] = '\xc6';
        big[1] = '\x92';
        big[65] = '\0'; /* "f" and 63 digits: 64, the longest run id */
        assert_true(dc_runid_from_flux(big, out));
        big[65] = 'a';
        big[66] = '\0';
        assert_false(dc_runid_from_flux(big, out));
    }
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
        cmocka_unit_test(test_runid_from_flux),
        cmocka_unit_test(test_usernames),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
