/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_usdt.c - USDT notes: a fixture with SDT notes written as <sys/sdt.h> writes them, and the
 * same file damaged (truncated, notes with bogus sizes): errors or skipped notes, never a crash.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "elfcraft.h"
#include "usdt.h"

static void test_fixture(void **state)
{
    struct dc_arena a = DC_ARENA_INIT;
    struct dc_usdt u;
    char err[256];
    unsigned char *buf;
    size_t len;

    (void)state;
    assert_int_equal(dc_usdt_read_file(FX_USDT, &a, &u, err, sizeof(err)), 0);
    assert_int_equal(u.n, 4);
    assert_string_equal(u.v[0].provider, "fxprov");
    assert_string_equal(u.v[0].name, "start");
    assert_string_equal(u.v[1].name, "start");
    assert_string_equal(u.v[2].provider, "other");
    assert_string_equal(u.v[2].name, "tick");
    assert_string_equal(u.v[3].name, "stop");
    assert_true(u.v[0].pc != u.v[1].pc);
    assert_int_equal(u.skipped, 0);
    assert_int_equal(slurp(FX_USDT, &buf, &len), 0);
    for (size_t i = 0; i < u.n; i++) {
        assert_true(u.v[i].offset > 0 && u.v[i].offset < len);
        assert_int_equal(buf[u.v[i].offset], 0x90); /* the nop of the probe site */
        assert_int_equal(u.v[i].semaphore, 0);
    }
    dc_usdt_free(&u);
    /* a library without notes: no probes, no error */
    assert_int_equal(dc_usdt_read_file(FX_LIB, &a, &u, err, sizeof(err)), 0);
    assert_int_equal(u.n, 0);
    dc_usdt_free(&u);
    assert_int_equal(dc_usdt_read_file("/nonexistent", &a, &u, err, sizeof(err)), -1);
    assert_int_equal(dc_usdt_read_mem(buf, 3, &a, &u, err, sizeof(err)), -1);
    free(buf);
    dc_arena_free(&a);
}

/* Where the stapsdt notes are in the file: the first "stapsdt\0" name. */
static size_t find_note(const unsigned char *buf, size_t len)
{
    for (size_t i = 12; i + 8 <= len; i++)
        if (!memcmp(buf + i, "stapsdt", 8))
            return i - 12; /* the note header: namesz, descsz, type */
    return 0;
}

static void test_damaged(void **state)
{
    struct dc_arena a = DC_ARENA_INIT;
    unsigned char *buf, *copy;
    size_t len, note;
    char err[256];

    (void)state;
    assert_int_equal(slurp(FX_USDT, &buf, &len), 0);
    note = find_note(buf, len);
    assert_true(note > 0);
    copy = malloc(len);
    assert_non_null(copy);
    /* every prefix */
    for (size_t cut = 0; cut < len; cut += 37) {
        struct dc_usdt u;
        unsigned char *part = malloc(cut ? cut : 1);

        memcpy(part, buf, cut);
        if (dc_usdt_read_mem(part, cut, &a, &u, err, sizeof(err)) == 0)
            dc_usdt_free(&u);
        free(part);
    }
    /* descriptor sizes that lie */
    {
        static const uint32_t sizes[] = {0, 1, 23, 24, 25, 0x7fffffff, 0xffffffff};

        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
            struct dc_usdt u;

            memcpy(copy, buf, len);
            craft_put(copy + note + 4, 4, sizes[k], 0);
            if (dc_usdt_read_mem(copy, len, &a, &u, err, sizeof(err)) == 0) {
                assert_true(u.n <= 4);
                dc_usdt_free(&u);
            }
        }
    }
    /* strings without their NUL: the note is skipped */
    {
        struct dc_usdt u;

        memcpy(copy, buf, len);
        memset(copy + note + 12 + 8 + 24, 'x', 16);
        assert_int_equal(dc_usdt_read_mem(copy, len, &a, &u, err, sizeof(err)), 0);
        assert_int_equal(u.n, 3);
        assert_int_equal(u.skipped, 1);
        dc_usdt_free(&u);
    }
    free(copy);
    free(buf);
    dc_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_damaged),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
