/* SPDX-License-Identifier: BSD-3-Clause */
/* test_conf.c - the system configuration reader: defaults, every key, every error form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common/conf.h"
#include "dc_config.h"
#include "testutil.h"

#include <fcntl.h>

static char *dir;
static char file[PATH_MAX];

static int setup(void **state)
{
    dir = tu_mkdtemp();
    snprintf(file, sizeof(file), "%s/datacrumbs.conf", dir);
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    tu_dir_done(&dir);
    return 0;
}

/* Load text as a config file; returns the loader's result, error text in err. */
static int load(const char *text, struct dc_sysconf *c, char *err, size_t errlen)
{
    tu_write(file, text, 0644);
    err[0] = '\0';
    return dc_sysconf_load(c, file, err, errlen);
}

static void test_defaults(void **state)
{
    struct dc_sysconf c;

    dc_sysconf_defaults(&c);
    assert_string_equal(c.secret_file, "/etc/datacrumbs/probe-secret");
    assert_string_equal(c.signer_socket, "/run/datacrumbs/sign.sock");
    assert_string_equal(c.run_dir, "/run/datacrumbs");
    assert_string_equal(c.trace_dir, "/var/lib/datacrumbs/traces/%Y/%m/%d");
    assert_string_equal(c.log_dir, "/var/log/datacrumbs");
    assert_string_equal(c.client_lib, DC_CLIENT_LIB);
    assert_string_equal(c.runtime_daemon, DC_SBINDIR "/datacrumbs");
    assert_string_equal(c.scheduler, "slurm");
    assert_string_equal(c.service_manager, "systemd");
    assert_string_equal(c.admin_group, "");
    assert_int_equal(c.max_runtime_functions, 16384);
    assert_int_equal(c.probe_validity, 7 * 86400);
    assert_int_equal(c.ready_timeout, 300);
    assert_int_equal(c.stop_timeout, 600);
    assert_int_equal(c.runtime_min_duration, 0);
    assert_int_equal(c.runtime_ring_buffer, 64);
    assert_int_equal(c.runtime_gzip_level, 1);
    assert_int_equal(c.runtime_max_trace_bytes, 1L << 30);
    assert_int_equal(c.runtime_min_free_space, 64L << 20);
    assert_int_equal(c.max_runs, 16);
    assert_int_equal(c.max_runs_per_user, 4);
    assert_int_equal(c.prolog_timeout, 30);
}

static void test_empty_file_gives_defaults(void **state)
{
    struct dc_sysconf c, d;
    char err[512];

    assert_int_equal(load("# nothing\n\n   \n\t# indented comment\n", &c, err, sizeof(err)), 0);
    dc_sysconf_defaults(&d);
    assert_string_equal(c.secret_file, d.secret_file);
    assert_int_equal(c.max_runtime_functions, d.max_runtime_functions);
    assert_string_equal(c.source, file);
}

static void test_every_key(void **state)
{
    struct dc_sysconf c;
    char err[512];

    assert_int_equal(load("secret_file = /s/secret\n"
                          "signer_socket=/s/sock\n"
                          "  run_dir\t=\t/s/run  \n"
                          "trace_dir = /s/traces/%Y\n"
                          "log_dir = /s/log\r\n"
                          "client_lib = /s/lib.so\n"
                          "runtime_daemon = /s/daemon\n"
                          "scheduler = none\n"
                          "service_manager = direct\n"
                          "admin_group = hpc-admins\n"
                          "max_runtime_functions = 12\n"
                          "probe_validity = 12h\n"
                          "ready_timeout = 2m\n"
                          "stop_timeout = 45s\n"
                          "runtime_min_duration = 2us\n"
                          "runtime_ring_buffer = 256\n"
                          "runtime_gzip_level = 6\n"
                          "runtime_max_trace_bytes = 512M\n"
                          "runtime_min_free_space = 0\n"
                          "max_runs = 0\n"
                          "max_runs_per_user = 2\n"
                          "prolog_timeout = 2m\n",
                          &c, err, sizeof(err)),
                     0);
    assert_string_equal(c.secret_file, "/s/secret");
    assert_string_equal(c.signer_socket, "/s/sock");
    assert_string_equal(c.run_dir, "/s/run");
    assert_string_equal(c.trace_dir, "/s/traces/%Y");
    assert_string_equal(c.log_dir, "/s/log");
    assert_string_equal(c.client_lib, "/s/lib.so");
    assert_string_equal(c.runtime_daemon, "/s/daemon");
    assert_string_equal(c.scheduler, "none");
    assert_string_equal(c.service_manager, "direct");
    assert_string_equal(c.admin_group, "hpc-admins");
    assert_int_equal(c.max_runtime_functions, 12);
    assert_int_equal(c.probe_validity, 12 * 3600);
    assert_int_equal(c.ready_timeout, 120);
    assert_int_equal(c.stop_timeout, 45);
    assert_int_equal(c.runtime_min_duration, 2000);
    assert_int_equal(c.runtime_ring_buffer, 256);
    assert_int_equal(c.runtime_gzip_level, 6);
    assert_int_equal(c.runtime_max_trace_bytes, 512L << 20);
    assert_int_equal(c.runtime_min_free_space, 0);
    assert_int_equal(c.max_runs, 0);
    assert_int_equal(c.max_runs_per_user, 2);
    assert_int_equal(c.prolog_timeout, 120);
}

