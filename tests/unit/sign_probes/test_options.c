/* SPDX-License-Identifier: BSD-3-Clause */
/* test_options.c - the command line of datacrumbs_sign_probes (src/sign_probes/options.h). */
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "options.h"

static int parse(struct dc_sign_opts *o, const char *args)
{
    char buf[512], *argv[32], *save = NULL;
    int argc = 0;

    snprintf(buf, sizeof(buf), "datacrumbs_sign_probes %s", args);
    for (char *t = strtok_r(buf, " ", &save); t && argc < 31; t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    argv[argc] = NULL;
    optind = 0; /* full getopt reset between parses */
    return dc_sign_parse_options(o, argc, argv);
}

static void test_defaults(void **state)
{
    struct dc_sign_opts o;

    (void)state;
    assert_int_equal(parse(&o, ""), 0);
    assert_null(o.config_path);
    assert_null(o.socket_path);
    assert_null(o.kallsyms_path);
    assert_false(o.foreground);
    assert_true(o.threads >= 1 && o.threads <= 16);
    assert_int_equal(o.max_request, 16u << 20);
    assert_int_equal(o.max_buffered, 256u << 20);
    assert_int_equal(o.timeout_ms, 5000);
    assert_int_equal(o.max_clients, 1024);
    assert_int_equal(o.max_per_user, 256);
}

static void test_values(void **state)
{
    struct dc_sign_opts o;

    (void)state;
    assert_int_equal(parse(&o, "--config /c --socket /s.sock --foreground --kallsyms /k "
                               "--threads 3 --max-request 64k --max-buffered 1G --timeout 2 "
                               "--max-clients 10 --max-clients-per-user 2 --syslog --verbose"),
                     0);
    assert_string_equal(o.config_path, "/c");
    assert_string_equal(o.socket_path, "/s.sock");
    assert_string_equal(o.kallsyms_path, "/k");
    assert_true(o.foreground && o.use_syslog && o.verbose);
    assert_int_equal(o.threads, 3);
    assert_int_equal(o.max_request, 64u << 10);
    assert_int_equal(o.max_buffered, 1u << 30);
    assert_int_equal(o.timeout_ms, 2000);
    assert_int_equal(o.max_clients, 10);
    assert_int_equal(o.max_per_user, 2);
    assert_int_equal(parse(&o, "--max-request 1000"), 0);
    assert_int_equal(o.max_request, 1000);
}

static void test_errors(void **state)
{
    static const char *const bad[] = {
        "--threads 0",      "--threads 65",
        "--threads x",      "--threads 2x",
        "--timeout 0",      "--timeout 3601",
        "--max-request 0",  "--max-request -1",
        "--max-request 1T", "--max-request 2000G",
        "--max-clients 0",  "--max-clients-per-user 0",
        "--bogus",          "extra",
        "--socket",         "--max-request 256M", /* leaves --max-buffered (256M) no room */
    };
    struct dc_sign_opts o;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (parse(&o, bad[i]) != -1)
            fail_msg("accepted: %s", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
