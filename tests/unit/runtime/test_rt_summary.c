/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rt_summary.c - the run summary: events, every drop reason, attach failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/runfiles.h"
#include "testutil.h"

static void test_summary(void **state)
{
    struct rt_summary s = {.run_id = "r1",
                           .user = "alice",
                           .uid = 1000,
                           .host = "n1",
                           .probe_file = "/p.json.gz",
                           .trace_file = "/t/x.pfw.gz",
                           .pid = 7,
                           .started = 1700000000,
                           .stopped = 1700000060,
                           .lines = 100,
                           .malformed = 1};
    json_t *cats = json_loads("[{\"type\":0,\"name\":\"sys\",\"functions\":[\"read\",\"bogus\"]},"
                              "{\"type\":1,\"name\":\"k\",\"functions\":[\"vfs_read\"]}]",
                              0, NULL);
    struct rt_plan p;
    char err[128], *text, path[64];
    json_t *j, *f;

    s.stats[DC_STAT_RING_FULL] = 2;
    s.stats[DC_STAT_SHORT] = 3;
    s.stats[DC_STAT_DEPTH] = 4;
    s.stats[DC_STAT_NO_THREAD] = 5;
    s.stats[DC_STAT_UNMATCHED] = 6;
    s.stats[DC_STAT_PROC_ADDED] = 2;
    assert_int_equal(rt_summary_drops(&s), 15);
    assert_int_equal(rt_plan_build(&p, cats, err, sizeof(err)), 0);
    rt_plan_resolve(&p, NULL);
    p.funcs[0].attached = 1;
    rt_plan_fail(&p.funcs[2], "kprobe: %s", "No such file or directory");
    text = rt_summary_json(&s, &p);
    assert_non_null(text);
    j = json_loads(text, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "trace_file")), "/t/x.pfw.gz");
    assert_int_equal(json_integer_value(json_object_get(j, "events")), 100);
    assert_int_equal(json_integer_value(json_object_get(j, "drops")), 15);
    assert_int_equal(json_integer_value(json_object_get(j, "events_failed")), 15);
    assert_int_equal(json_integer_value(json_object_get(j, "total_events_captured")), 100);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(j, "drop_reasons"), "ring_buffer_full")),
        2);
    assert_string_equal(json_string_value(json_object_get(j, "started_at")),
                        "2023-11-14T22:13:20Z");
    f = json_object_get(j, "attach_failures");
    assert_int_equal(json_array_size(f), 2);
    /* The first reason stands: no kprobes on this kernel at all, or the attach failure. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(f, 1), "error")),
                        p.funcs[2].error);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(j, "functions"), "attached")), 1);
    assert_true(json_is_null(json_object_get(j, "error")));
    json_decref(j);
    free(text);

    assert_int_equal(rt_run_path(path, sizeof(path), "/run/datacrumbs", "42", ".ready"), 0);
    assert_string_equal(path, "/run/datacrumbs/datacrumbs-42.ready");
    assert_int_equal(rt_run_path(path, 16, "/run/datacrumbs", "42", ".ready"), -1);
    rt_plan_free(&p);
    json_decref(cats);
}

/* A trace ended early: why, and its events counted as drops. */
static void test_truncated(void **state)
{
    struct rt_summary s = {.run_id = "r1", .user = "alice", .lines = 10, .not_written = 90};
    char *text;
    json_t *j;

    s.truncated = "trace byte cap reached";
    assert_int_equal(rt_summary_drops(&s), 90);
    text = rt_summary_json(&s, NULL);
    j = json_loads(text, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "truncated")),
                        "trace byte cap reached");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(j, "drop_reasons"), "after_truncation")),
        90);
    assert_int_equal(json_integer_value(json_object_get(j, "drops")), 90);
    json_decref(j);
    free(text);
}

/* The summary is the run's user's (and root's) alone, with its final mode from the start. */
static void test_summary_file(void **state)
{
    struct rt_summary s = {.run_id = "r1", .user = "alice", .uid = 4242, .gid = 4343};
    char *dir, path[4096];
    struct stat st;

    if (geteuid() != 0)
        skip(); /* handing it to another user */
    dir = tu_mkdtemp();
    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s/datacrumbs-r1.json", dir);
    assert_int_equal(rt_summary_write(path, &s, NULL), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0400);
    assert_int_equal(st.st_uid, 4242);
    assert_int_equal(st.st_gid, 4343);
    tu_dir_done(&dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_summary),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_summary_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
