/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_trace_stats.c - descriptor tracking (open, openat, dup2, fcntl, close, fork inheritance,
 * stdio streams), bytes and errors, trace names, and the hash tables' bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "trace/stats.h"

static struct tr_stats st;

static void feed(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void feed(const char *fmt, ...)
{
    char line[1024];
    struct tr_event ev;
    const char *why = NULL;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (tr_parse_event(line, strlen(line), &ev, &why) != 0)
        fail_msg("%s: %s", line, why);
    assert_int_equal(tr_stats_add(&st, 0, &ev), 0);
}

#define CALL(pid, name, args)                                                                      \
    feed("{\"name\":\"" name "\",\"cat\":\"libc\",\"ph\":\"X\",\"ts\":%d,\"dur\":10,\"pid\":%d,"   \
         "\"tid\":%d,\"args\":{" args "}}",                                                        \
         ++clock_us, pid, pid)

#define CALLC(pid, cat, name, args)                                                                \
    feed("{\"name\":\"" name "\",\"cat\":\"" cat "\",\"ph\":\"X\",\"ts\":%d,\"dur\":10,"           \
         "\"pid\":%d,\"tid\":%d,\"args\":{" args "}}",                                             \
         ++clock_us, pid, pid)

static int clock_us;

/* The counts of (path, libc); NULL when the path has none. */
static const struct tr_counts *file(const char *path)
{
    long p = tr_strtab_find(&st.paths, path, strlen(path));
    long c = tr_strtab_find(&st.cats, "libc", 4);

    if (p < 0 || c < 0)
        return NULL;
    for (size_t i = 0; i < st.nfiles; i++)
        if (st.files[i].path == (uint32_t)p && st.files[i].cat == (uint32_t)c)
            return &st.files[i].c;
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    clock_us = 1000;
    assert_int_equal(tr_stats_init(&st, 1, 1), 0);
    assert_int_equal(tr_stats_input(&st, 0, "/x/trace-bob-42-node-7.1.pfw.gz"), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tr_stats_free(&st);
    return 0;
}

static void test_open_write_close(void **state)
{
    const struct tr_counts *c;

    (void)state;
    CALL(10, "open64", "\"file\":\"/d/a\",\"oflag\":577,\"ret\":3");
    CALL(10, "write", "\"fd\":3,\"buf\":\"0x10\",\"n\":4096,\"ret\":4096");
    CALL(10, "write", "\"fd\":3,\"buf\":\"0x10\",\"n\":4096,\"ret\":100");
    CALL(10, "pread64", "\"fd\":3,\"buf\":\"0x10\",\"n\":4096,\"offset\":0,\"ret\":50");
    CALL(10, "write", "\"fd\":3,\"buf\":\"0x10\",\"n\":4096,\"ret\":-1");
    CALL(10, "close", "\"fd\":3,\"ret\":0");
    CALL(10, "write", "\"fd\":3,\"buf\":\"0x10\",\"n\":7,\"ret\":7"); /* after close: unknown */
    c = file("/d/a");
    assert_non_null(c);
    assert_int_equal(c->opens, 1);
    assert_int_equal(c->writes, 3);
    assert_int_equal(c->reads, 1);
    assert_int_equal(c->wbytes, 4196);
    assert_int_equal(c->rbytes, 50);
    assert_int_equal(c->errors, 1);
    assert_int_equal(c->calls, 6);
    assert_int_equal(c->dur, 60);
    assert_int_equal(st.unresolved, 1);
    assert_int_equal(st.events, 7);
    /* Access sizes: 4096 and 100 and 7 written, -1 not counted; 50 read. */
    assert_int_equal(st.size_write[tr_size_bucket(4096)], 1);
    assert_int_equal(st.size_write[tr_size_bucket(100)], 1);
    assert_int_equal(st.size_write[0], 1);
    assert_int_equal(st.size_read[0], 1);
}

static void test_openat_dup_fork(void **state)
{
    (void)state;
    CALL(20, "open", "\"file\":\"/d\",\"oflag\":0,\"ret\":4");
    CALL(20, "openat", "\"dfd\":4,\"file\":\"sub/x\",\"oflag\":0,\"ret\":5");
    CALL(20, "openat", "\"dfd\":-100,\"file\":\"rel\",\"oflag\":0,\"ret\":6");
    CALL(20, "dup2", "\"fd\":5,\"fd2\":9,\"ret\":9");
    CALL(20, "fcntl", "\"fd\":5,\"cmd\":0,\"ret\":11"); /* F_DUPFD */
    CALL(20, "fcntl", "\"fd\":6,\"cmd\":1,\"ret\":0");  /* F_GETFD: no new descriptor */
    CALL(20, "close", "\"fd\":5,\"ret\":0");
    CALL(20, "write", "\"fd\":9,\"buf\":\"0x1\",\"n\":10,\"ret\":10");
    CALL(20, "write", "\"fd\":11,\"buf\":\"0x1\",\"n\":20,\"ret\":20");
    CALL(20, "fork", "\"ret\":21");
    CALL(20, "close", "\"fd\":9,\"ret\":0");
    /* The child still has 9 and 6 from its parent; the parent closed 9. */
    CALL(21, "write", "\"fd\":9,\"buf\":\"0x1\",\"n\":300,\"ret\":300");
    CALL(21, "read", "\"fd\":6,\"buf\":\"0x1\",\"n\":1,\"ret\":1");
    CALL(20, "write", "\"fd\":9,\"buf\":\"0x1\",\"n\":5000,\"ret\":5000");
    assert_non_null(file("/d/sub/x"));
    assert_int_equal(file("/d/sub/x")->wbytes, 330);
    assert_int_equal(file("/d/sub/x")->opens, 1);
    assert_int_equal(file("rel")->rbytes, 1);
    assert_int_equal(st.unresolved, 1);
    assert_int_equal(st.nprocs, 2);
}

/* libc and the system call under it: each layer opens and closes its own descriptor (the
 * system call returns first, so it closes first). */
static void test_layers(void **state)
{
    long c = -1;

    (void)state;
    CALLC(50, "sys", "openat", "\"dfd\":-100,\"filename\":\"/l/x\",\"flags\":0,\"ret\":3");
    CALLC(50, "libc", "open", "\"file\":\"/l/x\",\"oflag\":0,\"ret\":3");
    CALLC(50, "sys", "read", "\"fd\":3,\"buf\":\"0x1\",\"count\":9,\"ret\":9");
    CALLC(50, "libc", "read", "\"fd\":3,\"buf\":\"0x1\",\"nbytes\":9,\"ret\":9");
    CALLC(50, "sys", "close", "\"fd\":3,\"ret\":0");
    CALLC(50, "libc", "close", "\"fd\":3,\"ret\":0");
    /* A layer that saw no open falls back to another layer's table. */
    CALLC(50, "libc", "open", "\"file\":\"/l/y\",\"oflag\":0,\"ret\":4");
    CALLC(50, "sys", "write", "\"fd\":4,\"buf\":\"0x1\",\"count\":5,\"ret\":5");
    assert_int_equal(file("/l/x")->calls, 3);
    assert_int_equal(file("/l/x")->rbytes, 9);
    assert_int_equal(st.unresolved, 0);
    c = tr_strtab_find(&st.cats, "sys", 3);
    assert_true(c >= 0);
    for (size_t i = 0; i < st.nfiles; i++)
        if (st.files[i].cat == (uint32_t)c &&
            st.files[i].path == (uint32_t)tr_strtab_find(&st.paths, "/l/y", 4))
            assert_int_equal(st.files[i].c.wbytes, 5);
}

static void test_stdio_streams(void **state)
{
    (void)state;
    CALL(30, "fopen64", "\"filename\":\"/s/f\",\"modes\":\"w\",\"ret\":94000636522496");
    CALL(30, "fwrite",
         "\"ptr\":\"0x1000\",\"size\":8,\"n\":10,\"s\":\"0x557e3a8c7000\",\"ret\":10");
    CALL(30, "fread",
         "\"ptr\":\"0x1000\",\"size\":4,\"n\":10,\"stream\":\"0x557e3a8c7000\",\"ret\":3");
    CALL(30, "fclose", "\"stream\":\"0x557e3a8c7000\",\"ret\":0");
    CALL(30, "fwrite",
         "\"ptr\":\"0x1000\",\"size\":8,\"n\":10,\"s\":\"0x557e3a8c7000\",\"ret\":10");
    assert_non_null(file("/s/f"));
    assert_int_equal(file("/s/f")->wbytes, 80);
    assert_int_equal(file("/s/f")->rbytes, 12);
    assert_int_equal(file("/s/f")->calls, 4);
    assert_int_equal(st.unresolved, 1);
}

static void test_function_stats(void **state)
{
    struct tr_func *w = NULL;

    (void)state;
    for (int i = 0; i < 100; i++)
        CALL(40, "write", "\"fd\":1,\"buf\":\"0x1\",\"n\":10,\"ret\":10");
    CALL(40, "write", "\"fd\":1,\"buf\":\"0x1\",\"n\":10,\"ret\":-1");
    for (size_t i = 0; i < st.nfuncs; i++)
        if (strcmp(st.funcs[i]->name, "write") == 0)
            w = st.funcs[i];
    assert_non_null(w);
    assert_int_equal(w->calls, 101);
    assert_int_equal(w->wbytes, 1000);
    assert_int_equal(w->errors, 1);
    assert_int_equal(tr_hist_quantile(&w->hist, 0.5), 10);
    /* Unknown descriptor 1: stdout. */
    assert_non_null(file("<stdout>"));
    assert_string_equal(st.users.strs[0], "bob");
    assert_string_equal(st.runs.strs[0], "42");
    assert_string_equal(st.hosts.strs[0], "node-7");
}

static void test_classify_and_names(void **state)
{
    char u[64], r[64], h[64];

    (void)state;
    assert_int_equal(tr_classify("pwrite64", 8), FC_WRITE);
    assert_int_equal(tr_classify("__open_2", 8), FC_OPEN);
    assert_int_equal(tr_classify("openat", 6), FC_OPENAT);
    assert_int_equal(tr_classify("__xstat64", 9), FC_PATHOP);
    assert_int_equal(tr_classify("fork", 4), FC_FORK);
    assert_int_equal(tr_classify("lseek", 5), FC_OTHER);
    assert_int_equal(tr_parse_trace_name("/t/trace-alice-12-34-n01.pfw.gz", u, r, h, 64), 0);
    assert_string_equal(u, "alice");
    assert_string_equal(r, "12");
    assert_string_equal(h, "34-n01");
    assert_int_equal(tr_parse_trace_name("trace-a-b-c.3.pfw", u, r, h, 64), 0);
    assert_string_equal(h, "c");
    assert_int_equal(tr_parse_trace_name("merged.pfw.gz", u, r, h, 64), -1);
    assert_int_equal(tr_parse_trace_name("trace-ab.pfw.gz", u, r, h, 64), -1);
    assert_int_equal(tr_size_bucket(0), 0);
    assert_int_equal(tr_size_bucket(99), 0);
    assert_int_equal(tr_size_bucket(100), 1);
    assert_int_equal(tr_size_bucket(4096), 2);
    assert_int_equal(tr_size_bucket(1ull << 40), 9);
}

static void test_maps_bounded(void **state)
{
    struct tr_u64map m;
    struct tr_strtab t;
    uint32_t v;

    (void)state;
    tr_u64map_init(&m);
    /* A million open/close cycles on changing descriptors: the table stays small. */
    for (uint32_t i = 0; i < 1000000; i++) {
        assert_int_equal(tr_u64map_put(&m, i, i), 0);
        assert_true(tr_u64map_get(&m, i, &v));
        assert_int_equal(v, i);
        tr_u64map_del(&m, i);
        assert_false(tr_u64map_get(&m, i, &v));
    }
    assert_true(m.nslots <= 64);
    tr_u64map_free(&m);
    tr_strtab_init(&t);
    for (int i = 0; i < 10000; i++) {
        char k[32];

        snprintf(k, sizeof(k), "/p/%d", i);
        assert_int_equal(tr_strtab_intern(&t, k, strlen(k)), i);
    }
    assert_int_equal(tr_strtab_intern(&t, "/p/77", 5), 77);
    assert_int_equal(tr_strtab_find(&t, "/p/x", 4), -1);
    tr_strtab_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_write_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_openat_dup_fork, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stdio_streams, setup, teardown),
        cmocka_unit_test_setup_teardown(test_function_stats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_classify_and_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_maps_bounded, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
