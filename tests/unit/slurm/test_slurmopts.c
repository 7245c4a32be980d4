/* SPDX-License-Identifier: BSD-3-Clause */
/* test_slurmopts.c - salloc/sbatch option lookup the way their getopt_long does it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "salloc/slurmopts.h"

static enum dc_arg lookup(enum dc_slurm_tool t, const char *name, const char **canon)
{
    return dc_slurm_long_option(t, name, strlen(name), canon);
}

static void test_exact_and_abbreviated(void **state)
{
    const char *c;

    assert_int_equal(lookup(DC_TOOL_SBATCH, "comment", &c), DC_ARG_REQ);
    assert_string_equal(c, "comment");
    assert_int_equal(lookup(DC_TOOL_SBATCH, "comm", &c), DC_ARG_REQ);
    assert_string_equal(c, "comment");
    assert_int_equal(lookup(DC_TOOL_SALLOC, "comm", &c), DC_ARG_REQ);
    assert_string_equal(c, "comment");
    /* "cluster" is exact although "clusters" and "cluster-constraint" also start with it. */
    assert_int_equal(lookup(DC_TOOL_SBATCH, "cluster", &c), DC_ARG_REQ);
    assert_string_equal(c, "cluster");
    assert_int_equal(lookup(DC_TOOL_SBATCH, "parsable", &c), DC_ARG_NONE);
    assert_int_equal(lookup(DC_TOOL_SBATCH, "exclusive", &c), DC_ARG_OPT);
    assert_int_equal(lookup(DC_TOOL_SBATCH, "wrap", &c), DC_ARG_REQ);
    assert_int_equal(lookup(DC_TOOL_SALLOC, "wrap", &c), DC_ARG_UNKNOWN);
    assert_int_equal(lookup(DC_TOOL_SALLOC, "no-shell", &c), DC_ARG_NONE);
}

static void test_ambiguous(void **state)
{
    const char *c = "x";

    /* partition (value) and parsable (none): ambiguous, Slurm refuses it. */
    assert_int_equal(lookup(DC_TOOL_SBATCH, "pa", &c), DC_ARG_UNKNOWN);
    assert_null(c);
    /* nodefile, nodelist, nodes all take a value: the kind is known, the name is not. */
    assert_int_equal(lookup(DC_TOOL_SBATCH, "nod", &c), DC_ARG_REQ);
    assert_null(c);
    assert_int_equal(lookup(DC_TOOL_SBATCH, "", &c), DC_ARG_UNKNOWN);
    assert_int_equal(lookup(DC_TOOL_SBATCH, "nosuchoption", &c), DC_ARG_UNKNOWN);
    assert_int_equal(lookup(DC_TOOL_SBATCH, "comments", &c), DC_ARG_UNKNOWN);
}

static void test_short(void **state)
{
    assert_int_equal(dc_slurm_short_option(DC_TOOL_SBATCH, 'N'), DC_ARG_REQ);
    assert_int_equal(dc_slurm_short_option(DC_TOOL_SBATCH, 'o'), DC_ARG_REQ);
    assert_int_equal(dc_slurm_short_option(DC_TOOL_SALLOC, 'o'), DC_ARG_UNKNOWN);
    assert_int_equal(dc_slurm_short_option(DC_TOOL_SBATCH, 'h'), DC_ARG_NONE);
    assert_int_equal(dc_slurm_short_option(DC_TOOL_SALLOC, 'I'), DC_ARG_OPT);
    assert_int_equal(dc_slurm_short_option(DC_TOOL_SBATCH, '\0'), DC_ARG_UNKNOWN);
    assert_int_equal(dc_slurm_short_option(DC_TOOL_SBATCH, '-'), DC_ARG_UNKNOWN);
}

/* The tables are sorted and without duplicates, so the abbreviation rule is well defined. */
static void test_tables_sorted(void **state)
{
    for (int t = 0; t < 2; t++) {
        const char *prev = NULL, *name;
        enum dc_arg arg;

        for (size_t i = 0; (name = dc_slurm_long_option_at((enum dc_slurm_tool)t, i, &arg)); i++) {
            if (prev && strcmp(prev, name) >= 0)
                fail_msg("%s: '%s' after '%s'", dc_slurm_tool_name((enum dc_slurm_tool)t), name,
                         prev);
            prev = name;
        }
        assert_non_null(prev);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_and_abbreviated),
        cmocka_unit_test(test_ambiguous),
        cmocka_unit_test(test_short),
        cmocka_unit_test(test_tables_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
