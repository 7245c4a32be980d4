/* SPDX-License-Identifier: BSD-3-Clause */
/* test_utf8.c - strict UTF-8: the probe file, the trace writer and the signer all rely on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "common/utf8.h"

#define SEQ(lit)   dc_utf8_seq((const unsigned char *)(lit), sizeof(lit) - 1)
#define VALID(lit) dc_utf8_valid(lit, sizeof(lit) - 1)

static void test_every_length(void **state)
{
    assert_int_equal(SEQ("\x00"), 1);
    assert_int_equal(SEQ("A"), 1);
    assert_int_equal(SEQ("\x7f"), 1);
    assert_int_equal(SEQ("\xc2\x80"), 2);         /* U+0080, the first of 2 bytes */
    assert_int_equal(SEQ("\xdf\xbf"), 2);         /* U+07FF */
    assert_int_equal(SEQ("\xe0\xa0\x80"), 3);     /* U+0800, the first of 3 bytes */
    assert_int_equal(SEQ("\xed\x9f\xbf"), 3);     /* U+D7FF, just below the surrogates */
    assert_int_equal(SEQ("\xee\x80\x80"), 3);     /* U+E000, just above them */
    assert_int_equal(SEQ("\xef\xbf\xbf"), 3);     /* U+FFFF */
    assert_int_equal(SEQ("\xf0\x90\x80\x80"), 4); /* U+10000, the first of 4 bytes */
    assert_int_equal(SEQ("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF, the last code point */
    /* Only the sequence at the start counts. */
    assert_int_equal(SEQ("\xc3\xa9xyz"), 2);
    assert_int_equal(SEQ("a\xff"), 1);
}

static void test_overlongs(void **state)
{
    assert_int_equal(SEQ("\xc0\x80"), 0); /* NUL in 2 bytes */
    assert_int_equal(SEQ("\xc0\xaf"), 0); /* '/' in 2 bytes */
    assert_int_equal(SEQ("\xc1\xbf"), 0);
    assert_int_equal(SEQ("\xe0\x80\x80"), 0);
    assert_int_equal(SEQ("\xe0\x9f\xbf"), 0); /* U+07FF in 3 bytes */
    assert_int_equal(SEQ("\xf0\x80\x80\x80"), 0);
    assert_int_equal(SEQ("\xf0\x8f\xbf\xbf"), 0); /* U+FFFF in 4 bytes */
}

static void test_surrogates_and_range(void **state)
{
    assert_int_equal(SEQ("\xed\xa0\x80"), 0);     /* U+D800 */
    assert_int_equal(SEQ("\xed\xbf\xbf"), 0);     /* U+DFFF */
    assert_int_equal(SEQ("\xf4\x90\x80\x80"), 0); /* U+110000 */
    assert_int_equal(SEQ("\xf5\x80\x80\x80"), 0);
    assert_int_equal(SEQ("\xf8\x88\x80\x80\x80"), 0); /* 5-byte forms are gone */
    assert_int_equal(SEQ("\xfe"), 0);
    assert_int_equal(SEQ("\xff"), 0);
}

static void test_truncated_and_stray(void **state)
{
    const unsigned char full[] = "\xf0\x9f\x98\x80"; /* U+1F600 */

    assert_int_equal(dc_utf8_seq(full, 4), 4);
    for (size_t n = 0; n < 4; n++)
        assert_int_equal(dc_utf8_seq(full, n), 0);
    assert_int_equal(SEQ("\xc3"), 0);
    assert_int_equal(SEQ("\xe2\x82"), 0);
    assert_int_equal(SEQ("\xe2\x82z"), 0); /* a continuation byte is missing */
    assert_int_equal(SEQ("\xc3\xc3"), 0);
    /* Continuation bytes alone. */
    assert_int_equal(SEQ("\x80"), 0);
    assert_int_equal(SEQ("\xbf"), 0);
    assert_int_equal(SEQ("\x80\x80"), 0);
}

static void test_valid_buffers(void **state)
{
    assert_true(dc_utf8_valid("", 0));
    assert_true(dc_utf8_valid(NULL, 0));
    assert_true(VALID("plain ascii"));
    assert_true(VALID("a\0z")); /* NUL is U+0000 */
    assert_true(VALID("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
    assert_false(VALID("caf\xc3")); /* cut inside the last sequence */
    assert_false(VALID("a\x80z"));
    assert_false(VALID("a\xc0\xafz"));
    assert_false(VALID("a\xed\xa0\x80z"));
    assert_false(VALID("a\xf4\x90\x80\x80"));
    /* The length is respected: what lies past n is not read. */
    assert_true(dc_utf8_valid("ab\xff", 2));
}

/* Counted over every 2-byte pair and every 3- and 4-byte form: exactly one accepted sequence
 * per code point, as many as RFC 3629 has. */
static void test_counts(void **state)
{
    unsigned char b[4];
    size_t two = 0, three = 0, four = 0;

    for (unsigned i = 0; i < 0x10000; i++) {
        b[0] = (unsigned char)(i >> 8);
        b[1] = (unsigned char)i;
        two += dc_utf8_seq(b, 2) == 2;
    }
    for (unsigned i = 0; i < 0x1000; i++) {
        b[0] = (unsigned char)(0xe0 | (i >> 8));
        b[1] = (unsigned char)i;
        for (unsigned k = 0; k < 256; k++) {
            b[2] = (unsigned char)k;
            three += dc_utf8_seq(b, 3) == 3;
        }
    }
    for (unsigned lead = 0xf0; lead <= 0xf7; lead++)
        for (unsigned i = 0; i < 64 * 64 * 64; i++) {
            b[0] = (unsigned char)lead;
            b[1] = (unsigned char)(0x80 | (i >> 12));
            b[2] = (unsigned char)(0x80 | ((i >> 6) & 0x3f));
            b[3] = (unsigned char)(0x80 | (i & 0x3f));
            four += dc_utf8_seq(b, 4) == 4;
        }
    assert_int_equal(two, 0x800 - 0x80);
    assert_int_equal(three, 0x10000 - 0x800 - 0x800); /* less the 2048 surrogates */
    assert_int_equal(four, 0x110000 - 0x10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_length),         cmocka_unit_test(test_overlongs),
        cmocka_unit_test(test_surrogates_and_range), cmocka_unit_test(test_truncated_and_stray),
        cmocka_unit_test(test_valid_buffers),        cmocka_unit_test(test_counts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
