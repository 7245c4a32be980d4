/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_cli.c - the command line of datacrumbs_run and datacrumbs_stop, resolved before any node
 * is contacted: run ids (given, from the scheduler, generated), node names, probe file paths,
 * defaults of the timeouts. Anything hostile ends in exit code 2 here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/testutil.h"
#include "cli.h"
#include "log.h"

static char *dir, conf[PATH_MAX], probe[PATH_MAX];

static void no_help(FILE *out)
{
    (void)out;
}

static int setup(void **state)
{
    (void)state;
    dir = tu_mkdtemp();
    if (!dir)
        return -1;
    snprintf(conf, sizeof(conf), "%s/dc.conf", dir);
    snprintf(probe, sizeof(probe), "%s/p.json.gz", dir);
    tu_write(conf, "scheduler = none\nready_timeout = 60\nstop_timeout = 90\n", 0644);
    tu_write(probe, "x", 0644);
    unsetenv("SLURM_JOB_ID");
    unsetenv("SLURM_JOB_NODELIST");
    dc_log_init("test_cli", DC_LOG_QUIET);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return tu_dir_done(&dir);
}

/* Parse then resolve argv (NULL-terminated) as datacrumbs_run (is_run) or _stop. */
static int cli(int is_run, struct dc_cli_plan *p, const char **args)
{
    char *argv[32];
    struct dc_cli c;
    int argc = 0;

    memset(&c, 0, sizeof(c));
    memset(p, 0, sizeof(*p));
    c.is_run = is_run;
    argv[argc++] = (char *)(is_run ? "datacrumbs_run" : "datacrumbs_stop");
    argv[argc++] = (char *)"--config";
    argv[argc++] = conf;
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    optind = 0; /* getopt starts over */
    if (dc_cli_parse(&c, argc, argv, no_help) < 0)
        return DC_CLI_EXIT_USAGE;
    return dc_cli_resolve(&c, p);
}

/* 0 when ssh is installed; the same plan but exit 1 ("ssh not found") otherwise. */
static int want_ok(void)
{
    return access("/usr/bin/ssh", X_OK) == 0 ? 0 : DC_CLI_EXIT_FAILED;
}

static void test_run_resolves(void **state)
{
    const char *args[] = {
        "--node-list", "node[01-03],node02 login", "--probe-file", probe, "--run-id", "job.1",
        NULL};
    struct dc_cli_plan p;

    (void)state;
    assert_int_equal(cli(1, &p, args), want_ok());
    assert_int_equal(p.nodes.n, 4); /* duplicates dropped, order kept */
    assert_string_equal(p.nodes.hosts[0], "node01");
    assert_string_equal(p.nodes.hosts[3], "login");
    assert_string_equal(p.req.run_id, "job.1");
    assert_string_equal(p.req.probe_file, probe);
    assert_string_equal(p.req.user, getpwuid(getuid())->pw_name); /* the caller, always */
    assert_false(p.run_id_generated);
    if (want_ok() == 0) {
        assert_int_equal(p.opts.parallel, 32);
        assert_int_equal(p.opts.ssh.connect_timeout, 10);
        assert_int_equal(p.opts.timeout_s, 60 + 30 + 10);
    }
    dc_cli_plan_free(&p);
}

static void test_run_id_sources(void **state)
{
    const char *gen[] = {"--node-list", "n1", "--probe-file", probe, NULL};
    const char *stop_none[] = {"--node-list", "n1", NULL};
    struct dc_cli_plan p;

    (void)state;
    assert_int_equal(cli(1, &p, gen), want_ok());
    assert_true(p.run_id_generated);
    assert_int_equal(strncmp(p.req.run_id, "dc-", 3), 0);
    dc_cli_plan_free(&p);
    /* Stop never makes one up. */
    assert_int_equal(cli(0, &p, stop_none), DC_CLI_EXIT_USAGE);
    dc_cli_plan_free(&p);
    /* With scheduler = slurm the job id is the run id, and the job's nodes the default. */
    tu_write(conf, "scheduler = slurm\n", 0644);
    setenv("SLURM_JOB_ID", "4242", 1);
    setenv("SLURM_JOB_NODELIST", "c[1-2]", 1);
    {
        const char *none[] = {NULL};

        assert_int_equal(cli(0, &p, none), want_ok());
        assert_string_equal(p.req.run_id, "4242");
        assert_int_equal(p.nodes.n, 2);
        dc_cli_plan_free(&p);
    }
    setenv("SLURM_JOB_ID", "42;reboot", 1);
    assert_int_equal(cli(0, &p, stop_none), DC_CLI_EXIT_USAGE);
    dc_cli_plan_free(&p);
    /* Under another scheduler the SLURM variable means nothing. */
    tu_write(conf, "scheduler = none\n", 0644);
    assert_int_equal(cli(0, &p, stop_none), DC_CLI_EXIT_USAGE);
    dc_cli_plan_free(&p);
    unsetenv("SLURM_JOB_ID");
    unsetenv("SLURM_JOB_NODELIST");
}

