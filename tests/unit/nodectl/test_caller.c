/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_caller.c - who node control acts for: root, or the user sudo names in SUDO_UID (only
 * when sudo made us root), and what that user may start and stop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "caller.h"

static void test_identify(void **state)
{
    struct dc_caller c;
    char err[256];

    (void)state;
    /* Root, run directly. */
    assert_int_equal(dc_caller_identify(&c, 0, 0, NULL, err, sizeof(err)), 0);
    assert_int_equal(c.uid, 0);
    assert_false(c.via_sudo);
    assert_string_equal(c.name, "root");
    assert_true(dc_caller_is_root(&c));
    /* Through sudo: sudo's SUDO_UID is the caller. */
    assert_int_equal(dc_caller_identify(&c, 0, 0, "65534", err, sizeof(err)), 0);
    assert_int_equal(c.uid, 65534);
    assert_true(c.via_sudo);
    assert_false(dc_caller_is_root(&c));
    assert_int_equal(dc_caller_identify(&c, 0, 0, "0", err, sizeof(err)), 0);
    assert_true(dc_caller_is_root(&c));
    /* Not root at all: nothing to do here. */
    assert_int_equal(dc_caller_identify(&c, 1000, 1000, NULL, err, sizeof(err)), -1);
    assert_int_equal(dc_caller_identify(&c, 1000, 1000, "0", err, sizeof(err)), -1);
    /* A setuid-style start (real uid not root): SUDO_UID is not believed, the real uid is. */
    assert_int_equal(dc_caller_identify(&c, 1000, 0, "0", err, sizeof(err)), 0);
    assert_int_equal(c.uid, 1000);
    assert_false(c.via_sudo);
}

static void test_identify_bad_sudo_uid(void **state)
{
    static const char *const bad[] = {"",
                                      "-1",
                                      "+5",
                                      "0x0",
                                      "1e3",
                                      " 5",
                                      "5 ",
                                      "abc",
                                      "65534a",
                                      "4294967295",
                                      "99999999999999999999"};
    struct dc_caller c;
    char err[256];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (dc_caller_identify(&c, 0, 0, bad[i], err, sizeof(err)) == 0)
            fail_msg("accepted SUDO_UID \"%s\"", bad[i]);
}

static void test_may_act_for(void **state)
{
    struct dc_caller root = {.uid = 0, .name = "root"};
    struct dc_caller alice = {.uid = 1001, .name = "alice", .via_sudo = true};
    struct dc_caller ghost = {.uid = 4242, .name = "", .via_sudo = true};
    char err[256];

    (void)state;
    assert_int_equal(dc_caller_may_act_for(&root, "alice", err, sizeof(err)), 0);
    assert_int_equal(dc_caller_may_act_for(&alice, "alice", err, sizeof(err)), 0);
    assert_int_equal(dc_caller_may_act_for(&alice, "bob", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "only start runs for itself"));
    assert_int_equal(dc_caller_may_act_for(&alice, "root", err, sizeof(err)), -1);
    assert_int_equal(dc_caller_may_act_for(&ghost, "", err, sizeof(err)), -1);
}

static void test_may_stop(void **state)
{
    struct dc_caller root = {.uid = 0, .name = "root"};
    struct dc_caller alice = {.uid = 1001, .name = "alice", .via_sudo = true};
    char err[256];

    (void)state;
    assert_int_equal(dc_caller_may_stop(&root, "r", "bob", err, sizeof(err)), 0);
    assert_int_equal(dc_caller_may_stop(&root, "r", NULL, err, sizeof(err)), 0);
    assert_int_equal(dc_caller_may_stop(&alice, "r", "alice", err, sizeof(err)), 0);
    assert_int_equal(dc_caller_may_stop(&alice, "r", "bob", err, sizeof(err)), -1);
    assert_int_equal(dc_caller_may_stop(&alice, "r", NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "only root"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identify),
        cmocka_unit_test(test_identify_bad_sudo_uid),
        cmocka_unit_test(test_may_act_for),
        cmocka_unit_test(test_may_stop),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
