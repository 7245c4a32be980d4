/* SPDX-License-Identifier: BSD-3-Clause */
/* test_grow.c - dc_grow: doubling, keeping the contents, refusing overflow. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "grow.h"

static void test_first_then_doubles(void **state)
{
    int *a = NULL;
    size_t n = 0, cap = 0;

    (void)state;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(dc_grow(&a, &cap, n, sizeof(*a), 4), 0);
        assert_true(cap > n);
        a[n++] = i;
        if (n == 1)
            assert_int_equal(cap, 4);
    }
    assert_int_equal(cap, 128); /* 4, 8, ..., 128 */
    for (int i = 0; i < 100; i++)
        assert_int_equal(a[i], i);
    free(a);
}

static void test_room_left_changes_nothing(void **state)
{
    char *a = malloc(8), *before = a;
    size_t cap = 8;

    (void)state;
    assert_int_equal(dc_grow(&a, &cap, 7, 1, 2), 0);
    assert_ptr_equal(a, before);
    assert_int_equal(cap, 8);
    free(a);
}

static void test_overflow_refused(void **state)
{
    uint64_t *a = NULL;
    size_t cap = SIZE_MAX / sizeof(*a) / 2 + 1; /* doubling would overflow the byte count */

    (void)state;
    errno = 0;
    assert_int_equal(dc_grow(&a, &cap, cap, sizeof(*a), 1), -1);
    assert_int_equal(errno, ENOMEM);
    assert_null(a);
    assert_int_equal(cap, SIZE_MAX / sizeof(*a) / 2 + 1);
    cap = SIZE_MAX / 2 + 1; /* the capacity itself would wrap */
    assert_int_equal(dc_grow(&a, &cap, cap, 1, 1), -1);
    assert_null(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_then_doubles),
        cmocka_unit_test(test_room_left_changes_nothing),
        cmocka_unit_test(test_overflow_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
