/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_fanout.c - the process pool behind datacrumbs_run: stdin fed and closed, output captured
 * within bounds, at most N at once, a deadline per job, programs that cannot start.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "fanout.h"

static long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void test_input_and_output(void **state)
{
    static const char *const cat[] = {"/bin/cat", NULL};
    static const char *const err[] = {"/bin/sh", "-c", "echo oops >&2; exit 3", NULL};
    struct dc_job jobs[2];

    (void)state;
    memset(jobs, 0, sizeof(jobs));
    jobs[0].argv = cat;
    jobs[0].input = "hello\n";
    jobs[0].input_len = 6;
    jobs[1].argv = err;
    assert_int_equal(dc_fanout_run(jobs, 2, 4, 5000, 1024), 0);
    assert_true(WIFEXITED(jobs[0].status) && WEXITSTATUS(jobs[0].status) == 0);
    assert_string_equal(jobs[0].out, "hello\n");
    assert_int_equal(jobs[0].out_len, 6);
    assert_null(jobs[0].err);
    assert_true(WIFEXITED(jobs[1].status) && WEXITSTATUS(jobs[1].status) == 3);
    assert_string_equal(jobs[1].err, "oops\n");
    assert_false(jobs[1].timed_out);
    dc_fanout_free(jobs, 2);
}

static void test_capture_bounds(void **state)
{
    static const char *const loud[] = {
        "/bin/sh", "-c",
        "head -c 100000 /dev/zero | tr '\\0' a; printf 'HEAD' >&2; "
        "head -c 100000 /dev/zero | tr '\\0' b >&2; printf 'TAIL' >&2",
        NULL};
    struct dc_job job;

    (void)state;
    memset(&job, 0, sizeof(job));
    job.argv = loud;
    assert_int_equal(dc_fanout_run(&job, 1, 1, 5000, 64), 0);
    /* stdout keeps its head (the reply comes first), stderr its tail (the error comes last). */
    assert_int_equal(job.out_len, 64);
    assert_int_equal(strspn(job.out, "a"), 64);
    assert_int_equal(job.err_len, 64);
    assert_string_equal(job.err + 60, "TAIL");
    dc_fanout_free(&job, 1);
}

static void test_parallel_and_deadline(void **state)
{
    static const char *const nap[] = {"/bin/sleep", "0.3", NULL};
    static const char *const hang[] = {"/bin/sleep", "30", NULL};
    struct dc_job jobs[4];
    long t0;

    (void)state;
    memset(jobs, 0, sizeof(jobs));
    for (int i = 0; i < 4; i++)
        jobs[i].argv = nap;
    t0 = now_ms();
    assert_int_equal(dc_fanout_run(jobs, 4, 2, 5000, 64), 0);
    /* Two at a time: two waves of 0.3 s. */
    assert_true(now_ms() - t0 >= 550);
    assert_true(now_ms() - t0 < 3000);
    for (int i = 0; i < 4; i++)
        assert_true(WIFEXITED(jobs[i].status) && WEXITSTATUS(jobs[i].status) == 0);
    dc_fanout_free(jobs, 4);

    memset(jobs, 0, sizeof(jobs));
    jobs[0].argv = hang;
    jobs[1].argv = nap;
    t0 = now_ms();
    assert_int_equal(dc_fanout_run(jobs, 2, 2, 500, 64), 0);
    assert_true(now_ms() - t0 < 3000);
    assert_true(jobs[0].timed_out);
    assert_true(WIFSIGNALED(jobs[0].status));
    assert_false(jobs[1].timed_out);
    dc_fanout_free(jobs, 2);
}

static void test_spawn_failure(void **state)
{
    static const char *const missing[] = {"/nonexistent/ssh", NULL};
    static const char *const ok[] = {"/bin/true", NULL};
    struct dc_job jobs[2];

    (void)state;
    memset(jobs, 0, sizeof(jobs));
    jobs[0].argv = missing;
    jobs[1].argv = ok;
    assert_int_equal(dc_fanout_run(jobs, 2, 1, 5000, 64), 0);
    assert_true(jobs[0].spawn_failed);
    assert_int_equal(jobs[0].spawn_errno, ENOENT);
    assert_false(jobs[1].spawn_failed);
    assert_true(WIFEXITED(jobs[1].status));
    dc_fanout_free(jobs, 2);
    assert_int_equal(dc_fanout_run(jobs, 0, 4, 100, 64), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_and_output),
        cmocka_unit_test(test_capture_bounds),
        cmocka_unit_test(test_parallel_and_deadline),
        cmocka_unit_test(test_spawn_failure),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
