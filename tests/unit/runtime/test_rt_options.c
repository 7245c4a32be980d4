/* SPDX-License-Identifier: BSD-3-Clause */
/* test_rt_options.c - datacrumbs [OPTIONS] PROBE_FILE [RUN_ID [USER]]. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "runtime/options.h"

#define PARSE(o, ...)                                                                              \
    ({                                                                                             \
        char *argv_[] = {"datacrumbs", __VA_ARGS__, NULL};                                         \
        rt_parse_cmdline(o, (int)(sizeof(argv_) / sizeof(argv_[0]) - 1), argv_, err, sizeof(err)); \
    })

static char err[512];

static void test_positionals(void **state)
{
    struct rt_opts o;

    assert_int_equal(PARSE(&o, "/p.json.gz"), RT_CMD_RUN);
    assert_string_equal(o.probe_file, "/p.json.gz");
    assert_null(o.run_id);
    assert_null(o.user);
    assert_int_equal(o.ring_mb, 0); /* from the configuration, later */
    assert_int_equal(PARSE(&o, "/p", "job.42", "alice"), RT_CMD_RUN);
    assert_string_equal(o.run_id, "job.42");
    assert_string_equal(o.user, "alice");
    assert_int_equal(PARSE(&o, "--config", "/c", "--check", "/p", "r1"), RT_CMD_RUN);
    assert_string_equal(o.config_path, "/c");
    assert_true(o.check);
    /* Options end at the probe file: what follows is RUN_ID/USER, checked as such. */
    assert_int_equal(PARSE(&o, "/p", "--check"), RT_CMD_ERROR);
    assert_non_null(strstr(err, "run id"));
    assert_int_equal(PARSE(&o, "--", "-p"), RT_CMD_RUN);
    assert_string_equal(o.probe_file, "-p");
}

static void test_errors(void **state)
{
    struct rt_opts o;

    assert_int_equal(PARSE(&o, "--check"), RT_CMD_ERROR);
    assert_non_null(strstr(err, "no probe file"));
    assert_int_equal(PARSE(&o, "/p", "r", "u", "extra"), RT_CMD_ERROR);
    assert_int_equal(PARSE(&o, "/p", "$(id)"), RT_CMD_ERROR);
    assert_int_equal(PARSE(&o, "/p", "r", "root;id"), RT_CMD_ERROR);
    assert_int_equal(PARSE(&o, "/p", "r", ""), RT_CMD_ERROR); /* an empty ${DATACRUMBS_USER} */
    assert_int_equal(PARSE(&o, ""), RT_CMD_ERROR);
    assert_int_equal(PARSE(&o, "--bogus", "/p"), RT_CMD_ERROR);
    assert_non_null(strstr(err, "--bogus"));
    assert_int_equal(PARSE(&o, "/p", "--config"), RT_CMD_ERROR);
    assert_int_equal(PARSE(&o, "--config"), RT_CMD_ERROR);
    assert_non_null(strstr(err, "needs a value"));
    assert_int_equal(PARSE(&o, "--ring-buffer", "3", "/p"), RT_CMD_ERROR);
    assert_int_equal(PARSE(&o, "--ring-buffer", "0", "/p"), RT_CMD_ERROR);
    assert_int_equal(PARSE(&o, "--ring-buffer", "8192", "/p"), RT_CMD_ERROR);
    assert_int_equal(PARSE(&o, "--gzip-level", "0", "/p"), RT_CMD_ERROR);
    assert_int_equal(PARSE(&o, "--min-duration", "-1", "/p"), RT_CMD_ERROR);
    assert_int_equal(PARSE(&o, "--min-duration", "5min", "/p"), RT_CMD_ERROR);
    assert_int_equal(PARSE(&o, "--max-trace-bytes", "4095", "/p"), RT_CMD_ERROR);
    assert_non_null(strstr(err, "at least 4096"));
    assert_int_equal(PARSE(&o, "--max-trace-bytes", "1X", "/p"), RT_CMD_ERROR);
}

static void test_values(void **state)
{
    struct rt_opts o;

    assert_int_equal(
        PARSE(&o, "--ring-buffer", "256", "--gzip-level", "6", "--min-duration", "2us", "-v", "/p"),
        RT_CMD_RUN);
    assert_int_equal(o.ring_mb, 256);
    assert_int_equal(o.gzip_level, 6);
    assert_int_equal(o.min_duration_ns, 2000);
    assert_true(o.verbose);
    assert_int_equal(PARSE(&o, "--max-trace-bytes", "64K", "/p"), RT_CMD_RUN);
    assert_int_equal(o.max_trace_bytes, 65536);
    assert_int_equal(PARSE(&o, "--help"), RT_CMD_HELP);
    assert_int_equal(PARSE(&o, "--version", "/p"), RT_CMD_VERSION);
}

/* The command line wins; what it left unset comes from datacrumbs.conf. */
static void test_conf_fills_the_rest(void **state)
{
    struct dc_sysconf sys;
    struct rt_opts o;

    dc_sysconf_defaults(&sys);
    assert_int_equal(PARSE(&o, "/p"), RT_CMD_RUN);
    rt_opts_apply_conf(&o, &sys);
    assert_int_equal(o.ring_mb, 64);
    assert_int_equal(o.gzip_level, 1);
    assert_int_equal(o.min_duration_ns, 0);
    assert_int_equal(o.max_trace_bytes, 1u << 30);
    assert_int_equal(o.min_free_space, 64u << 20);
    sys.runtime_ring_buffer = 16;
    sys.runtime_gzip_level = 9;
    sys.runtime_min_duration = 5000;
    assert_int_equal(PARSE(&o, "--ring-buffer", "128", "--min-duration", "0", "/p"), RT_CMD_RUN);
    rt_opts_apply_conf(&o, &sys);
    assert_int_equal(o.ring_mb, 128);
    assert_int_equal(o.gzip_level, 9);
    assert_int_equal(o.min_duration_ns, 0); /* given as 0: not the configured 5us */
    assert_int_equal(PARSE(&o, "--max-trace-bytes", "0", "/p"), RT_CMD_RUN);
    rt_opts_apply_conf(&o, &sys);
    assert_int_equal(o.max_trace_bytes, 0); /* no cap, as asked */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positionals),
        cmocka_unit_test(test_conf_fills_the_rest),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_values),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
