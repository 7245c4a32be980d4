/* SPDX-License-Identifier: BSD-3-Clause */
/* test_trace_hist.c - percentiles of the bounded histogram against a sorted brute force. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "trace/hist.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* The nearest-rank quantile of sorted v[0..n). */
static uint64_t exact(const uint64_t *v, size_t n, double p)
{
    size_t rank = (size_t)((double)n * p);

    if ((double)rank < (double)n * p)
        rank++;
    if (rank < 1)
        rank = 1;
    return v[rank - 1];
}

static void check_against_brute_force(uint64_t (*gen)(void), size_t n)
{
    static const double ps[] = {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0};
    uint64_t *v = malloc(n * sizeof(*v));
    struct tr_hist *h = malloc(sizeof(*h));

    assert_non_null(v);
    assert_non_null(h);
    tr_hist_init(h);
    for (size_t i = 0; i < n; i++) {
        v[i] = gen();
        tr_hist_add(h, v[i]);
    }
    qsort(v, n, sizeof(*v), cmp);
    for (size_t k = 0; k < sizeof(ps) / sizeof(ps[0]); k++) {
        uint64_t want = exact(v, n, ps[k]), got = tr_hist_quantile(h, ps[k]);
        uint64_t diff = got > want ? got - want : want - got;

        /* The documented accuracy: exact below 128, else within 1/128 of the value. */
        if (want < 128)
            assert_int_equal(got, want);
        else
            assert_true(diff * 128 <= want);
    }
    assert_int_equal(h->min, v[0]);
    assert_int_equal(h->max, v[n - 1]);
    free(v);
    free(h);
}

static uint64_t small(void)
{
    return next() % 200;
}

static uint64_t wide(void)
{
    return next() >> (next() % 64);
}

static uint64_t lognormalish(void)
{
    uint64_t v = 1;

    for (int i = 0; i < 8; i++)
        v += next() % 1000;
    return v * (1 + next() % 50);
}

static void test_small_values_exact(void **state)
{
    (void)state;
    check_against_brute_force(small, 50000);
}

static void test_wide_values(void **state)
{
    (void)state;
    for (int r = 0; r < 5; r++)
        check_against_brute_force(wide, 20000);
}

static void test_durations(void **state)
{
    (void)state;
    for (int r = 0; r < 5; r++)
        check_against_brute_force(lognormalish, 100000);
}

static void test_empty_and_one(void **state)
{
    struct tr_hist h;

    (void)state;
    tr_hist_init(&h);
    assert_int_equal(tr_hist_quantile(&h, 0.5), 0);
    tr_hist_add(&h, 123456789);
    assert_int_equal(tr_hist_quantile(&h, 0.5), 123456789); /* clamped to [min, max] */
    tr_hist_add(&h, UINT64_MAX);
    assert_int_equal(tr_hist_quantile(&h, 1.0), UINT64_MAX);
}

static void test_merge(void **state)
{
    struct tr_hist *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b)),
                   *c = calloc(1, sizeof(*c));

    (void)state;
    tr_hist_init(a);
    tr_hist_init(b);
    tr_hist_init(c);
    for (int i = 0; i < 10000; i++) {
        uint64_t v = lognormalish();

        tr_hist_add(i % 2 ? a : b, v);
        tr_hist_add(c, v);
    }
    tr_hist_merge(a, b);
    assert_int_equal(a->count, c->count);
    assert_int_equal(tr_hist_quantile(a, 0.99), tr_hist_quantile(c, 0.99));
    free(a);
    free(b);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_values_exact),
        cmocka_unit_test(test_wide_values),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_empty_and_one),
        cmocka_unit_test(test_merge),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
