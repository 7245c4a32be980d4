/* SPDX-License-Identifier: BSD-3-Clause */
/* test_realtool.c - find Slurm's sbatch in PATH, never the wrapper installed under its name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "salloc/realtool.h"
#include "testutil.h"

static void test_skips_self(void **state)
{
    char *dir = tu_mkdtemp(), self[8192], real[8192], d1[2048], d2[2048], lnk[8192];
    char path_env[8192], out[8192];
    struct stat st;
    int skipped;

    snprintf(d1, sizeof(d1), "%s/site", dir);
    snprintf(d2, sizeof(d2), "%s/slurm", dir);
    mkdir(d1, 0755);
    mkdir(d2, 0755);
    snprintf(self, sizeof(self), "%s/datacrumbs_sbatch", d1);
    snprintf(lnk, sizeof(lnk), "%s/sbatch", d1);
    snprintf(real, sizeof(real), "%s/sbatch", d2);
    tu_write(self, "#!/bin/sh\n", 0755);
    tu_write(real, "#!/bin/sh\n", 0755);
    assert_int_equal(link(self, lnk), 0); /* the wrapper installed as "sbatch" */
    assert_int_equal(stat(self, &st), 0);

    snprintf(path_env, sizeof(path_env), "%s:%s", d1, d2);
    assert_int_equal(
        dc_realtool_search("sbatch", path_env, st.st_dev, st.st_ino, out, sizeof(out), &skipped),
        0);
    assert_string_equal(out, real);
    assert_int_equal(skipped, 1);

    /* Only the wrapper itself in PATH: nothing found, and we say why. */
    assert_int_equal(
        dc_realtool_search("sbatch", d1, st.st_dev, st.st_ino, out, sizeof(out), &skipped), -1);
    assert_int_equal(skipped, 1);

    /* Not executable, or a directory, is not a candidate. */
    chmod(real, 0644);
    assert_int_equal(
        dc_realtool_search("sbatch", d2, st.st_dev, st.st_ino, out, sizeof(out), &skipped), -1);
    assert_int_equal(skipped, 0);
    tu_dir_done(&dir);
}

static void test_empty_entries(void **state)
{
    char out[4096];
    int skipped;

    /* "::" and a trailing ":" are the current directory, as for the shell. */
    assert_int_equal(
        dc_realtool_search("no-such-tool-here", "/nonexistent::", 0, 0, out, sizeof(out), &skipped),
        -1);
    assert_int_equal(
        dc_realtool_search("sh", "/nonexistent:/bin", 0, 0, out, sizeof(out), &skipped), 0);
    assert_string_equal(out, "/bin/sh");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skips_self),
        cmocka_unit_test(test_empty_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