/* Each bad line, the error must name file:line, the key, and the reason. */
static void expect_error(const char *text, unsigned line, const char *key, const char *why)
{
    struct dc_sysconf c;
    char err[1024], where[PATH_MAX + 16];

    assert_int_equal(load(text, &c, err, sizeof(err)), -1);
    snprintf(where, sizeof(where), "%s:%u: ", file, line);
    if (strstr(err, where) == NULL || (key && strstr(err, key) == NULL) || !strstr(err, why))
        fail_msg("for %s got '%s'", text, err);
}

static void test_errors(void **state)
{
    expect_error("# c\nsecret_file = relative/path\n", 2, "secret_file", "absolute path");
    expect_error("run_dir = /a\x01z\n", 1, "run_dir", "control character");
    expect_error("log_dir = /var/%Y\n", 1, "log_dir", "'%'");
    expect_error("\n\nscheduler = pbs\n", 3, "scheduler", "not one of the allowed");
    expect_error("service_manager = \n", 1, "service_manager", "is empty");
    expect_error("max_runtime_functions = 12x\n", 1, "max_runtime_functions", "whole number");
    expect_error("max_runtime_functions = -5\n", 1, "max_runtime_functions", "whole number");
    expect_error("max_runtime_functions = 0\n", 1, "max_runtime_functions", "out of range");
    expect_error("max_runtime_functions = 99999999999999999999\n", 1, "max_runtime_functions",
                 "whole number");
    expect_error("probe_validity = 7w\n", 1, "probe_validity", "not a duration");
    expect_error("probe_validity = 10s\n", 1, "probe_validity", "out of range");
    expect_error("ready_timeout = h\n", 1, "ready_timeout", "not a duration");
    expect_error("admin_group = a b\n", 1, "admin_group", "not a valid group");
    expect_error("runtime_ring_buffer = 100\n", 1, "runtime_ring_buffer", "power of two");
    expect_error("runtime_ring_buffer = 8192\n", 1, "runtime_ring_buffer", "out of range");
    expect_error("runtime_ring_buffer = 0\n", 1, "runtime_ring_buffer", "out of range");
    expect_error("runtime_gzip_level = 10\n", 1, "runtime_gzip_level", "out of range");
    expect_error("runtime_max_trace_bytes = 1000\n", 1, "runtime_max_trace_bytes", "out of range");
    expect_error("runtime_max_trace_bytes = 1P\n", 1, "runtime_max_trace_bytes", "not a size");
    expect_error("runtime_min_free_space = -1M\n", 1, "runtime_min_free_space", "not a size");
    expect_error("max_runs_per_user = -1\n", 1, "max_runs_per_user", "whole number");
    expect_error("runtime_min_duration = 2 us\n", 1, "runtime_min_duration", "not a duration");
    expect_error("runtime_min_duration = 11s\n", 1, "runtime_min_duration", "out of range");
    expect_error("a line without an equals sign\n", 1, NULL, "expected 'key = value'");
}

static void test_long_line(void **state)
{
    char *text = malloc(DC_CONF_LINE_MAX + 64);

    memset(text, 'a', DC_CONF_LINE_MAX + 10);
    memcpy(text, "log_dir = /", 11);
    strcpy(text + DC_CONF_LINE_MAX + 10, "\n");
    expect_error(text, 1, NULL, "line longer than");
    free(text);
}

