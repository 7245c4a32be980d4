/* SPDX-License-Identifier: BSD-3-Clause */
/* test_needed.c - which DT_NEEDED entries are ours, and checking patchelf's result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "track/needed.h"

#define LIB "/usr/lib/x86_64-linux-gnu/libdatacrumbs_client.so.0"

/* An elfinfo holding just these entries (the strings are not copied). */
static struct elfinfo with(const char **list, size_t n)
{
    struct elfinfo e;

    memset(&e, 0, sizeof(e));
    e.needed = (char **)list;
    e.n_needed = n;
    return e;
}

static void test_is_client(void **state)
{
    (void)state;
    assert_true(needed_is_client(LIB, LIB, 0));
    assert_true(needed_is_client(LIB, LIB, 1));
    assert_true(needed_is_client("/opt/dc/lib64/libdatacrumbs_client.so", LIB, 0));
    assert_true(needed_is_client("libdatacrumbs_client.so", LIB, 0));
    assert_true(needed_is_client("libdatacrumbs_client.so.0", LIB, 0));
    assert_true(needed_is_client("libdatacrumbs_client.so.0.1.0", LIB, 0));
    assert_false(needed_is_client("libdatacrumbs_client.so", LIB, 1));
    assert_false(needed_is_client("/opt/dc/lib64/libdatacrumbs_client.so", LIB, 1));
    assert_false(needed_is_client("libdatacrumbs_client.sox", LIB, 0));
    assert_false(needed_is_client("libdatacrumbs_client", LIB, 0));
    assert_false(needed_is_client("libc.so.6", LIB, 0));
    assert_false(needed_is_client("/x/libdatacrumbs_client.so/libc.so.6", LIB, 0));
    assert_false(needed_is_client("", LIB, 0));
    /* A client_lib renamed by the site is recognised by its own file name too. */
    assert_true(needed_is_client("/a/libdc-marker.so", "/site/libdc-marker.so", 0));
    assert_false(needed_is_client("/a/libdc-marker.so", "/site/libdc-marker.so", 1));
}

static void test_count_first(void **state)
{
    const char *list[] = {"libc.so.6", "/old/libdatacrumbs_client.so", LIB, "libm.so.6", LIB};
    struct elfinfo e = with(list, 5);

    (void)state;
    assert_int_equal(needed_count_client(&e, LIB, 0), 3);
    assert_int_equal(needed_count_client(&e, LIB, 1), 2);
    assert_string_equal(needed_first_client(&e, LIB, 0), "/old/libdatacrumbs_client.so");
    assert_string_equal(needed_first_client(&e, LIB, 1), LIB);
    e.n_needed = 1;
    assert_null(needed_first_client(&e, LIB, 0));
}

static void test_verify_added(void **state)
{
    const char *before[] = {"libc.so.6", "libm.so.6"};
    const char *good_front[] = {LIB, "libc.so.6", "libm.so.6"};
    const char *good_back[] = {"libc.so.6", "libm.so.6", LIB};
    const char *reordered[] = {LIB, "libm.so.6", "libc.so.6"};
    const char *dropped[] = {LIB, "libc.so.6"};
    const char *wrong[] = {"/other/libdatacrumbs_client.so.0", "libc.so.6", "libm.so.6"};
    const char *twice[] = {LIB, LIB, "libc.so.6", "libm.so.6"};
    struct elfinfo b = with(before, 2), a;

    (void)state;
    a = with(good_front, 3);
    assert_int_equal(needed_verify_added(&b, &a, LIB), 0);
    a = with(good_back, 3);
    assert_int_equal(needed_verify_added(&b, &a, LIB), 0);
    a = with(reordered, 3);
    assert_int_equal(needed_verify_added(&b, &a, LIB), -1);
    a = with(dropped, 2);
    assert_int_equal(needed_verify_added(&b, &a, LIB), -1);
    a = with(wrong, 3);
    assert_int_equal(needed_verify_added(&b, &a, LIB), -1);
    a = with(twice, 4);
    assert_int_equal(needed_verify_added(&b, &a, LIB), -1);
    a = with(before, 2);
    assert_int_equal(needed_verify_added(&b, &a, LIB), -1);
}

static void test_verify_removed(void **state)
{
    const char *before[] = {LIB, "libc.so.6", "/old/libdatacrumbs_client.so", "libm.so.6"};
    const char *all_gone[] = {"libc.so.6", "libm.so.6"};
    const char *exact_gone[] = {"libc.so.6", "/old/libdatacrumbs_client.so", "libm.so.6"};
    const char *lost_libm[] = {"libc.so.6"};
    const char *swapped[] = {"libm.so.6", "libc.so.6"};
    struct elfinfo b = with(before, 4), a;

    (void)state;
    a = with(all_gone, 2);
    assert_int_equal(needed_verify_removed(&b, &a, LIB, 0), 0);
    assert_int_equal(needed_verify_removed(&b, &a, LIB, 1), -1); /* removed more than asked */
    a = with(exact_gone, 3);
    assert_int_equal(needed_verify_removed(&b, &a, LIB, 1), 0);
    assert_int_equal(needed_verify_removed(&b, &a, LIB, 0), -1); /* one left */
    a = with(lost_libm, 1);
    assert_int_equal(needed_verify_removed(&b, &a, LIB, 0), -1);
    a = with(swapped, 2);
    assert_int_equal(needed_verify_removed(&b, &a, LIB, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_is_client),
        cmocka_unit_test(test_count_first),
        cmocka_unit_test(test_verify_added),
        cmocka_unit_test(test_verify_removed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
