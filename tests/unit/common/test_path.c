/* SPDX-License-Identifier: BSD-3-Clause */
/* test_path.c - path security: each way a file or its parents can be insecure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>

#include "common/path.h"
#include "testutil.h"

/* The tests own their files, root or not: trust the euid as owner. */
#define F (DC_PATH_REGULAR | DC_PATH_TRUST_EUID)

static char *dir;

static int setup(void **state)
{
    dir = tu_mkdtemp();
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    tu_dir_done(&dir);
    return 0;
}

static char *in_dir(const char *name)
{
    static char buf[PATH_MAX];

    snprintf(buf, sizeof(buf), "%s/%s", dir, name);
    return buf;
}

static void expect(const char *path, unsigned flags, int rc, enum dc_path_reason reason)
{
    struct dc_path_verdict v;
    int got = dc_path_is_secure(path, flags, &v);

    if (got != rc || v.reason != reason)
        fail_msg("%s: got %d/%s (%s), want %d/%s", path, got, dc_path_reason_str(v.reason),
                 v.message, rc, dc_path_reason_str(reason));
    assert_true(v.message[0] != '\0');
}

static void test_secure_file(void **state)
{
    char *p = in_dir("ok");

    tu_write(p, "x", 0600);
    expect(p, F | DC_PATH_SECRET, 1, DC_PATH_OK);
    chmod(p, 0644);
    expect(p, F, 1, DC_PATH_OK);
}

static void test_missing(void **state)
{
    expect(in_dir("missing"), F, 0, DC_PATH_MISSING);
}

static void test_relative_path_cannot_be_checked(void **state)
{
    expect("relative/file", F, -1, DC_PATH_CHECK_FAILED);
}

static void test_symlink(void **state)
{
    char target[PATH_MAX];

    snprintf(target, sizeof(target), "%s", in_dir("target"));
    tu_write(target, "x", 0600);
    assert_int_equal(symlink(target, in_dir("link")), 0);
    expect(in_dir("link"), F, 0, DC_PATH_SYMLINK);
}

static void test_not_regular(void **state)
{
    mkdir(in_dir("adir"), 0700);
    expect(in_dir("adir"), F, 0, DC_PATH_NOT_REGULAR);
    expect(in_dir("adir"), DC_PATH_TRUST_EUID, 1, DC_PATH_OK);
}

static void test_wrong_owner(void **state)
{
    char *p;

    if (geteuid() != 0)
        skip();
    p = in_dir("nobodys");
    tu_write(p, "x", 0600);
    assert_int_equal(chown(p, 65534, 65534), 0);
    expect(p, F, 0, DC_PATH_BAD_OWNER);
}

static void test_writable_file(void **state)
{
    char *p = in_dir("gw");

    tu_write(p, "x", 0620);
    expect(p, F, 0, DC_PATH_GROUP_WRITABLE);
    chmod(p, 0602);
    expect(p, F, 0, DC_PATH_WORLD_WRITABLE);
}

static void test_readable_secret(void **state)
{
    char *p = in_dir("sec");

    tu_write(p, "x", 0640);
    expect(p, F | DC_PATH_SECRET, 0, DC_PATH_GROUP_READABLE);
    chmod(p, 0604);
    expect(p, F | DC_PATH_SECRET, 0, DC_PATH_WORLD_READABLE);
    expect(p, F, 1, DC_PATH_OK); /* readable is fine for a file that is not secret */
}

static void test_writable_parent(void **state)
{
    char sub[PATH_MAX], file[PATH_MAX + 16];

    snprintf(sub, sizeof(sub), "%s", in_dir("open"));
    snprintf(file, sizeof(file), "%s/f", sub);
    mkdir(sub, 0700);
    tu_write(file, "x", 0600);
    chmod(sub, 0770);
    expect(file, F, 0, DC_PATH_PARENT_INSECURE);
    chmod(sub, 0707);
    expect(file, F, 0, DC_PATH_PARENT_INSECURE);
    chmod(sub, 01777); /* sticky, like /tmp: others cannot replace our file */
    expect(file, F, 1, DC_PATH_OK);
    chmod(sub, 0755);
    expect(file, F, 1, DC_PATH_OK);
}

static void test_parent_wrong_owner(void **state)
{
    char sub[PATH_MAX], file[PATH_MAX + 16];

    if (geteuid() != 0)
        skip();
    snprintf(sub, sizeof(sub), "%s", in_dir("theirs"));
    snprintf(file, sizeof(file), "%s/f", sub);
    mkdir(sub, 0755);
    tu_write(file, "x", 0600);
    assert_int_equal(chown(sub, 65534, 65534), 0);
    expect(file, F, 0, DC_PATH_PARENT_INSECURE);
}

static void test_symlinked_parent(void **state)
{
    char real[PATH_MAX], link[PATH_MAX], file[PATH_MAX + 16], bad[PATH_MAX], badlink[PATH_MAX];

    /* A parent that is a link to a secure directory is fine... */
    snprintf(real, sizeof(real), "%s", in_dir("real"));
    snprintf(link, sizeof(link), "%s", in_dir("viaLink"));
    mkdir(real, 0755);
    snprintf(file, sizeof(file), "%s/f", real);
    tu_write(file, "x", 0600);
    assert_int_equal(symlink(real, link), 0);
    snprintf(file, sizeof(file), "%s/f", link);
    expect(file, F, 1, DC_PATH_OK);
    /* ...a link into a world-writable directory is not. */
    snprintf(bad, sizeof(bad), "%s", in_dir("bad"));
    mkdir(bad, 0700);
    chmod(bad, 0777);
    snprintf(file, sizeof(file), "%s/f", bad);
    tu_write(file, "x", 0600);
    snprintf(badlink, sizeof(badlink), "%s", in_dir("badLink"));
    assert_int_equal(symlink(bad, badlink), 0);
    snprintf(file, sizeof(file), "%s/f", badlink);
    expect(file, F, 0, DC_PATH_PARENT_INSECURE);
}

static void test_reason_strings(void **state)
{
    assert_string_equal(dc_path_reason_str(DC_PATH_SYMLINK), "is a symbolic link");
    assert_string_equal(dc_path_reason_str((enum dc_path_reason)999), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secure_file),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_relative_path_cannot_be_checked),
        cmocka_unit_test(test_symlink),
        cmocka_unit_test(test_not_regular),
        cmocka_unit_test(test_wrong_owner),
        cmocka_unit_test(test_writable_file),
        cmocka_unit_test(test_readable_secret),
        cmocka_unit_test(test_writable_parent),
        cmocka_unit_test(test_parent_wrong_owner),
        cmocka_unit_test(test_symlinked_parent),
        cmocka_unit_test(test_reason_strings),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
