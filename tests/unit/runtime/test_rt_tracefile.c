/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rt_tracefile.c - trace dir expansion and walking, trace file creation without following
 * what users could plant. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/tracefile.h"
#include "testutil.h"

static void test_expand(void **state)
{
    char out[256];
    time_t t = 86400 * 365; /* 1971-01-01 */

    setenv("TZ", "UTC", 1);
    tzset();
    assert_int_equal(rt_trace_dir_expand("/t/%Y/%m/%d", t, out, sizeof(out)), 0);
    assert_string_equal(out, "/t/1971/01/01");
    assert_int_equal(rt_trace_dir_expand("/plain", t, out, sizeof(out)), 0);
    assert_string_equal(out, "/plain");
    assert_int_equal(rt_trace_dir_expand("relative/%Y", t, out, sizeof(out)), -1);
    assert_int_equal(rt_trace_dir_expand("/very/long/%Y", t, out, 8), -1);
}

static void test_token(void **state)
{
    char out[16];

    rt_file_token("node1.cluster", out, sizeof(out));
    assert_string_equal(out, "node1.cluster");
    rt_file_token("a/b c$", out, sizeof(out));
    assert_string_equal(out, "a_b_c_");
    rt_file_token("..", out, sizeof(out));
    assert_string_equal(out, "_.");
    rt_file_token("", out, sizeof(out));
    assert_string_equal(out, "_");
    rt_file_token("0123456789abcdefghij", out, sizeof(out));
    assert_int_equal(strlen(out), 15);
}

