/* SPDX-License-Identifier: BSD-3-Clause */
/* test_hostlist.c - SLURM hostlist grammar: the scontrol corpus, errors with positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common/hostlist.h"
#include "testutil.h"

#ifndef FIXTURES
#error "FIXTURES must name tests/fixtures"
#endif

static char *joined(const struct dc_hostlist *hl)
{
    static char buf[1 << 16];
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < hl->n; i++)
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "", hl->hosts[i]);
    return buf;
}

/* Every line of the corpus: our expansion is scontrol's, byte for byte. */
static void test_corpus(void **state)
{
    FILE *f = fopen(FIXTURES "/hostlists.tsv", "r");
    char line[4096], err[256];
    int n = 0;

    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        struct dc_hostlist hl = {0};
        char *tab = strchr(line, '\t');

        if (line[0] == '#' || !tab)
            continue;
        *tab = '\0';
        tab[strcspn(tab + 1, "\n") + 1] = '\0';
        if (dc_hostlist_expand(line, &hl, err, sizeof(err)) < 0)
            fail_msg("'%s': %s", line, err);
        if (strcmp(joined(&hl), tab + 1) != 0)
            fail_msg("'%s' gave '%s', scontrol gives '%s'", line, joined(&hl), tab + 1);
        dc_hostlist_free(&hl);
        n++;
    }
    fclose(f);
    assert_true(n >= 25);
}

static void expect_error(const char *expr, const char *where, const char *what)
{
    struct dc_hostlist hl = {0};
    char err[256];

    if (dc_hostlist_expand(expr, &hl, err, sizeof(err)) == 0)
        fail_msg("'%s' was accepted as '%s'", expr, joined(&hl));
    if (!strstr(err, where) || !strstr(err, what))
        fail_msg("'%s': got '%s', want '%s' and '%s'", expr, err, where, what);
    assert_null(hl.hosts);
}

static void test_errors_name_the_position(void **state)
{
    expect_error("n[1-", "position 5", "upper bound");
    expect_error("n[1-2", "position 6", "missing ']'");
    expect_error("n[3-1]", "position 3", "backwards");
    expect_error("n[a-b]", "position 3", "expected a number");
    expect_error("n[]", "position 3", "expected a number");
    expect_error("n[-1]", "position 3", "expected a number");
    expect_error("n[1-]", "position 5", "upper bound");
    expect_error("n[ 1-2]", "position 3", "expected a number");
    expect_error("n[1 - 2]", "position 4", "unexpected ' '");
    expect_error("n1-2]", "position 5", "']' without '['");
    expect_error("n[[1]]", "position 3", "expected a number");
    expect_error("", "position 1", "empty");
    expect_error(" , ,", "position 1", "empty");
    expect_error("n[1234567890123456789]", "position 3", "too large");
}

/* Nothing that could become an ssh option or shell syntax comes out. */
static void test_hostile_names(void **state)
{
    expect_error("-oProxyCommand", "position 1", "cannot start with '-'");
    expect_error("-oProxyCommand=id", "position 15", "unexpected character '='");
    expect_error("a,-x", "position 3", "cannot start with '-'");
    expect_error("-[1-2]", "position 1", "cannot start with '-'");
    expect_error("a;id", "position 2", "unexpected character ';'");
    expect_error("$(id)", "position 1", "unexpected character '$'");
    expect_error("a`id`", "position 2", "unexpected character '`'");
    expect_error("a'b", "position 2", "unexpected character");
    expect_error("a|b", "position 2", "unexpected character");
    expect_error("user@host", "position 5", "unexpected character '@'");
    expect_error("a/b", "position 2", "unexpected character '/'");
    expect_error(".hidden", "position 1", "not a valid host name");
    /* Bytes that are not printable ASCII are named by value, never printed raw. */
    expect_error("n\xc3\xa9ud1", "position 2", "unexpected character byte 0xc3");
    expect_error("a\x1b[2Jb", "position 2", "unexpected character byte 0x1b");
    expect_error("a\x7f"
                 "b",
                 "position 2", "unexpected character byte 0x7f");
}

static void test_numeric_only_and_suffix(void **state)
{
    struct dc_hostlist hl = {0};
    char err[256];

    assert_int_equal(dc_hostlist_expand("[1-2]", &hl, err, sizeof(err)), 0);
    assert_string_equal(joined(&hl), "1 2");
    dc_hostlist_free(&hl);
    /* SLURM 22.05 refuses a suffix after the last bracket; we accept it. */
    assert_int_equal(dc_hostlist_expand("n[1-2].ib", &hl, err, sizeof(err)), 0);
    assert_string_equal(joined(&hl), "n1.ib n2.ib");
    dc_hostlist_free(&hl);
}

static void test_limits(void **state)
{
    struct dc_hostlist hl = {0};
    char err[256], name[300];

    assert_int_equal(dc_hostlist_expand("n[1-65536]", &hl, err, sizeof(err)), 0);
    assert_int_equal(hl.n, 65536);
    dc_hostlist_free(&hl);
    expect_error("n[1-65537]", "position 1", "more than 65536 hosts");
    expect_error("a[1-300][1-300]", "position 1", "more than 65536 hosts");
    memset(name, 'a', 254);
    name[254] = '\0';
    expect_error(name, "position 1", "longer than 253");
}

static void test_uniq_keeps_first_seen_order(void **state)
{
    struct dc_hostlist hl = {0};
    char err[256];

    assert_int_equal(dc_hostlist_expand("c,a,b,a,c,d,a", &hl, err, sizeof(err)), 0);
    assert_int_equal(dc_hostlist_uniq(&hl), 3);
    assert_string_equal(joined(&hl), "c a b d");
    dc_hostlist_free(&hl);
    assert_int_equal(dc_hostlist_expand("n[1-40000],n[1-20000]", &hl, err, sizeof(err)), 0);
    assert_int_equal(dc_hostlist_uniq(&hl), 20000);
    assert_int_equal(hl.n, 40000);
    assert_string_equal(hl.hosts[39999], "n40000");
    dc_hostlist_free(&hl);
}

static void test_hostname_rules(void **state)
{
    assert_true(dc_hostname_valid("node01"));
    assert_true(dc_hostname_valid("n1.cluster.example"));
    assert_true(dc_hostname_valid("x_y-z"));
    assert_true(dc_hostname_valid("10.0.0.1"));
    assert_false(dc_hostname_valid(""));
    assert_false(dc_hostname_valid("-n"));
    assert_false(dc_hostname_valid("_n"));
    assert_false(dc_hostname_valid("n n"));
    assert_false(dc_hostname_valid("n\n"));
    assert_false(dc_hostname_valid("n:22"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),         cmocka_unit_test(test_errors_name_the_position),
        cmocka_unit_test(test_hostile_names),  cmocka_unit_test(test_numeric_only_and_suffix),
        cmocka_unit_test(test_limits),         cmocka_unit_test(test_uniq_keeps_first_seen_order),
        cmocka_unit_test(test_hostname_rules),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
