/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rt_writer.c - chunks in, one gzip stream out, in order, with back-pressure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_write_error),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