static void test_hostile_values(void **state)
{
    static const char *const run_ids[] = {
        "../x",
        "$(id)",
        "a b",
        "-x",
        "a\nb",
        "",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
    static const char *const nodes[] = {"-oProxyCommand=x", "a;b", "n$(id)", "a\x01b", "n[1-",
                                        "n[3-1]",           "",    ",",      "a/b",    "x@y"};
    struct dc_cli_plan p;

    (void)state;
    for (size_t i = 0; i < sizeof(run_ids) / sizeof(run_ids[0]); i++) {
        const char *args[] = {"--node-list", "n1", "--run-id", run_ids[i], NULL};

        if (cli(0, &p, args) != DC_CLI_EXIT_USAGE)
            fail_msg("accepted run id \"%s\"", run_ids[i]);
        dc_cli_plan_free(&p);
    }
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        const char *args[] = {"--node-list", nodes[i], "--run-id", "r", NULL};

        if (cli(0, &p, args) != DC_CLI_EXIT_USAGE)
            fail_msg("accepted node list \"%s\"", nodes[i]);
        dc_cli_plan_free(&p);
    }
}

static void test_probe_file(void **state)
{
    char rel[PATH_MAX], nl[PATH_MAX + 16], cwd[PATH_MAX];
    struct dc_cli_plan p;

    (void)state;
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(dir), 0);
    snprintf(rel, sizeof(rel), "./sub/../p.json.gz");
    {
        const char *args[] = {"--node-list", "n1", "--probe-file", rel, NULL};

        assert_int_equal(cli(1, &p, args), want_ok());
        assert_string_equal(p.req.probe_file, probe); /* made absolute, lexically */
        dc_cli_plan_free(&p);
    }
    assert_int_equal(chdir(cwd), 0);
    snprintf(nl, sizeof(nl), "%s\nverb=stop", probe);
    {
        const char *missing[] = {"--node-list", "n1", "--probe-file", "/nonexistent/p", NULL};
        const char *newline[] = {"--node-list", "n1", "--probe-file", nl, NULL};
        const char *isdir[] = {"--node-list", "n1", "--probe-file", dir, NULL};
        const char *none[] = {"--node-list", "n1", NULL};

        assert_int_equal(cli(1, &p, missing), DC_CLI_EXIT_USAGE);
        dc_cli_plan_free(&p);
        assert_int_equal(cli(1, &p, newline), DC_CLI_EXIT_USAGE);
        dc_cli_plan_free(&p);
        assert_int_equal(cli(1, &p, isdir), DC_CLI_EXIT_USAGE);
        dc_cli_plan_free(&p);
        assert_int_equal(cli(1, &p, none), DC_CLI_EXIT_USAGE);
        dc_cli_plan_free(&p);
    }
}

static void test_options(void **state)
{
    const char *tuned[] = {
        "--node-list", "n1", "--run-id",     "r",         "--parallel", "3", "--connect-timeout=4",
        "--timeout",   "9",  "--ssh-option", "Port=2222", NULL};
    const char *bad[][6] = {
        {"--node-list", "n1", "--run-id", "r", "--parallel", "0"},
        {"--node-list", "n1", "--run-id", "r", "--timeout", "-1"},
        {"--node-list", "n1", "--run-id", "r", "--connect-timeout", "1x"},
        {"--node-list", "n1", "--run-id", "r", "--ssh-option", "Port"},
        {"--node-list", "n1", "--run-id", "r", "--probe-file", "/p"},
        {"--node-list", "n1", "--run-id", "r", "--no-such", "x"},
    };
    struct dc_cli_plan p;

    (void)state;
    assert_int_equal(cli(0, &p, tuned), want_ok());
    if (want_ok() == 0) {
        assert_int_equal(p.opts.parallel, 3);
        assert_int_equal(p.opts.ssh.connect_timeout, 4);
        assert_int_equal(p.opts.timeout_s, 9);
        assert_int_equal(p.opts.ssh.n_options, 1);
    }
    dc_cli_plan_free(&p);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *args[7];

        memcpy(args, bad[i], sizeof(bad[i]));
        args[6] = NULL;
        if (cli(0, &p, args) != DC_CLI_EXIT_USAGE)
            fail_msg("accepted %s %s", bad[i][4], bad[i][5]);
        dc_cli_plan_free(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_run_resolves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_id_sources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_probe_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
