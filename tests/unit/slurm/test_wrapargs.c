/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_wrapargs.c - the argv rewriting of datacrumbs_salloc/datacrumbs_sbatch against a table of
 * real salloc/sbatch command lines: what is ours, where Slurm's options end, what Slurm gets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "salloc/wrapargs.h"

#define J    "{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"/p\"}}"
#define C    "--comment=" J /* what the wrapper puts first */
#define MAXW 20

enum { SB = DC_TOOL_SBATCH, SA = DC_TOOL_SALLOC };

struct row {
    const char *what;
    int tool;
    const char *in[MAXW];  /* after argv[0] */
    const char *out[MAXW]; /* after argv[0]; C marks the inserted comment */
    int enable;            /* expected --datacrumbs-enable */
    const char *probe;     /* expected probe file */
    const char *comment;   /* expected component-0 --comment value */
    const char *script;    /* expected first word of the script/command, NULL for none */
    int hetjob, help, wrap;
};

static const struct row rows[] = {
    {"sbatch minimal",
     SB,
     {"--datacrumbs-enable", "--datacrumbs-probe-file", "/p", "job.sh"},
     {C, "job.sh"},
     1,
     "/p",
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"sbatch =PATH among Slurm options",
     SB,
     {"-N", "2", "--datacrumbs-enable", "--datacrumbs-probe-file=/p", "-J", "name", "job.sh",
      "arg1"},
     {C, "-N", "2", "-J", "name", "job.sh", "arg1"},
     1,
     "/p",
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"options after the script are the script's",
     SB,
     {"--datacrumbs-enable", "--datacrumbs-probe-file", "/p", "job.sh", "-h", "--datacrumbs-enable",
      "--comment", "x"},
     {C, "job.sh", "-h", "--datacrumbs-enable", "--comment", "x"},
     1,
     "/p",
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"a value that looks like our option",
     SB,
     {"-J", "--datacrumbs-enable", "job.sh"},
     {"-J", "--datacrumbs-enable", "job.sh"},
     0,
     NULL,
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"attached short value",
     SB,
     {"-J--datacrumbs-enable", "job.sh"},
     {"-J--datacrumbs-enable", "job.sh"},
     0,
     NULL,
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"user comment in two words",
     SB,
     {"--job-name=x", "--comment", "{\"a\":1}", "--datacrumbs-enable", "--datacrumbs-probe-file",
      "/p", "job.sh"},
     {C, "--job-name=x", "job.sh"},
     1,
     "/p",
     "{\"a\":1}",
     "job.sh",
     0,
     0,
     0},
    {"user comment abbreviated",
     SB,
     {"--comm={\"a\":1}", "--datacrumbs-enable", "--datacrumbs-probe-file", "/p", "job.sh"},
     {C, "job.sh"},
     1,
     "/p",
     "{\"a\":1}",
     "job.sh",
     0,
     0,
     0},
    {"last of two comments",
     SB,
     {"--comment=one", "--comment", "two", "--datacrumbs-enable", "--datacrumbs-probe-file", "/p",
      "job.sh"},
     {C, "job.sh"},
     1,
     "/p",
     "two",
     "job.sh",
     0,
     0,
     0},
    {"-- before the script",
     SB,
     {"-o", "out.txt", "-e", "err.txt", "--datacrumbs-enable", "--datacrumbs-probe-file", "/p",
      "--", "job.sh", "x"},
     {C, "-o", "out.txt", "-e", "err.txt", "--", "job.sh", "x"},
     1,
     "/p",
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"our options after -- are the script's",
     SB,
     {"--", "job.sh", "--datacrumbs-enable"},
     {"--", "job.sh", "--datacrumbs-enable"},
     0,
     NULL,
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"--wrap has no script",
     SB,
     {"--wrap", "srun hostname", "--datacrumbs-enable", "--datacrumbs-probe-file", "/p"},
     {C, "--wrap", "srun hostname"},
     1,
     "/p",
     NULL,
     NULL,
     0,
     0,
     1},
    {"heterogeneous job: component 0's comment only",
     SB,
     {"-N1", "--comment", "{\"a\":1}", "--datacrumbs-enable", "--datacrumbs-probe-file", "/p", ":",
      "-N2", "--comment", "{\"b\":2}", "job.sh"},
     {C, "-N1", ":", "-N2", "--comment", "{\"b\":2}", "job.sh"},
     1,
     "/p",
     "{\"a\":1}",
     "job.sh",
     1,
     0,
     0},
    {"--parsable stays",
     SB,
     {"--parsable", "--datacrumbs-enable", "--datacrumbs-probe-file", "/p", "job.sh"},
     {C, "--parsable", "job.sh"},
     1,
     "/p",
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"short cluster with a value",
     SB,
     {"-vvN2", "job.sh"},
     {"-vvN2", "job.sh"},
     0,
     NULL,
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"short cluster value in the next word",
     SB,
     {"-vN", "2", "job.sh"},
     {"-vN", "2", "job.sh"},
     0,
     NULL,
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"optional value not taken from the next word",
     SB,
     {"--exclusive", "job.sh"},
     {"--exclusive", "job.sh"},
     0,
     NULL,
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"optional value with =",
     SB,
     {"--exclusive=user", "job.sh"},
     {"--exclusive=user", "job.sh"},
     0,
     NULL,
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"unknown long option takes no value",
     SB,
     {"--future-option", "job.sh"},
     {"--future-option", "job.sh"},
     0,
     NULL,
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"abbreviated long option with a value",
     SB,
     {"--part", "debug", "job.sh"},
     {"--part", "debug", "job.sh"},
     0,
     NULL,
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"untouched without our options",
     SB,
     {"--time", "10", "--mem=1G", "-c", "2", "-A", "acct", "job.sh", "a", "b"},
     {"--time", "10", "--mem=1G", "-c", "2", "-A", "acct", "job.sh", "a", "b"},
     0,
     NULL,
     NULL,
     "job.sh",
     0,
     0,
     0},
    {"Slurm's help alone", SB, {"-h"}, {"-h"}, 0, NULL, NULL, NULL, 0, 1, 0},
    {"--usage is Slurm's help", SB, {"--usage"}, {"--usage"}, 0, NULL, NULL, NULL, 0, 1, 0},
    {"script from stdin",
     SB,
     {"--datacrumbs-enable", "--datacrumbs-probe-file", "/p"},
     {C},
     1,
     "/p",
     NULL,
     NULL,
     0,
     0,
     0},
    {"a script called -", SB, {"-N1", "-"}, {"-N1", "-"}, 0, NULL, NULL, "-", 0, 0, 0},
    {"salloc without a command",
     SA,
     {"--datacrumbs-enable", "--datacrumbs-probe-file", "/p", "-N", "1"},
     {C, "-N", "1"},
     1,
     "/p",
     NULL,
     NULL,
     0,
     0,
     0},
    {"salloc with a command and its options",
     SA,
     {"-N", "2", "--datacrumbs-enable", "--datacrumbs-probe-file", "/p", "srun", "-n", "2", "app",
      "-h"},
     {C, "-N", "2", "srun", "-n", "2", "app", "-h"},
     1,
     "/p",
     NULL,
     "srun",
     0,
     0,
     0},
    {"salloc --",
     SA,
     {"--datacrumbs-enable", "--datacrumbs-probe-file=/p", "--", "bash", "-c", "echo x"},
     {C, "--", "bash", "-c", "echo x"},
     1,
     "/p",
     NULL,
     "bash",
     0,
     0,
     0},
    {"salloc -I takes no next word",
     SA,
     {"-I", "srun", "x"},
     {"-I", "srun", "x"},
     0,
     NULL,
     NULL,
     "srun",
     0,
     0,
     0},
    {"salloc -I5", SA, {"-I5", "srun"}, {"-I5", "srun"}, 0, NULL, NULL, "srun", 0, 0, 0},
    {"salloc -k is not -K", SA, {"-K", "cmd"}, {"-K", "cmd"}, 0, NULL, NULL, "cmd", 0, 0, 0},
    {"salloc heterogeneous",
     SA,
     {"--datacrumbs-enable", "--datacrumbs-probe-file", "/p", "-N1", ":", "-N1", "cmd"},
     {C, "-N1", ":", "-N1", "cmd"},
     1,
     "/p",
     NULL,
     "cmd",
     1,
     0,
     0},
    {"salloc --comment value",
     SA,
     {"--comment={\"q\":\"r\"}", "--datacrumbs-enable", "--datacrumbs-probe-file", "/p"},
     {C},
     1,
     "/p",
     "{\"q\":\"r\"}",
     NULL,
     0,
     0,
     0},
    {"salloc long option with value in next word",
     SA,
     {"--partition", "debug", "--datacrumbs-enable", "--datacrumbs-probe-file", "/p", "cmd"},
     {C, "--partition", "debug", "cmd"},
     1,
     "/p",
     NULL,
     "cmd",
     0,
     0,
     0},
};

