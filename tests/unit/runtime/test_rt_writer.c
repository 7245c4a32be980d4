/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rt_writer.c - chunks in, one gzip stream out, in order, with back-pressure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "runtime/writer.h"
#include "testutil.h"

static void test_roundtrip(void **state)
{
    char *dir = tu_mkdtemp(), path[4096], err[256], line[64];
    struct rt_writer *w;
    uint64_t bytes = 0;
    unsigned long expect = 0, got = 0;
    int fd, n;
    gzFile gz;

    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s/t.gz", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(rt_writer_start(&w, fd, 1, err, sizeof(err)), 0);
    /* More chunks than the queue holds: rt_writer_chunk waits for recycled ones. */
    for (int c = 0; c < 3 * RT_CHUNKS_QUEUE; c++) {
        struct rt_chunk *ch = rt_writer_chunk(w);

        assert_non_null(ch);
        while (ch->len + sizeof(line) < RT_CHUNK_SIZE / 64) {
            n = snprintf(line, sizeof(line), "line %lu\n", expect++);
            memcpy(ch->data + ch->len, line, (size_t)n);
            ch->len += (size_t)n;
        }
        rt_writer_submit(w, ch);
    }
    rt_writer_submit(w, rt_writer_chunk(w)); /* an empty one is just recycled */
    assert_false(rt_writer_failed(w));
    assert_int_equal(rt_writer_finish(w, &bytes, err, sizeof(err)), 0);
    close(fd);
    assert_true(bytes > 0);
    gz = gzopen(path, "rb");
    assert_non_null(gz);
    while (gzgets(gz, line, sizeof(line))) {
        char want[64];

        snprintf(want, sizeof(want), "line %lu\n", got++);
        assert_string_equal(line, want);
    }
    assert_int_equal(gzclose(gz), Z_OK);
    assert_int_equal(got, expect);
    tu_dir_done(&dir);
}

static void test_write_error(void **state)
{
    char err[256];
    struct rt_writer *w;
    struct rt_chunk *ch;
    int fd = open("/dev/full", O_WRONLY);

    if (fd < 0)
        skip();
    assert_int_equal(rt_writer_start(&w, fd, 1, err, sizeof(err)), 0);
    ch = rt_writer_chunk(w);
    memset(ch->data, 'x', RT_CHUNK_SIZE);
    for (size_t i = 0; i < RT_CHUNK_SIZE; i += 7)
        ch->data[i] = (char)('a' + i % 26); /* not too compressible */
    ch->len = RT_CHUNK_SIZE;
    rt_writer_submit(w, ch);
    assert_int_equal(rt_writer_finish(w, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "writing the trace"));
    close(fd);
}

/* Chunks of hard-to-compress event lines, between "[" and "]" as the trace reader sends them. */
static unsigned long feed_events(struct rt_writer *w, int nchunks)
{
    unsigned long n = 0, x = 12345;
    struct rt_chunk *ch = rt_writer_chunk(w);

    memcpy(ch->data, "[\n", 2);
    ch->len = 2;
    for (int c = 0; c < nchunks; c++) {
        while (ch->len + 128 < RT_CHUNK_SIZE) {
            int k = snprintf(ch->data + ch->len, 128, "{\"id\":%lu,\"r\":\"%lx%lx\"}\n", n++,
                             x * 2654435761u, x * 40503u);

            x = x * 6364136223846793005u + 1;
            ch->len += (size_t)k;
        }
        rt_writer_submit(w, ch);
        ch = rt_writer_chunk(w);
    }
    memcpy(ch->data, "]\n", 2);
    ch->len = 2;
    rt_writer_submit(w, ch);
    return n;
}

/* Read the whole gzip file back: lines, and whether the first is "[" and the last "]". */
static unsigned long read_back(const char *path, int *brackets)
{
    char line[256], last[256] = "";
    unsigned long lines = 0;
    gzFile gz = gzopen(path, "rb");

    assert_non_null(gz);
    *brackets = 0;
    while (gzgets(gz, line, sizeof(line))) {
        if (lines == 0)
            *brackets = strcmp(line, "[\n") == 0;
        snprintf(last, sizeof(last), "%s", line);
        lines++;
    }
    assert_int_equal(gzclose(gz), Z_OK); /* a complete stream: trailer and CRC check */
    *brackets = *brackets && strcmp(last, "]\n") == 0;
    return lines;
}

/* A temporary directory (returned) and the name of a file in it. */
static char *temp_file(char *path, size_t len)
{
    char *dir = tu_mkdtemp();

    if (!dir)
        fail();
    snprintf(path, len, "%s/t.gz", dir ? dir : "");
    return dir;
}

/* Write nchunks of events to a new file path with the given cap; *rep as the writer reports. */
static unsigned long write_capped(const char *path, uint64_t cap, int nchunks,
                                  struct rt_writer_report *rep, uint64_t *bytes)
{
    struct rt_writer_limits lim = {.max_bytes = cap};
    struct rt_writer *w;
    unsigned long sent;
    char err[256];
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

    assert_true(fd >= 0);
    assert_int_equal(rt_writer_start(&w, fd, 1, err, sizeof(err)), 0);
    rt_writer_limit(w, &lim, rep);
    sent = feed_events(w, nchunks);
    assert_false(rt_writer_failed(w));
    assert_int_equal(rt_writer_finish(w, bytes, err, sizeof(err)), 0);
    close(fd);
    return sent;
}

static void test_byte_cap(void **state)
{
    char path[4096], *dir = temp_file(path, sizeof(path));
    struct rt_writer_report rep;
    uint64_t bytes = 0;
    unsigned long sent, got;
    struct stat st;
    int brackets;

    sent = write_capped(path, 200000, 4, &rep, &bytes);
    assert_int_equal(stat(path, &st), 0);
    assert_true((uint64_t)st.st_size == bytes);
    assert_true(bytes <= 200000);
    assert_true(bytes > 190000); /* it stops near the cap, not long before */
    assert_int_equal(rep.stopped, RT_WRITER_CAP);
    assert_string_equal(rt_writer_stop_reason(rep.stopped), "trace byte cap reached");
    got = read_back(path, &brackets);
    assert_true(brackets);
    assert_true(got > 2);
    /* Every event is either in the file or counted. */
    assert_int_equal(got - 2 + rep.dropped, sent);
    tu_dir_done(&dir);
}

/* A cap that is never reached changes nothing. */
static void test_under_cap(void **state)
{
    char path[4096], *dir = temp_file(path, sizeof(path));
    struct rt_writer_report rep;
    unsigned long sent;
    int brackets;

    sent = write_capped(path, 1u << 30, 2, &rep, NULL);
    assert_int_equal(rep.stopped, RT_WRITER_OPEN);
    assert_null(rt_writer_stop_reason(rep.stopped));
    assert_int_equal(rep.dropped, 0);
    assert_int_equal(read_back(path, &brackets) - 2, sent);
    assert_true(brackets);
    tu_dir_done(&dir);
}

/* A cap too small for even one event still gives "[", "]" and a valid stream. */
static void test_tiny_cap(void **state)
{
    char path[4096], *dir = temp_file(path, sizeof(path));
    struct rt_writer_report rep;
    unsigned long sent;
    int brackets;

    sent = write_capped(path, 100, 1, &rep, NULL);
    assert_int_equal(rep.stopped, RT_WRITER_CAP);
    assert_int_equal(rep.dropped, sent);
    assert_int_equal(read_back(path, &brackets), 2);
    assert_true(brackets);
    tu_dir_done(&dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_byte_cap),  cmocka_unit_test(test_under_cap),
        cmocka_unit_test(test_tiny_cap),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
