/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_snapshot.c - the probe file is read with the user's credentials only, and kept as a
 * root-owned copy the user can read (ACL) but not change. Needs root for the credential
 * switch; those tests skip otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../common/testutil.h"
#include "readas.h"
#include "snapshot.h"

#define NOBODY 65534

static char *dir;

static int setup(void **state)
{
    (void)state;
    dir = tu_mkdtemp();
    if (!dir)
        return -1;
    chmod(dir, 0755); /* the user must reach its own files in here */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_dir_done(&dir);
}

static void path_in(char *out, const char *name)
{
    snprintf(out, PATH_MAX, "%s/%s", dir, name);
}

static void test_acl_bytes(void **state)
{
    unsigned char acl[DC_SNAPSHOT_ACL_LEN];
    uint32_t v, id;
    uint16_t tag, perm;

    (void)state;
    assert_int_equal(dc_snapshot_acl(1234, acl), DC_SNAPSHOT_ACL_LEN);
    memcpy(&v, acl, 4);
    assert_int_equal(le32toh(v), 2);
    /* Second entry: the named user, read only. */
    memcpy(&tag, acl + 12, 2);
    memcpy(&perm, acl + 14, 2);
    memcpy(&id, acl + 16, 4);
    assert_int_equal(le16toh(tag), 0x02);
    assert_int_equal(le16toh(perm), 4);
    assert_int_equal(le32toh(id), 1234);
    /* Owner rw, owning group nothing, mask r, others nothing. */
    memcpy(&perm, acl + 6, 2);
    assert_int_equal(le16toh(perm), 6);
    memcpy(&perm, acl + 22, 2);
    assert_int_equal(le16toh(perm), 0);
    memcpy(&perm, acl + 30, 2);
    assert_int_equal(le16toh(perm), 4);
    memcpy(&perm, acl + 38, 2);
    assert_int_equal(le16toh(perm), 0);
}

static void test_read_as_user(void **state)
{
    char p[PATH_MAX], err[512], *buf;
    size_t len;

    (void)state;
    if (geteuid() != 0)
        skip();
    path_in(p, "mine");
    tu_write(p, "probe bytes", 0600);
    assert_int_equal(chown(p, NOBODY, NOBODY), 0);
    assert_int_equal(
        dc_read_as_user(p, "nobody", NOBODY, NOBODY, 1024, 5000, &buf, &len, err, sizeof(err)), 0);
    assert_int_equal(len, 11);
    assert_memory_equal(buf, "probe bytes", 11);
    free(buf);

    /* root's file, not readable by the user: refused, although we are root. */
    path_in(p, "roots");
    tu_write(p, "secret", 0600);
    assert_int_equal(
        dc_read_as_user(p, "nobody", NOBODY, NOBODY, 1024, 5000, &buf, &len, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "Permission denied"));
    assert_null(buf);
}

static void test_read_refuses(void **state)
{
    char p[PATH_MAX], err[512], *buf;
    size_t len;

    (void)state;
    if (geteuid() != 0)
        skip();
    /* A FIFO would block a reader forever: not a regular file. */
    path_in(p, "fifo");
    assert_int_equal(mkfifo(p, 0666), 0);
    assert_int_equal(
        dc_read_as_user(p, "nobody", NOBODY, NOBODY, 1024, 5000, &buf, &len, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a regular file"));
    /* A directory, an empty file, a file over the limit, a missing file. */
    assert_int_equal(
        dc_read_as_user(dir, "nobody", NOBODY, NOBODY, 1024, 5000, &buf, &len, err, sizeof(err)),
        -1);
    path_in(p, "empty");
    tu_write(p, "", 0644);
    assert_int_equal(
        dc_read_as_user(p, "nobody", NOBODY, NOBODY, 1024, 5000, &buf, &len, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "empty"));
    path_in(p, "big");
    tu_write(p, "0123456789abcdef0123", 0644);
    assert_int_equal(
        dc_read_as_user(p, "nobody", NOBODY, NOBODY, 16, 5000, &buf, &len, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "larger"));
    path_in(p, "missing");
    assert_int_equal(
        dc_read_as_user(p, "nobody", NOBODY, NOBODY, 16, 5000, &buf, &len, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "No such file"));
    /* /dev/zero is endless, and not a regular file either. */
    assert_int_equal(dc_read_as_user("/dev/zero", "nobody", NOBODY, NOBODY, 16, 5000, &buf, &len,
                                     err, sizeof(err)),
                     -1);
}

static void test_store(void **state)
{
    char p[PATH_MAX], err[512], acl[128];
    struct stat st;
    ssize_t n;

    (void)state;
    path_in(p, "copy.probes");
    assert_int_equal(dc_snapshot_store(p, "abc", 3, 0, 0, err, sizeof(err)), 0);
    assert_int_equal(lstat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(st.st_uid, geteuid());
    assert_int_equal(getxattr(p, "system.posix_acl_access", acl, sizeof(acl)), -1);

    path_in(p, "user.probes");
    if (dc_snapshot_store(p, "abc", 3, NOBODY, NOBODY, err, sizeof(err)) < 0) {
        if (strstr(err, "no POSIX ACLs"))
            skip();
        fail_msg("%s", err);
    }
    assert_int_equal(lstat(p, &st), 0);
    assert_int_equal(st.st_uid, geteuid());
    assert_int_equal(st.st_gid, getegid());
    /* Group bits show the ACL mask (r); the owning group itself has nothing. */
    assert_int_equal(st.st_mode & 07777, 0640);
    n = getxattr(p, "system.posix_acl_access", acl, sizeof(acl));
    assert_int_equal(n, DC_SNAPSHOT_ACL_LEN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_acl_bytes),
        cmocka_unit_test_setup_teardown(test_read_as_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
