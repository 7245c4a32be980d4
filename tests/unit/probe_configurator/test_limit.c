/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_limit.c - max_runtime_functions: the 90% warning and the limit at their boundaries
 * (upstream's numbers for 16384: 14745 no warning, 14746 warning, 16384 fine, 16385 refused),
 * small limits from a configuration, custom categories not counted, and the message naming the
 * count, the limit and the biggest categories.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "limit.h"
#include "probefile.h"

/* A discovery with categories of these sizes and types (no functions needed: counts only). */
static void make(struct dc_discovery *d, const size_t *sizes, const int *types, size_t n)
{
    static const char *const names[] = {"alpha", "beta", "gamma", "delta", "epsilon"};

    memset(d, 0, sizeof(*d));
    d->cats = calloc(n, sizeof(*d->cats));
    assert_non_null(d->cats);
    d->ncats = n;
    for (size_t i = 0; i < n; i++) {
        d->cats[i].name = names[i];
        d->cats[i].type = types ? types[i] : DC_PF_UPROBE;
        d->cats[i].nfns = sizes[i];
        d->cats[i].line = (unsigned)(10 * (i + 1));
        if (d->cats[i].type != DC_PF_CUSTOM)
            d->total += sizes[i];
    }
}

static enum dc_limit_verdict check_total(size_t total, long max, char *msg, size_t len)
{
    struct dc_discovery d;
    enum dc_limit_verdict v;

    make(&d, &total, NULL, 1);
    v = dc_limit_check(&d, max, msg, len);
    free(d.cats);
    return v;
}

static void test_boundaries_16384(void **state)
{
    char msg[2048];

    (void)state;
    assert_int_equal(16384 * 9 / 10, 14745);
    assert_int_equal(check_total(0, 16384, msg, sizeof(msg)), DC_LIMIT_OK);
    assert_int_equal(check_total(14744, 16384, msg, sizeof(msg)), DC_LIMIT_OK);
    assert_int_equal(check_total(14745, 16384, msg, sizeof(msg)), DC_LIMIT_OK);
    assert_string_equal(msg, "");
    assert_int_equal(check_total(14746, 16384, msg, sizeof(msg)), DC_LIMIT_NEAR);
    assert_string_equal(msg, "14746 runtime functions selected, close to max_runtime_functions "
                             "(16384)");
    assert_int_equal(check_total(16383, 16384, msg, sizeof(msg)), DC_LIMIT_NEAR);
    assert_int_equal(check_total(16384, 16384, msg, sizeof(msg)), DC_LIMIT_NEAR);
    assert_int_equal(check_total(16385, 16384, msg, sizeof(msg)), DC_LIMIT_OVER);
    assert_non_null(strstr(msg, "16385 runtime functions selected; max_runtime_functions "
                                "allows 16384"));
}

static void test_small_limits(void **state)
{
    char msg[2048];

    (void)state;
    /* max 10: 9 is the 90% line */
    assert_int_equal(check_total(9, 10, msg, sizeof(msg)), DC_LIMIT_OK);
    assert_int_equal(check_total(10, 10, msg, sizeof(msg)), DC_LIMIT_NEAR);
    assert_int_equal(check_total(11, 10, msg, sizeof(msg)), DC_LIMIT_OVER);
    /* max 1 (the smallest a configuration allows): 1 * 9 / 10 = 0 */
    assert_int_equal(check_total(0, 1, msg, sizeof(msg)), DC_LIMIT_OK);
    assert_int_equal(check_total(1, 1, msg, sizeof(msg)), DC_LIMIT_NEAR);
    assert_int_equal(check_total(2, 1, msg, sizeof(msg)), DC_LIMIT_OVER);
    /* max 100 */
    assert_int_equal(check_total(90, 100, msg, sizeof(msg)), DC_LIMIT_OK);
    assert_int_equal(check_total(91, 100, msg, sizeof(msg)), DC_LIMIT_NEAR);
    assert_int_equal(check_total(100, 100, msg, sizeof(msg)), DC_LIMIT_NEAR);
    assert_int_equal(check_total(101, 100, msg, sizeof(msg)), DC_LIMIT_OVER);
    /* a huge limit does not overflow */
    assert_int_equal(check_total(1000, 0x7fffffffffffffffL, msg, sizeof(msg)), DC_LIMIT_OK);
}

static void test_biggest_named(void **state)
{
    static const size_t sizes[] = {5, 40, 7, 40, 900};
    static const int types[] = {DC_PF_SYSCALLS, DC_PF_UPROBE, DC_PF_KPROBE, DC_PF_USDT,
                                DC_PF_CUSTOM};
    struct dc_discovery d;
    char msg[2048];

    (void)state;
    make(&d, sizes, types, 5);
    assert_int_equal(d.total, 92);
    assert_int_equal(dc_limit_check(&d, 50, msg, sizeof(msg)), DC_LIMIT_OVER);
    /* biggest first, ties in config order, custom not counted */
    assert_non_null(strstr(msg, "92 runtime functions selected; max_runtime_functions allows 50. "
                                "The biggest categories: beta (40 functions, line 20), delta "
                                "(40 functions, line 40), gamma (7 functions, line 30). "));
    assert_null(strstr(msg, "epsilon"));
    /* custom categories alone never count */
    assert_int_equal(dc_limit_check(&d, 92, msg, sizeof(msg)), DC_LIMIT_NEAR);
    assert_int_equal(dc_limit_check(&d, 103, msg, sizeof(msg)), DC_LIMIT_OK);
    /* a message buffer too small is cut, not overrun */
    assert_int_equal(dc_limit_check(&d, 50, msg, 20), DC_LIMIT_OVER);
    assert_int_equal(strlen(msg), 19);
    free(d.cats);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundaries_16384),
        cmocka_unit_test(test_small_limits),
        cmocka_unit_test(test_biggest_named),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
