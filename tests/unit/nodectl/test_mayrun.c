/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_mayrun.c - the epilog's cheap question "may this run have something to stop here?":
 * an env file, a pid file (direct manager) or a loaded unit (systemd manager) say yes; a
 * dangling symlink counts as present; nothing at all says no.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/testutil.h"
#include "nodectl.h"

static char *dir;
static struct dc_nodectl n;

static int setup(void **state)
{
    (void)state;
    dir = tu_mkdtemp();
    if (!dir)
        return -1;
    memset(&n, 0, sizeof(n));
    snprintf(n.sys.run_dir, sizeof(n.sys.run_dir), "%s", dir);
    n.sm = &dc_svc_direct;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_dir_done(&dir);
}

static void touch_in(const char *name)
{
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    tu_write(path, "x\n", 0600);
}

static void test_nothing_means_no(void **state)
{
    (void)state;
    assert_false(dc_nodectl_may_run(&n, "42"));
    touch_in("datacrumbs-420.env"); /* another job's files do not count */
    touch_in("datacrumbs-4.pid");
    assert_false(dc_nodectl_may_run(&n, "42"));
}

static void test_env_file_means_yes(void **state)
{
    (void)state;
    touch_in("datacrumbs-42.env");
    assert_true(dc_nodectl_may_run(&n, "42"));
}

static void test_pid_file_means_yes_for_direct(void **state)
{
    (void)state;
    touch_in("datacrumbs-42.pid");
    assert_true(dc_nodectl_may_run(&n, "42"));
}

static void test_dangling_symlink_counts(void **state)
{
    char path[PATH_MAX];

    (void)state;
    snprintf(path, sizeof(path), "%s/datacrumbs-42.env", dir);
    assert_int_equal(symlink("/nonexistent/target", path), 0);
    assert_true(dc_nodectl_may_run(&n, "42"));
}

static void test_invalid_run_id_lets_node_control_decide(void **state)
{
    (void)state;
    assert_true(dc_nodectl_may_run(&n, "../etc"));
}

static void test_systemd_unit_link(void **state)
{
    char path[PATH_MAX];

    (void)state;
    assert_false(dc_systemd_unit_known(dir, "datacrumbs@42.service"));
    /* systemd keeps invocation:UNIT -> the invocation id while the unit is loaded. */
    snprintf(path, sizeof(path), "%s/invocation:datacrumbs@42.service", dir);
    assert_int_equal(symlink("0123456789abcdef0123456789abcdef", path), 0);
    assert_true(dc_systemd_unit_known(dir, "datacrumbs@42.service"));
    assert_false(dc_systemd_unit_known(dir, "datacrumbs@4.service"));
    /* A directory that cannot be read is "cannot tell", which means yes. */
    if (geteuid() != 0) {
        chmod(dir, 0);
        assert_true(dc_systemd_unit_known(dir, "datacrumbs@5.service"));
        chmod(dir, 0700);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nothing_means_no, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_file_means_yes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pid_file_means_yes_for_direct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dangling_symlink_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_run_id_lets_node_control_decide, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_systemd_unit_link, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