static void test_unknown_key_is_a_warning(void **state)
{
    struct dc_sysconf c;
    char err[512], said[1024] = "", where[PATH_MAX + 64];
    char capture[PATH_MAX];
    int saved = dup(2), fd;
    FILE *f;

    /* The warning goes to stderr: catch it in a file. */
    snprintf(capture, sizeof(capture), "%s/stderr", dir);
    fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 2);
    close(fd);
    assert_int_equal(load("# c\nfuture_key = 1\nrun_dir = /x\n", &c, err, sizeof(err)), 0);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_string_equal(c.run_dir, "/x");
    f = fopen(capture, "r");
    assert_non_null(f);
    assert_true(fread(said, 1, sizeof(said) - 1, f) > 0);
    fclose(f);
    snprintf(where, sizeof(where), "%s:2: unknown key 'future_key'", file);
    assert_non_null(strstr(said, "warning"));
    assert_non_null(strstr(said, where));
}

static void test_duplicate_last_wins(void **state)
{
    struct dc_sysconf c;
    char err[512];

    assert_int_equal(load("run_dir = /x\nrun_dir = /y\n", &c, err, sizeof(err)), 0);
    assert_string_equal(c.run_dir, "/y");
}

static void test_admin_group_may_be_empty(void **state)
{
    struct dc_sysconf c;
    char err[512];

    assert_int_equal(load("admin_group =\n", &c, err, sizeof(err)), 0);
    assert_string_equal(c.admin_group, "");
}

static void test_missing_explicit_file(void **state)
{
    struct dc_sysconf c;
    char err[512], path[PATH_MAX];

    snprintf(path, sizeof(path), "%s/nope.conf", dir);
    assert_int_equal(dc_sysconf_load(&c, path, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "nope.conf"));
    assert_non_null(strstr(err, "cannot open"));
}

static void test_not_a_regular_file(void **state)
{
    struct dc_sysconf c;
    char err[512];

    assert_int_equal(dc_sysconf_load(&c, dir, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a regular file"));
}

static void test_nul_byte(void **state)
{
    struct dc_sysconf c;
    char err[512];
    FILE *f = fopen(file, "w");

    fwrite("# one\nrun_dir = /a\0b\n", 1, 21, f);
    fclose(f);
    assert_int_equal(dc_sysconf_load(&c, file, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "NUL"));
    assert_non_null(strstr(err, "datacrumbs.conf:2:")); /* the line it is on */
}

static void test_too_large(void **state)
{
    struct dc_sysconf c;
    char err[512];
    FILE *f = fopen(file, "w");

    for (int i = 0; i <= DC_CONF_SIZE_MAX / 16; i++)
        fputs("# padding......\n", f);
    fclose(f);
    assert_int_equal(dc_sysconf_load(&c, file, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "larger than"));
}

static void test_durations(void **state)
{
    long v;

    assert_int_equal(dc_parse_duration("90", &v), 0);
    assert_int_equal(v, 90);
    assert_int_equal(dc_parse_duration("7d", &v), 0);
    assert_int_equal(v, 604800);
    assert_int_equal(dc_parse_duration("15m", &v), 0);
    assert_int_equal(v, 900);
    assert_int_equal(dc_parse_duration("", &v), -1);
    assert_int_equal(dc_parse_duration("-1", &v), -1);
    assert_int_equal(dc_parse_duration("1dd", &v), -1);
    assert_int_equal(dc_parse_duration(" 1", &v), -1);
    assert_int_equal(dc_parse_duration("999999999999999999d", &v), -1);
    assert_int_equal(dc_parse_ns("750", &v), 0);
    assert_int_equal(v, 750);
    assert_int_equal(dc_parse_ns("2us", &v), 0);
    assert_int_equal(v, 2000);
    assert_int_equal(dc_parse_ns("3ms", &v), 0);
    assert_int_equal(v, 3000000);
    assert_int_equal(dc_parse_ns("1s", &v), 0);
    assert_int_equal(v, 1000000000);
    assert_int_equal(dc_parse_ns("99999999999999999999s", &v), -1);
    assert_int_equal(dc_parse_ns("20000000000s", &v), -1); /* overflows */
    assert_int_equal(dc_parse_ns("", &v), -1);
    assert_int_equal(dc_parse_ns("1 us", &v), -1);
    assert_int_equal(dc_parse_ns("-1", &v), -1);
    assert_int_equal(dc_parse_ns("5min", &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_empty_file_gives_defaults),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_unknown_key_is_a_warning),
        cmocka_unit_test(test_duplicate_last_wins),
        cmocka_unit_test(test_admin_group_may_be_empty),
        cmocka_unit_test(test_missing_explicit_file),
        cmocka_unit_test(test_not_a_regular_file),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_durations),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
