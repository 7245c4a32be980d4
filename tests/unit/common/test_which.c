/* SPDX-License-Identifier: BSD-3-Clause */
/* test_which.c - command lookup: PATH order, non-executable hits, directories, slashes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>

#include "common/which.h"
#include "testutil.h"

static char *dir;
static char a[PATH_MAX], b[PATH_MAX];

static int setup(void **state)
{
    dir = tu_mkdtemp();
    snprintf(a, sizeof(a), "%s/a", dir);
    snprintf(b, sizeof(b), "%s/b", dir);
    mkdir(a, 0755);
    mkdir(b, 0755);
    return 0;
}

static int teardown(void **state)
{
    tu_dir_done(&dir);
    return 0;
}

static void file_in(const char *d, const char *name, mode_t mode)
{
    char p[PATH_MAX + 64];

    snprintf(p, sizeof(p), "%s/%s", d, name);
    tu_write(p, "#!/bin/sh\n", mode);
}

static void test_path_order(void **state)
{
    char path[PATH_MAX * 2 + 2], out[PATH_MAX], want[PATH_MAX + 16];

    file_in(a, "tool", 0755);
    file_in(b, "tool", 0755);
    snprintf(path, sizeof(path), "%s:%s", a, b);
    setenv("PATH", path, 1);
    assert_int_equal(dc_which("tool", out, sizeof(out)), 0);
    snprintf(want, sizeof(want), "%s/tool", a);
    assert_string_equal(out, want);
}

static void test_not_executable_then_executable(void **state)
{
    char path[PATH_MAX * 2 + 2], out[PATH_MAX], want[PATH_MAX + 16];

    file_in(a, "nx", 0644);
    file_in(b, "nx", 0755);
    snprintf(path, sizeof(path), "%s:%s", a, b);
    setenv("PATH", path, 1);
    assert_int_equal(dc_which("nx", out, sizeof(out)), 0);
    snprintf(want, sizeof(want), "%s/nx", b);
    assert_string_equal(out, want);
}

static void test_only_not_executable(void **state)
{
    char out[PATH_MAX];

    file_in(a, "only", 0644); /* even root may not run a file with no x bit */
    setenv("PATH", a, 1);
    assert_int_equal(dc_which("only", out, sizeof(out)), -1);
    assert_int_equal(errno, EACCES);
}

static void test_missing_and_directory(void **state)
{
    char out[PATH_MAX];

    setenv("PATH", dir, 1);
    assert_int_equal(dc_which("nothing-here", out, sizeof(out)), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(dc_which("a", out, sizeof(out)), -1); /* a directory in PATH */
    assert_int_equal(errno, EISDIR);
    assert_int_equal(dc_which("", out, sizeof(out)), -1);
    assert_int_equal(errno, ENOENT);
}

static void test_slash_is_taken_as_is(void **state)
{
    char out[PATH_MAX + 64], p[PATH_MAX + 64];

    file_in(b, "direct", 0755);
    setenv("PATH", "/nonexistent", 1);
    snprintf(p, sizeof(p), "%s/direct", b);
    assert_int_equal(dc_which(p, out, sizeof(out)), 0);
    assert_string_equal(out, p);
    assert_int_equal(dc_which("/bin", out, sizeof(out)), -1);
    assert_int_equal(errno, EISDIR);
}

static void test_unset_path_uses_default(void **state)
{
    char out[PATH_MAX];

    unsetenv("PATH");
    assert_int_equal(dc_which("sh", out, sizeof(out)), 0);
    assert_non_null(strstr(out, "/sh"));
}

static void test_too_long(void **state)
{
    char out[8];

    setenv("PATH", "/usr/bin", 1);
    assert_int_equal(dc_which("/usr/bin/env", out, sizeof(out)), -1);
    assert_int_equal(errno, ENAMETOOLONG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_order),
        cmocka_unit_test(test_not_executable_then_executable),
        cmocka_unit_test(test_only_not_executable),
        cmocka_unit_test(test_missing_and_directory),
        cmocka_unit_test(test_slash_is_taken_as_is),
        cmocka_unit_test(test_unset_path_uses_default),
        cmocka_unit_test(test_too_long),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
