/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_rt_procs.c - which runs of a user are active on the node (their ready files): the rule
 * that decides whether a process naming no run is this run's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/procs.h"
#include "testutil.h"

static char *dir;

static void ready(const char *run, uid_t uid, pid_t pid)
{
    char path[512], text[96];

    snprintf(path, sizeof(path), "%s/datacrumbs-%s.ready", dir, run);
    rt_procs_ready_text(text, sizeof(text), uid, pid);
    tu_write(path, text, 0644);
}

static void write_raw(const char *name, const char *text)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    tu_write(path, text, 0644);
}

static int setup(void **state)
{
    (void)state;
    dir = tu_mkdtemp();
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return tu_dir_done(&dir);
}

static void test_ready_text(void **state)
{
    char text[96];

    (void)state;
    assert_int_equal(rt_procs_ready_text(text, sizeof(text), 1000, 42), 22);
    assert_string_equal(text, "ready\nuid 1000\npid 42\n");
    /* Truncated, never overrun. */
    assert_int_equal(rt_procs_ready_text(text, 8, 1000, 42), 7);
}

static void test_alone(void **state)
{
    (void)state;
    assert_true(rt_procs_sole_run(dir, "r1", 1000));
    ready("r1", 1000, getpid()); /* this run itself */
    assert_true(rt_procs_sole_run(dir, "r1", 1000));
    assert_true(rt_procs_sole_run("/nonexistent/dir", "r1", 1000));
}

static void test_other_user(void **state)
{
    (void)state;
    ready("r1", 1000, getpid());
    ready("r2", 1001, getpid());
    assert_true(rt_procs_sole_run(dir, "r1", 1000));
}

static void test_same_user_alive(void **state)
{
    (void)state;
    ready("r1", 1000, getpid());
    ready("r2", 1000, getpid());
    assert_false(rt_procs_sole_run(dir, "r1", 1000));
    assert_false(rt_procs_sole_run(dir, "r2", 1000));
}

/* A run whose daemon died without removing its ready file does not count. */
static void test_same_user_dead(void **state)
{
    pid_t child = fork();

    (void)state;
    assert_true(child >= 0);
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    ready("r1", 1000, getpid());
    ready("r2", 1000, child);
    assert_true(rt_procs_sole_run(dir, "r1", 1000));
}

/* Anything else in run_dir is not a run: other names, old one-line ready files, garbage. */
static void test_not_runs(void **state)
{
    char path[512], target[512];

    (void)state;
    ready("r1", 1000, getpid());
    write_raw("datacrumbs-old.ready", "ready\n");
    write_raw("datacrumbs-junk.ready", "uid 1000\npid 1\n");
    write_raw("datacrumbs-r3.json", "ready\nuid 1000\npid 1\n");
    write_raw("datacrumbs-.ready", "ready\nuid 1000\npid 1\n");
    write_raw("other.ready", "ready\nuid 1000\npid 1\n");
    write_raw("datacrumbs-neg.ready", "ready\nuid 1000\npid -5\n");
    /* A link is not followed: its target says "a live run of 1000". */
    snprintf(target, sizeof(target), "%s/elsewhere", dir);
    tu_write(target, "ready\nuid 1000\npid 1\n", 0644);
    snprintf(path, sizeof(path), "%s/datacrumbs-link.ready", dir);
    assert_int_equal(symlink(target, path), 0);
    assert_true(rt_procs_sole_run(dir, "r1", 1000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ready_text),
        cmocka_unit_test_setup_teardown(test_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_user_alive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_user_dead, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_runs, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
