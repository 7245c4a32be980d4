/* SPDX-License-Identifier: BSD-3-Clause */
/* test_spankopt.c - the SPANK option's probe file, checked in the user's sbatch/salloc/srun. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "spank/spankopt.h"
#include "testutil.h"

static char *dir, real[PATH_MAX];

static int setup(void **state)
{
    char p[PATH_MAX + 64];

    dir = tu_mkdtemp();
    if (!realpath(dir, real))
        return -1;
    snprintf(p, sizeof(p), "%s/p.json.gz", real);
    tu_write(p, "\x1f\x8b\x08rest", 0644);
    snprintf(p, sizeof(p), "%s/plain.json", real);
    tu_write(p, "  \n{\"summary\":{}}", 0644);
    snprintf(p, sizeof(p), "%s/text.txt", real);
    tu_write(p, "hello", 0644);
    snprintf(p, sizeof(p), "%s/empty", real);
    tu_write(p, "", 0644);
    snprintf(p, sizeof(p), "%s/a b.json.gz", real);
    tu_write(p, "\x1f\x8b", 0644);
    snprintf(p, sizeof(p), "%s/link.json.gz", real);
    if (symlink("p.json.gz", p) < 0)
        return -1;
    snprintf(p, sizeof(p), "%s/sub", real);
    mkdir(p, 0755);
    return 0;
}

static int teardown(void **state)
{
    tu_dir_done(&dir);
    return 0;
}

static int check(const char *name, int *local, char *err, size_t errlen)
{
    char p[PATH_MAX + 64];

    if (name[0] == '/' || name[0] == '.' || strchr(name, '/') == NULL)
        snprintf(p, sizeof(p), "%s", name);
    else
        snprintf(p, sizeof(p), "%s/%s", real, name + 2); /* "@/x": x under the test dir */
    return dc_spank_probe_check(p, local, err, errlen);
}

static void bad(const char *name, const char *needle)
{
    char err[PATH_MAX + 512];
    int local;

    if (check(name, &local, err, sizeof(err)) != -1)
        fail_msg("%s accepted", name);
    if (!strstr(err, needle))
        fail_msg("%s: '%s' lacks '%s'", name, err, needle);
}

static void test_accepted(void **state)
{
    char err[PATH_MAX + 512];
    int local = -1;

    assert_int_equal(check("@/p.json.gz", &local, err, sizeof(err)), 0);
    assert_int_equal(local, strncmp(real, "/tmp/", 5) == 0);
    assert_int_equal(check("@/plain.json", &local, err, sizeof(err)), 0);
}

static void test_refused(void **state)
{
    char old[PATH_MAX];

    bad("", "needs a path");
    bad("@/missing.json.gz", "No such file");
    bad("@/link.json.gz", "use ");
    bad("@/sub/../p.json.gz", "use ");
    bad("@/sub", "not a regular file");
    bad("@/text.txt", "not a probe file");
    bad("@/empty", "not a probe file");
    bad("@/a b.json.gz", "move or rename");
    assert_non_null(getcwd(old, sizeof(old)));
    assert_int_equal(chdir(real), 0);
    bad("p.json.gz", "use ");
    assert_int_equal(chdir(old), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepted),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
