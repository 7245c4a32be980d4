/* SPDX-License-Identifier: BSD-3-Clause */
/* test_hookrun.c - the SPANK plugin runs the hook: argv, environment, output relayed, status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spank/hookrun.h"

struct lines {
    char text[128][DC_HOOKRUN_LINE_MAX + 1];
    int n;
};

static void collect(const char *line, void *ctx)
{
    struct lines *l = ctx;

    if (l->n < 128)
        snprintf(l->text[l->n++], sizeof(l->text[0]), "%s", line);
}

static int sh(const char *script, char *const envp[], struct lines *l)
{
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    char err[256];

    memset(l, 0, sizeof(*l));
    return dc_hookrun("/bin/sh", argv, envp, collect, l, err, sizeof(err));
}

static void test_output_and_status(void **state)
{
    char *envp[] = {"SLURM_JOB_ID=42", "PATH=/usr/bin:/bin", NULL};
    struct lines l;
    int st = sh("echo out; echo err >&2; printf 'no newline'; exit 3", envp, &l);

    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 3);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.text[0], "out");
    assert_string_equal(l.text[1], "err");
    assert_string_equal(l.text[2], "no newline");
}

static void test_environment_is_exactly_envp(void **state)
{
    char *envp[] = {"SLURM_JOB_ID=42", "PATH=/usr/bin:/bin", NULL};
    struct lines l;

    setenv("DC_SHOULD_NOT_LEAK", "1", 1);
    assert_int_equal(sh("echo ${SLURM_JOB_ID}-${DC_SHOULD_NOT_LEAK:-unset}", envp, &l), 0);
    assert_string_equal(l.text[0], "42-unset");
}

static void test_no_descriptor_inherited(void **state)
{
    char *envp[] = {"PATH=/usr/bin:/bin", NULL};
    struct lines l;
    int fd = open("/dev/null", O_RDONLY); /* deliberately without O_CLOEXEC */

    assert_true(fd > 2);
    assert_int_equal(sh("ls /proc/self/fd | wc -l; read x; echo stdin=$?", envp, &l), 0);
    /* 0, 1, 2 and the directory ls reads. */
    assert_string_equal(l.text[0], "4");
    assert_string_equal(l.text[1], "stdin=1");
    close(fd);
}

static void test_hostile_output(void **state)
{
    char *envp[] = {"PATH=/usr/bin:/bin", NULL};
    struct lines l;
    int st = sh("printf 'a\\033[31mb\\r\\n'; head -c 5000 /dev/zero | tr '\\0' x; echo;"
                " i=0; while [ $i -lt 100 ]; do echo $i; i=$((i+1)); done",
                envp, &l);

    assert_int_equal(st, 0);
    assert_string_equal(l.text[0], "a?[31mb?");
    assert_int_equal(strlen(l.text[1]), DC_HOOKRUN_LINE_MAX);
    assert_int_equal(l.n, DC_HOOKRUN_LINES + 1);
    assert_non_null(strstr(l.text[DC_HOOKRUN_LINES], "38 more lines"));
}

static void test_cannot_run(void **state)
{
    char *argv[] = {"/nonexistent/hook", NULL};
    char *envp[] = {NULL};
    char err[256];
    int st = dc_hookrun("/nonexistent/hook", argv, envp, NULL, NULL, err, sizeof(err));

    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 127);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_and_status),
        cmocka_unit_test(test_environment_is_exactly_envp),
        cmocka_unit_test(test_no_descriptor_inherited),
        cmocka_unit_test(test_hostile_output),
        cmocka_unit_test(test_cannot_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
