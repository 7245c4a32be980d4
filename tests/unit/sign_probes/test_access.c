/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_access.c - readability as the caller (src/sign_probes/access.h). Needs root (the check
 * takes the caller's identity) and the user "nobody"; skipped otherwise.
 */
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "access.h"
#include "common/testutil.h"

static char *dir;
static struct dc_peer nobody, root;

static int setup(void **state)
{
    struct passwd *pw = getpwnam("nobody");

    (void)state;
    if (geteuid() != 0 || !pw)
        return 0; /* each test skips */
    nobody = (struct dc_peer){.uid = pw->pw_uid, .gid = pw->pw_gid};
    snprintf(nobody.user, sizeof(nobody.user), "nobody");
    root = (struct dc_peer){.uid = 0, .gid = 0};
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

static const char *at(const char *name)
{
    static char path[4][PATH_MAX];
    static int i;

    i = (i + 1) % 4;
    snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
    return path[i];
}

static enum dc_access check(const struct dc_peer *p, const char *path, char *why, size_t n)
{
    enum dc_access a = dc_access_readable(p, path, why, n);

    /* Whatever the answer, this thread is root again. */
    assert_int_equal(setfsuid((uid_t)-1), 0);
    assert_int_equal(setfsgid((gid_t)-1), 0);
    return a;
}

static void test_mode_bits(void **state)
{
    char why[512];

    (void)state;
    if (!dir)
        skip();
    tu_write(at("public"), "x", 0644);
    tu_write(at("private"), "x", 0600);
    assert_int_equal(check(&nobody, at("public"), why, sizeof(why)), DC_ACCESS_OK);
    assert_int_equal(check(&nobody, at("private"), why, sizeof(why)), DC_ACCESS_DENIED);
    assert_non_null(strstr(why, "is not readable by nobody: Permission denied"));
    assert_int_equal(check(&root, at("private"), why, sizeof(why)), DC_ACCESS_OK);
    assert_int_equal(check(&nobody, at("missing"), why, sizeof(why)), DC_ACCESS_DENIED);
    assert_non_null(strstr(why, "No such file"));
}

/* Mode bits of the file say yes; the directory on the way says no. Upstream's stat-based check
 * got this wrong. */
static void test_search_permission(void **state)
{
    char why[512];

    (void)state;
    if (!dir)
        skip();
    mkdir(at("closed"), 0700);
    tu_write(at("closed/lib.so"), "x", 0644);
    assert_int_equal(check(&nobody, at("closed/lib.so"), why, sizeof(why)), DC_ACCESS_DENIED);
    assert_int_equal(check(&root, at("closed/lib.so"), why, sizeof(why)), DC_ACCESS_OK);
}

/* Group rights come from the peer's groups, not the signer's. */
static void test_groups(void **state)
{
    struct dc_peer member = nobody;
    gid_t groups[] = {4321};
    char why[512];

    (void)state;
    if (!dir)
        skip();
    tu_write(at("group"), "x", 0640);
    assert_int_equal(chown(at("group"), 0, 4321), 0);
    assert_int_equal(check(&nobody, at("group"), why, sizeof(why)), DC_ACCESS_DENIED);
    member.groups = groups;
    member.ngroups = 1;
    assert_int_equal(check(&member, at("group"), why, sizeof(why)), DC_ACCESS_OK);
    assert_int_equal(check(&nobody, at("group"), why, sizeof(why)), DC_ACCESS_DENIED);
}

/* Only regular files: a directory, a FIFO (which must not block the check), a device. */
static void test_not_regular(void **state)
{
    char why[512];

    (void)state;
    if (!dir)
        skip();
    assert_int_equal(mkfifo(at("fifo"), 0644), 0);
    assert_int_equal(check(&nobody, at("fifo"), why, sizeof(why)), DC_ACCESS_DENIED);
    assert_non_null(strstr(why, "not a regular file"));
    assert_int_equal(check(&nobody, dir, why, sizeof(why)), DC_ACCESS_DENIED);
    assert_non_null(strstr(why, "not a regular file"));
    assert_int_equal(check(&root, "/dev/null", why, sizeof(why)), DC_ACCESS_DENIED);
}

/* A symlink is followed with the caller's rights: pointing at a root-only file does not help. */
static void test_symlink(void **state)
{
    char why[512];

    (void)state;
    if (!dir)
        skip();
    tu_write(at("secret"), "x", 0600);
    assert_int_equal(symlink(at("secret"), at("link")), 0);
    assert_int_equal(check(&nobody, at("link"), why, sizeof(why)), DC_ACCESS_DENIED);
    tu_write(at("open"), "x", 0644);
    assert_int_equal(symlink(at("open"), at("link2")), 0);
    assert_int_equal(check(&nobody, at("link2"), why, sizeof(why)), DC_ACCESS_OK);
}

/* The identity switch is per thread: another thread keeps root's rights meanwhile. */
struct loop {
    const char *path;
    int denied;
    volatile int stop;
};

static void *as_nobody(void *arg)
{
    struct loop *l = arg;
    char why[256];

    while (!l->stop)
        dc_access_readable(&nobody, l->path, why, sizeof(why));
    return NULL;
}

static void test_per_thread(void **state)
{
    struct loop l;
    pthread_t t;
    char why[256];

    (void)state;
    if (!dir)
        skip();
    tu_write(at("rootonly"), "x", 0600);
    l = (struct loop){.path = at("rootonly")};
    assert_int_equal(pthread_create(&t, NULL, as_nobody, &l), 0);
    for (int i = 0; i < 2000; i++)
        if (check(&root, at("rootonly"), why, sizeof(why)) != DC_ACCESS_OK)
            l.denied++;
    l.stop = 1;
    pthread_join(t, NULL);
    assert_int_equal(l.denied, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mode_bits), cmocka_unit_test(test_search_permission),
        cmocka_unit_test(test_groups),    cmocka_unit_test(test_not_regular),
        cmocka_unit_test(test_symlink),   cmocka_unit_test(test_per_thread),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