static void test_open_dir(void **state)
{
    char *dir, path[4096], err[512];
    struct stat st;
    int fd;

    if (geteuid() != 0)
        skip(); /* trace directories must be root's: a user's temp dir never qualifies */
    dir = tu_mkdtemp();
    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s/a/b/c", dir);
    assert_int_equal(rt_open_dir_secure(path, 0, err, sizeof(err)), -1); /* no create */
    fd = rt_open_dir_secure(path, 1, err, sizeof(err));
    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0755);
    close(fd);
    fd = rt_open_dir_secure(path, 1, err, sizeof(err)); /* exists now */
    assert_true(fd >= 0);
    close(fd);
    snprintf(path, sizeof(path), "%s/a/../a", dir);
    assert_int_equal(rt_open_dir_secure(path, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "'..'"));
    assert_int_equal(rt_open_dir_secure("relative", 1, err, sizeof(err)), -1);

    /* A directory others may write to (not sticky) is refused, and so is what is below it:
     * they could replace the traces, or plant a link to /etc. */
    snprintf(path, sizeof(path), "%s/open", dir);
    assert_int_equal(mkdir(path, 0777), 0);
    assert_int_equal(chmod(path, 0777), 0);
    snprintf(path, sizeof(path), "%s/open/link", dir);
    assert_int_equal(symlink("/etc", path), 0);
    snprintf(path, sizeof(path), "%s/open/link/x", dir);
    assert_int_equal(rt_open_dir_secure(path, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "writable by others"));
    assert_int_equal(access("/etc/x", F_OK), -1);
    /* Sticky (as /tmp): entries stay their owners'. A symlink there is followed only when it
     * is root's. */
    snprintf(path, sizeof(path), "%s/open", dir);
    assert_int_equal(chmod(path, 01777), 0);
    snprintf(path, sizeof(path), "%s/open/link", dir);
    assert_int_equal(lchown(path, 65534, 65534), 0);
    snprintf(path, sizeof(path), "%s/open/link/x", dir);
    assert_int_equal(rt_open_dir_secure(path, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "symbolic link"));
    assert_int_equal(access("/etc/x", F_OK), -1);
    snprintf(path, sizeof(path), "%s/open/sub", dir);
    fd = rt_open_dir_secure(path, 1, err, sizeof(err));
    assert_true(fd >= 0);
    close(fd);
    /* A directory another user owns: refused, whatever its mode. */
    snprintf(path, sizeof(path), "%s/users", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(chown(path, 65534, 65534), 0);
    snprintf(path, sizeof(path), "%s/users/t", dir);
    assert_int_equal(rt_open_dir_secure(path, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not root's"));
    /* A root link in a root-only directory is trusted. */
    snprintf(path, sizeof(path), "%s/a/trusted", dir);
    assert_int_equal(symlink("b", path), 0);
    fd = rt_open_dir_secure(path, 0, err, sizeof(err));
    assert_true(fd >= 0);
    close(fd);
    tu_dir_done(&dir);
}

static void test_create_file(void **state)
{
    char *dir = tu_mkdtemp(), name[256], err[512], path[4096], target[4096];
    int dfd, fd;
    struct stat st;

    assert_non_null(dir);
    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(dfd >= 0);
    fd = rt_create_trace_file(dfd, "trace-u-r-h", getuid(), getgid(), name, sizeof(name), err,
                              sizeof(err));
    assert_true(fd >= 0);
    assert_string_equal(name, "trace-u-r-h.pfw.gz");
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    close(fd);
    /* Taken: a numbered name, the old file untouched. */
    fd = rt_create_trace_file(dfd, "trace-u-r-h", getuid(), getgid(), name, sizeof(name), err,
                              sizeof(err));
    assert_true(fd >= 0);
    assert_string_equal(name, "trace-u-r-h.1.pfw.gz");
    close(fd);
    /* A planted symlink (or hard link) at the name is never opened through. */
    snprintf(target, sizeof(target), "%s/victim", dir);
    tu_write(target, "precious", 0644);
    snprintf(path, sizeof(path), "%s/trace-x.pfw.gz", dir);
    assert_int_equal(symlink(target, path), 0);
    snprintf(path, sizeof(path), "%s/trace-x.1.pfw.gz", dir);
    assert_int_equal(link(target, path), 0);
    fd = rt_create_trace_file(dfd, "trace-x", getuid(), getgid(), name, sizeof(name), err,
                              sizeof(err));
    assert_true(fd >= 0);
    assert_string_equal(name, "trace-x.2.pfw.gz");
    assert_int_equal(write(fd, "new", 3), 3);
    close(fd);
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_size, 8);
    close(dfd);
    tu_dir_done(&dir);
}

/* In a sticky directory anybody may take a free name: the user's own directory cannot be. */
static void test_user_dir(void **state)
{
    char *dir, path[4096], err[512], name[256], first[256];
    struct stat st;
    int dfd, fd, taken;

    if (geteuid() != 0)
        skip(); /* it is made by root and handed to the user */
    dir = tu_mkdtemp();
    assert_non_null(dir);
    assert_int_equal(chmod(dir, 01777), 0);
    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(dfd >= 0);
    assert_true(rt_dir_shared(dfd));
    /* Made when missing: the user's, 0700. */
    fd = rt_open_user_dir(dfd, "alice", 4242, 4343, name, sizeof(name), &taken, err, sizeof(err));
    assert_true(fd >= 0);
    assert_string_equal(name, "datacrumbs-alice-4242");
    assert_false(taken);
    assert_int_equal(fstat(fd, &st), 0);
    assert_true(st.st_uid == 4242 && st.st_gid == 4343 && (st.st_mode & 07777) == 0700);
    close(fd);
    /* Used again the next time. */
    fd = rt_open_user_dir(dfd, "alice", 4242, 4343, name, sizeof(name), &taken, err, sizeof(err));
    assert_true(fd >= 0);
    assert_false(taken);
    close(fd);
    /* Another user's directory under bob's name: a new name with a random part, bob's. */
    assert_int_equal(mkdirat(dfd, "datacrumbs-bob-5000", 0700), 0);
    assert_int_equal(fchownat(dfd, "datacrumbs-bob-5000", 6000, 6000, 0), 0);
    fd = rt_open_user_dir(dfd, "bob", 5000, 5000, name, sizeof(name), &taken, err, sizeof(err));
    assert_true(fd >= 0);
    assert_true(taken);
    assert_int_equal(strncmp(name, "datacrumbs-bob-5000.", 20), 0);
    assert_int_equal(strlen(name), 28);
    assert_int_equal(fstat(fd, &st), 0);
    assert_true(st.st_uid == 5000 && (st.st_mode & 07777) == 0700);
    close(fd);
    snprintf(first, sizeof(first), "%s", name);
    fd = rt_open_user_dir(dfd, "bob", 5000, 5000, name, sizeof(name), &taken, err, sizeof(err));
    assert_true(fd >= 0);
    assert_string_not_equal(name, first); /* a fresh one each time */
    close(fd);
    /* A symlink or a file under carol's name, or a directory others may write to. */
    assert_int_equal(symlinkat("/etc", dfd, "datacrumbs-carol-7000"), 0);
    fd = rt_open_user_dir(dfd, "carol", 7000, 7000, name, sizeof(name), &taken, err, sizeof(err));
    assert_true(fd >= 0 && taken);
    close(fd);
    snprintf(path, sizeof(path), "%s/datacrumbs-dave-7001", dir);
    tu_write(path, "x", 0644);
    fd = rt_open_user_dir(dfd, "dave", 7001, 7001, name, sizeof(name), &taken, err, sizeof(err));
    assert_true(fd >= 0 && taken);
    close(fd);
    assert_int_equal(mkdirat(dfd, "datacrumbs-erin-7002", 0777), 0);
    assert_int_equal(fchmodat(dfd, "datacrumbs-erin-7002", 0777, 0), 0);
    assert_int_equal(fchownat(dfd, "datacrumbs-erin-7002", 7002, 7002, 0), 0);
    fd = rt_open_user_dir(dfd, "erin", 7002, 7002, name, sizeof(name), &taken, err, sizeof(err));
    assert_true(fd >= 0 && taken);
    close(fd);
    /* A directory root keeps for the user is fine. */
    assert_int_equal(mkdirat(dfd, "datacrumbs-fay-7003", 0755), 0);
    fd = rt_open_user_dir(dfd, "fay", 7003, 7003, name, sizeof(name), &taken, err, sizeof(err));
    assert_true(fd >= 0 && !taken);
    close(fd);
    close(dfd);
    assert_int_equal(chmod(dir, 0700), 0);
    tu_dir_done(&dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand),   cmocka_unit_test(test_token),
        cmocka_unit_test(test_open_dir), cmocka_unit_test(test_create_file),
        cmocka_unit_test(test_user_dir),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