static int count(const char *const *v)
{
    int n = 0;

    while (n < MAXW && v[n])
        n++;
    return n;
}

static void check_row(const struct row *r)
{
    int n = count(r->in), m = count(r->out);
    char *argv[MAXW + 2], err[512], **out;
    struct dc_wrap_args a;

    argv[0] = "datacrumbs_x";
    for (int i = 0; i < n; i++)
        argv[i + 1] = (char *)r->in[i];
    argv[n + 1] = NULL;
    if (dc_wrap_parse((enum dc_slurm_tool)r->tool, n + 1, argv, &a, err, sizeof(err)) < 0)
        fail_msg("%s: parse failed: %s", r->what, err);
    if (a.enable != r->enable)
        fail_msg("%s: enable %d", r->what, a.enable);
    if ((a.probe_file == NULL) != (r->probe == NULL) ||
        (a.probe_file && strcmp(a.probe_file, r->probe) != 0))
        fail_msg("%s: probe_file %s", r->what, a.probe_file ? a.probe_file : "(null)");
    if ((a.comment == NULL) != (r->comment == NULL) ||
        (a.comment && strcmp(a.comment, r->comment) != 0))
        fail_msg("%s: comment %s", r->what, a.comment ? a.comment : "(null)");
    if (r->script == NULL ? a.script >= 0
                          : (a.script < 0 || strcmp(a.pass[a.script], r->script) != 0))
        fail_msg("%s: script index %d", r->what, a.script);
    if (a.hetjob != r->hetjob || a.slurm_help != r->help || a.wrap != r->wrap)
        fail_msg("%s: hetjob %d help %d wrap %d", r->what, a.hetjob, a.slurm_help, a.wrap);
    out = dc_wrap_build("sbatch", r->enable ? J : NULL, &a);
    assert_non_null(out);
    assert_string_equal(out[0], "sbatch");
    for (int i = 0; i < m; i++) {
        if (!out[i + 1] || strcmp(out[i + 1], r->out[i]) != 0)
            fail_msg("%s: word %d is '%s', want '%s'", r->what, i + 1,
                     out[i + 1] ? out[i + 1] : "(end)", r->out[i]);
    }
    if (out[m + 1])
        fail_msg("%s: extra word '%s'", r->what, out[m + 1]);
    dc_wrap_argv_free(out, r->enable ? J : NULL);
    dc_wrap_args_free(&a);
}

