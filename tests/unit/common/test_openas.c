/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_openas.c - opening as a user: the kernel's answer for that user (not root's), regular
 * files only (a FIFO is never opened, so nothing blocks), and this thread's own identity
 * restored every time. Needs root to switch identities; skips otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include "openas.h"
#include "testutil.h"

#define NOBODY 65534

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = tu_mkdtemp();
    if (!dir)
        return -1;
    chmod(dir, 0755);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_dir_done(&dir);
}

static enum dc_openas open_as_nobody(const char *name, int *fd, int *err)
{
    static const gid_t groups[] = {NOBODY};
    struct dc_fsident id = {.uid = NOBODY, .gid = NOBODY, .ngroups = 1, .groups = groups};
    char path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return dc_open_as(&id, path, fd, err);
}

static void assert_root_again(void)
{
    assert_int_equal(setfsuid((uid_t)-1), 0);
    assert_int_equal(setfsgid((gid_t)-1), 0);
}

static void test_readable_and_not(void **state)
{
    char path[PATH_MAX];
    int fd = -1, err = 0;

    (void)state;
    if (geteuid() != 0)
        skip();
    snprintf(path, sizeof(path), "%s/open", dir);
    tu_write(path, "x", 0644);
    snprintf(path, sizeof(path), "%s/closed", dir);
    tu_write(path, "x", 0600);
    assert_int_equal(open_as_nobody("open", &fd, &err), DC_OPENAS_OK);
    assert_true(fd >= 0);
    close(fd);
    assert_root_again();
    /* Root could read it; nobody cannot, and that is the answer. */
    assert_int_equal(open_as_nobody("closed", &fd, &err), DC_OPENAS_DENIED);
    assert_int_equal(err, EACCES);
    assert_int_equal(fd, -1);
    assert_root_again();
    assert_int_equal(open_as_nobody("missing", &fd, &err), DC_OPENAS_DENIED);
    assert_int_equal(err, ENOENT);
    assert_root_again();
}

static void test_not_regular(void **state)
{
    char path[PATH_MAX];
    int fd = -1, err = 0;

    (void)state;
    if (geteuid() != 0)
        skip();
    snprintf(path, sizeof(path), "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0666), 0);
    assert_int_equal(open_as_nobody("fifo", &fd, &err), DC_OPENAS_NOT_REGULAR);
    assert_int_equal(fd, -1);
    assert_int_equal(open_as_nobody(".", &fd, &err), DC_OPENAS_NOT_REGULAR);
    assert_root_again();
}

static void test_user_groups(void **state)
{
    gid_t *g = NULL;
    long n;

    (void)state;
    n = dc_user_groups("root", 0, &g);
    assert_true(n >= 1);
    assert_non_null(g);
    assert_int_equal(g[0], 0);
    free(g);
    assert_int_equal(dc_user_groups("no_such_user_xyz", 12345, &g), 1); /* just its gid */
    free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_readable_and_not, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
        cmocka_unit_test(test_user_groups),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
