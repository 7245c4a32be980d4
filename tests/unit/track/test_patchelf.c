/* SPDX-License-Identifier: BSD-3-Clause */
/* test_patchelf.c - running the editor (status, messages, timeout) and quoting for --dry-run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../common/testutil.h"
#include "track/patchelf.h"

static void test_run_status(void **state)
{
    char err[512];
    char *ok[] = {"/bin/sh", "-c", "exit 0", NULL};
    char *bad[] = {"/bin/sh", "-c", "echo 'cannot find section .dynamic' >&2; exit 3", NULL};
    char *sig[] = {"/bin/sh", "-c", "kill -9 $$", NULL};
    char *slow[] = {"/bin/sh", "-c", "exec sleep 30", NULL};
    char *missing[] = {"/nonexistent/patchelf", NULL};

    (void)state;
    assert_int_equal(patchelf_run(ok, 10, err, sizeof(err)), 0);
    assert_int_equal(patchelf_run(bad, 10, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "exit status 3"));
    assert_non_null(strstr(err, "cannot find section .dynamic"));
    assert_int_equal(patchelf_run(sig, 10, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "signal 9"));
    assert_int_equal(patchelf_run(slow, 1, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "did not finish"));
    assert_int_equal(patchelf_run(missing, 10, err, sizeof(err)), -1);
}

static void test_find(void **state)
{
    char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    char *dir = tu_mkdtemp(), fake[PATH_MAX], out[PATH_MAX];

    (void)state;
    if (!dir) {
        fail();
        return;
    }
    snprintf(fake, sizeof(fake), "%s/patchelf", dir);
    setenv("PATH", dir, 1);
    assert_int_equal(patchelf_find(out, sizeof(out)), -1);
    tu_write(fake, "#!/bin/sh\n", 0755);
    assert_int_equal(patchelf_find(out, sizeof(out)), 0);
    assert_true(out[0] == '/');
    assert_non_null(strstr(out, "/patchelf"));
    assert_int_equal(patchelf_find(out, 4), -1); /* does not fit */
    if (old) {
        setenv("PATH", old, 1);
        free(old);
    }
    tu_dir_done(&dir);
}

static void test_format(void **state)
{
    char buf[256];
    char *plain[] = {"/usr/bin/patchelf", "--add-needed", "/usr/lib/libx.so.0", "/d/f", NULL};
    char *odd[] = {"/usr/bin/patchelf", "--remove-needed", "it's $(here)", "", "a b", NULL};

    (void)state;
    patchelf_format_argv(plain, buf, sizeof(buf));
    assert_string_equal(buf, "/usr/bin/patchelf --add-needed /usr/lib/libx.so.0 /d/f");
    patchelf_format_argv(odd, buf, sizeof(buf));
    assert_string_equal(buf, "/usr/bin/patchelf --remove-needed 'it'\\''s $(here)' '' 'a b'");
    patchelf_format_argv(plain, buf, 16);
    assert_int_equal(strlen(buf), 15);
    assert_string_equal(buf + 12, "...");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_status),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_format),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