static void test_table(void **state)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        check_row(&rows[i]);
}

/* The untouched case hands Slurm exactly what the user typed, word for word. */
static void test_untouched_identity(void **state)
{
    char *argv[] = {"datacrumbs_sbatch", "-N", "1", "--comment", "free text", "job.sh", "-h", NULL};
    struct dc_wrap_args a;
    char err[256], **out;

    assert_int_equal(dc_wrap_parse(DC_TOOL_SBATCH, 7, argv, &a, err, sizeof(err)), 0);
    out = dc_wrap_build("sbatch", NULL, &a);
    for (int i = 1; i < 7; i++)
        assert_ptr_equal(out[i], argv[i]);
    assert_null(out[7]);
    dc_wrap_argv_free(out, NULL);
    dc_wrap_args_free(&a);
}

static void expect_usage_error(const char *w1, const char *w2, const char *needle)
{
    char *argv[] = {"datacrumbs_sbatch", (char *)w1, (char *)w2, NULL};
    struct dc_wrap_args a;
    char err[512];
    int argc = w2 ? 3 : 2;

    assert_int_equal(dc_wrap_parse(DC_TOOL_SBATCH, argc, argv, &a, err, sizeof(err)), -1);
    if (!strstr(err, needle))
        fail_msg("error '%s' lacks '%s'", err, needle);
    dc_wrap_args_free(&a);
}

static void test_usage_errors(void **state)
{
    expect_usage_error("--datacrumbs-probe-file", NULL, "needs a path");
    expect_usage_error("--datacrumbs-probe-file=", "job.sh", "not an empty string");
    expect_usage_error("--datacrumbs-probe-file", "", "not an empty string");
    expect_usage_error("--datacrumbs-enable=yes", "job.sh", "takes no value");
    expect_usage_error("--datacrumbs-bogus", "job.sh", "unknown option '--datacrumbs-bogus'");
    expect_usage_error("--datacrumbs-probe", "/p", "unknown option");
}

static void test_our_help(void **state)
{
    char *a1[] = {"x", "--datacrumbs-enable", "-h", NULL};
    char *a2[] = {"x", "--datacrumbs-help", NULL};
    char *a3[] = {"x", "--datacrumbs-version", "job.sh", NULL};
    struct dc_wrap_args a;
    char err[256];

    assert_int_equal(dc_wrap_parse(DC_TOOL_SBATCH, 3, a1, &a, err, sizeof(err)), 0);
    assert_true(a.slurm_help && a.any_ours);
    dc_wrap_args_free(&a);
    assert_int_equal(dc_wrap_parse(DC_TOOL_SALLOC, 2, a2, &a, err, sizeof(err)), 0);
    assert_true(a.help);
    dc_wrap_args_free(&a);
    assert_int_equal(dc_wrap_parse(DC_TOOL_SBATCH, 3, a3, &a, err, sizeof(err)), 0);
    assert_true(a.version);
    dc_wrap_args_free(&a);
}

static void test_find_comment_in_directives(void **state)
{
    char *w1[] = {"-N", "2", "--comment", "{\"a\":1}", "--time=5", NULL};
    char *w2[] = {"--comment={\"a\":1}", "job", "--comment=late", NULL};
    char *w3[] = {"-J", "--comment=x", NULL};

    assert_string_equal(dc_wrap_find_comment(DC_TOOL_SBATCH, 5, w1), "{\"a\":1}");
    assert_string_equal(dc_wrap_find_comment(DC_TOOL_SBATCH, 3, w2), "{\"a\":1}");
    assert_null(dc_wrap_find_comment(DC_TOOL_SBATCH, 2, w3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_untouched_identity),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_our_help),
        cmocka_unit_test(test_find_comment_in_directives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
