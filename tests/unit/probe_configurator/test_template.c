/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_template.c - datacrumbs_configure_template's keys and rendering: one pass (a value is
 * never scanned again), precedence (detected < configuration < --define), values that could
 * break the YAML refused, and every unresolved placeholder listed with its first line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "configure_template/keys.h"
#include "configure_template/render.h"

static void test_render(void **state)
{
    struct dc_keys k = {0};
    struct dc_render r;
    char err[256];
    static const char tpl[] = "a: @A@\nb: @B@ @A@\nc: @MISSING@\nd: @@ user@host @OTHER@\n"
                              "e: @MISSING@\n";

    (void)state;
    assert_int_equal(dc_keys_set(&k, "A", "/lib/@B@", DC_KEY_DETECTED, err, sizeof(err)), 0);
    assert_int_equal(dc_keys_set(&k, "B", "bee", DC_KEY_CONFIG, err, sizeof(err)), 0);
    assert_int_equal(dc_render(tpl, strlen(tpl), &k, &r), 0);
    /* one pass: the @B@ inside A's value stays */
    assert_string_equal(r.text, "a: /lib/@B@\nb: bee /lib/@B@\nc: @MISSING@\nd: @@ user@host "
                                "@OTHER@\ne: @MISSING@\n");
    assert_int_equal(r.replaced, 3);
    assert_int_equal(r.nmissing, 2);
    assert_string_equal(r.missing[0].name, "MISSING");
    assert_int_equal(r.missing[0].line, 3);
    assert_int_equal(r.missing[0].count, 2);
    assert_string_equal(r.missing[1].name, "OTHER");
    assert_int_equal(r.missing[1].line, 4);
    dc_render_free(&r);
    assert_int_equal(dc_render("", 0, &k, &r), 0);
    assert_string_equal(r.text, "");
    dc_render_free(&r);
    dc_keys_free(&k);
}

static void test_precedence(void **state)
{
    struct dc_keys k = {0};
    char err[256];

    (void)state;
    assert_int_equal(dc_keys_set(&k, "K", "detected", DC_KEY_DETECTED, err, sizeof(err)), 0);
    assert_int_equal(dc_keys_set(&k, "K", "config", DC_KEY_CONFIG, err, sizeof(err)), 0);
    assert_string_equal(dc_keys_get(&k, "K", 1), "config");
    assert_int_equal(dc_keys_define(&k, "K=defined=with=equals", err, sizeof(err)), 0);
    assert_string_equal(dc_keys_get(&k, "K", 1), "defined=with=equals");
    /* a weaker source does not replace a stronger one */
    assert_int_equal(dc_keys_set(&k, "K", "late", DC_KEY_CONFIG, err, sizeof(err)), 0);
    assert_string_equal(dc_keys_get(&k, "K", 1), "defined=with=equals");
    /* a later --define wins over an earlier one */
    assert_int_equal(dc_keys_define(&k, "K=again", err, sizeof(err)), 0);
    assert_string_equal(dc_keys_get(&k, "K", 1), "again");
    assert_null(dc_keys_get(&k, "KK", 2));
    dc_keys_free(&k);
}

static void test_bad_values(void **state)
{
    struct dc_keys k = {0};
    char err[256], big[DC_KEY_VALUE_MAX + 2];

    (void)state;
    assert_int_equal(dc_keys_define(&k, "NOEQUALS", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "expected KEY=VALUE"));
    assert_int_equal(dc_keys_define(&k, "=v", err, sizeof(err)), -1);
    assert_int_equal(dc_keys_define(&k, "BAD-KEY=v", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "letters, digits and '_'"));
    assert_int_equal(dc_keys_define(&k, "K=", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "empty value"));
    assert_int_equal(dc_keys_define(&k, "K=a\nb: injected", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "control character"));
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(dc_keys_set(&k, "K", big, DC_KEY_DEFINE, err, sizeof(err)), -1);
    assert_int_equal(k.n, 0);
    dc_keys_free(&k);
}

static void test_sources(void **state)
{
    struct dc_keys k = {0};
    struct dc_sysconf c;
    char err[256];
    const char *v;

    (void)state;
    dc_sysconf_defaults(&c);
    assert_int_equal(dc_keys_from_sysconf(&k, &c, err, sizeof(err)), 0);
    assert_string_equal(dc_keys_get(&k, "DATACRUMBS_SIGNER_SOCKET", 24), c.signer_socket);
    assert_string_equal(dc_keys_get(&k, "DATACRUMBS_MAX_RUNTIME_FUNCTIONS", 32), "16384");
    /* upstream's names for the same values */
    assert_string_equal(dc_keys_get(&k, "DATACRUMBS_SERVER_RUN_DIR", 25), c.run_dir);
    assert_string_equal(dc_keys_get(&k, "DATACRUMBS_JOB_SCHEDULER", 24), c.scheduler);
    assert_int_equal(dc_keys_detect(&k, err, sizeof(err)), 0);
    v = dc_keys_get(&k, "DATACRUMBS_LIBC_SO", 18);
    assert_non_null(v);
    assert_true(v[0] == '/');
    assert_non_null(dc_keys_get(&k, "DATACRUMBS_KERNEL_UNAME_R", 25));
    dc_keys_sort(&k);
    for (size_t i = 1; i < k.n; i++)
        assert_true(strcmp(k.v[i - 1].name, k.v[i].name) < 0);
    assert_string_equal(dc_key_origin_name(DC_KEY_DEFINE), "--define");
    dc_keys_free(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_sources),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
