/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rt_readas.c - the probe file is read with the user's rights, bounded, regular files only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/readas.h"
#include "testutil.h"

static const char *me(void)
{
    struct passwd *pw = getpwuid(geteuid());

    return pw ? pw->pw_name : "root";
}

static void test_read_own(void **state)
{
    char *dir = tu_mkdtemp(), path[4096], err[512];
    char *buf;
    size_t len;

    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s/f", dir);
    tu_write(path, "hello probe file", 0600);
    assert_int_equal(
        dc_read_as_user(path, me(), geteuid(), getegid(), 1024, 5000, &buf, &len, err, sizeof(err)),
        0);
    assert_int_equal(len, 16);
    assert_memory_equal(buf, "hello probe file", 16);
    free(buf);
    /* Bounded. */
    assert_int_equal(
        dc_read_as_user(path, me(), geteuid(), getegid(), 10, 5000, &buf, &len, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "larger than"));
    /* Missing, a directory, a FIFO (must not hang). */
    snprintf(path, sizeof(path), "%s/missing", dir);
    assert_int_equal(
        dc_read_as_user(path, me(), geteuid(), getegid(), 1024, 5000, &buf, &len, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "No such file"));
    assert_int_equal(
        dc_read_as_user(dir, me(), geteuid(), getegid(), 1024, 5000, &buf, &len, err, sizeof(err)),
        -1);
    snprintf(path, sizeof(path), "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(
        dc_read_as_user(path, me(), geteuid(), getegid(), 1024, 5000, &buf, &len, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "not a regular file"));
    tu_dir_done(&dir);
}

/* Root reading for nobody: a root-only file is refused, through a symlink or not. */
static void test_read_as_nobody(void **state)
{
    char *dir = tu_mkdtemp(), path[4096], link_path[4096], err[512];
    struct passwd *pw = getpwnam("nobody");
    char *buf;
    size_t len;

    if (geteuid() != 0 || !pw) {
        tu_dir_done(&dir);
        skip();
    }
    chmod(dir, 0755);
    snprintf(path, sizeof(path), "%s/secret", dir);
    tu_write(path, "root only", 0600);
    snprintf(link_path, sizeof(link_path), "%s/link", dir);
    assert_int_equal(symlink(path, link_path), 0);
    assert_int_equal(dc_read_as_user(path, "nobody", pw->pw_uid, pw->pw_gid, 1024, 5000, &buf, &len,
                                     err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "Permission denied"));
    assert_int_equal(dc_read_as_user(link_path, "nobody", pw->pw_uid, pw->pw_gid, 1024, 5000, &buf,
                                     &len, err, sizeof(err)),
                     -1);
    chmod(path, 0644);
    assert_int_equal(dc_read_as_user(link_path, "nobody", pw->pw_uid, pw->pw_gid, 1024, 5000, &buf,
                                     &len, err, sizeof(err)),
                     0);
    assert_int_equal(len, 9);
    free(buf);
    tu_dir_done(&dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_own),
        cmocka_unit_test(test_read_as_nobody),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
