/* SPDX-License-Identifier: BSD-3-Clause */
/* test_scripthdr.c - #SBATCH --comment read the way sbatch reads its directives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "salloc/scripthdr.h"
#include "testutil.h"

static void expect(const char *script, const char *want)
{
    char *got = NULL;
    int rc = dc_scripthdr_comment(script, strlen(script), &got);

    if (!want) {
        if (rc != 0 || got)
            fail_msg("script gave '%s' (rc %d), want none:\n%s", got ? got : "", rc, script);
        return;
    }
    if (rc != 1 || !got || strcmp(got, want) != 0)
        fail_msg("script gave '%s' (rc %d), want '%s':\n%s", got ? got : "(none)", rc, want,
                 script);
    free(got);
}

static void test_directives(void **state)
{
    expect("#!/bin/sh\n#SBATCH --comment='{\"a\":1}'\nsrun x\n", "{\"a\":1}");
    /* Unquoted, sbatch's own splitting drops the inner quotes: not JSON any more. */
    expect("#!/bin/sh\n#SBATCH --comment={\"a\":1}\n", "{a:1}");
    expect("#!/bin/sh\n#SBATCH -N 2 --comment \"two words\" -t 5\n", "two words");
    expect("#!/bin/sh\n#SBATCH --comment=first\n#SBATCH --comment=second\n", "second");
    expect("#!/bin/sh\n\n# a comment\n   \n#SBATCH --comm=x\n", "x");
    expect("#!/bin/sh\n#SLURM --comment=old-magic\n", "old-magic");
    /* As sbatch: a backslash does not join words (the blank still ends the word). */
    expect("#!/bin/sh\n#SBATCH --comment=a\\ b\n", "a");
    expect("#!/bin/sh\n#SBATCH --comment=a\\\"b\n", "a\"b");
    expect("#!/bin/sh\n#SBATCH --comment=x # trailing note\n", "x");
}

static void test_not_directives(void **state)
{
    expect("#!/bin/sh\necho hi\n#SBATCH --comment=late\n", NULL);
    expect("#!/bin/sh\n# SBATCH --comment=spaced\n", NULL);
    expect("#!/bin/sh\n #SBATCH --comment=indented\n", NULL);
    expect("#!/bin/sh\n#SBATCH -J --comment=x\n", NULL);
    expect("#!/bin/sh\n#SBATCH --comment='unclosed\n", NULL);
    expect("", NULL);
    /* A later job component's comment is not component 0's. */
    expect("#!/bin/sh\n#SBATCH -N1\n#SBATCH hetjob\n#SBATCH --comment=c1\n", NULL);
    expect("#!/bin/sh\n#SBATCH --comment=c0\n#SBATCH packjob\n#SBATCH --comment=c1\n", "c0");
}

static void test_file(void **state)
{
    char *dir = tu_mkdtemp(), path[4096], *got = NULL;

    snprintf(path, sizeof(path), "%s/job.sh", dir);
    tu_write(path, "#!/bin/sh\n#SBATCH --comment='{\"f\":1}'\ntrue\n", 0644);
    assert_int_equal(dc_scripthdr_comment_file(path, &got), 1);
    assert_string_equal(got, "{\"f\":1}");
    free(got);
    /* Missing files and directories are sbatch's to report. */
    assert_int_equal(dc_scripthdr_comment_file(dir, &got), 0);
    snprintf(path, sizeof(path), "%s/missing.sh", dir);
    assert_int_equal(dc_scripthdr_comment_file(path, &got), 0);
    assert_null(got);
    tu_dir_done(&dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_directives),
        cmocka_unit_test(test_not_directives),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
