/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_remote.c - the ssh command line (fixed remote words, host after "--", BatchMode first),
 * --ssh-option rules, shell quoting for --dry-run, run id generation, probe paths made absolute.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "protocol.h"
#include "remote.h"
#include "runid.h"

static void test_ssh_argv(void **state)
{
    struct dc_ssh s = {.program = "/usr/bin/ssh", .connect_timeout = 7};
    const char *argv[DC_SSH_ARGV_MAX];
    static const char *const want[] = {"/usr/bin/ssh",
                                       "-T",
                                       "-x",
                                       "-a",
                                       "-o",
                                       "BatchMode=yes",
                                       "-o",
                                       "ConnectTimeout=7",
                                       "-o",
                                       "Port=2222",
                                       "--",
                                       "node01",
                                       "sudo",
                                       "-n",
                                       DC_LIBEXECDIR "/datacrumbs_nodectl",
                                       "--stdin",
                                       NULL};
    int n;

    (void)state;
    s.options[s.n_options++] = "Port=2222";
    n = dc_ssh_argv(&s, "node01", argv);
    assert_int_equal(n, (int)(sizeof(want) / sizeof(want[0])) - 1);
    for (int i = 0; i <= n; i++) {
        if (!want[i])
            assert_null(argv[i]);
        else
            assert_string_equal(argv[i], want[i]);
    }
}

static void test_ssh_argv_hostile_hosts(void **state)
{
    static const char *const bad[] = {
        "-oProxyCommand=id", "-v",  "a;b", "a b", "$(id)", "`id`", "a|b", "a&b", "a\nb", "",
        "user@host",         "a/b", "a'b", ".x",  "x\\y"};
    struct dc_ssh s = {.program = "/usr/bin/ssh", .connect_timeout = 1};
    const char *argv[DC_SSH_ARGV_MAX];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (dc_ssh_argv(&s, bad[i], argv) >= 0)
            fail_msg("built an ssh command line for host \"%s\"", bad[i]);
}

static void test_ssh_options(void **state)
{
    char err[256], big[1100];

    (void)state;
    assert_true(dc_ssh_option_valid("Port=2222", err, sizeof(err)));
    assert_true(dc_ssh_option_valid("IdentityFile ~/.ssh/id_hpc", err, sizeof(err)));
    assert_true(dc_ssh_option_valid("StrictHostKeyChecking=accept-new", err, sizeof(err)));
    assert_false(dc_ssh_option_valid("", err, sizeof(err)));
    assert_false(dc_ssh_option_valid("=x", err, sizeof(err)));
    assert_false(dc_ssh_option_valid("-F/tmp/x", err, sizeof(err)));
    assert_false(dc_ssh_option_valid("Port", err, sizeof(err)));
    assert_false(dc_ssh_option_valid("Port=22\nProxyCommand=id", err, sizeof(err)));
    assert_false(dc_ssh_option_valid("Port=2\x7f", err, sizeof(err)));
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[4] = '=';
    assert_false(dc_ssh_option_valid(big, err, sizeof(err)));
}

static void test_shell_quote(void **state)
{
    const char *argv[] = {"ssh", "-o", "ProxyCommand=nc %h 22", "it's", "$(x)", "", "a/b:c", NULL};
    char out[256];

    (void)state;
    assert_int_equal(dc_shell_quote_argv(argv, out, sizeof(out)), 0);
    assert_string_equal(out, "ssh -o 'ProxyCommand=nc %h 22' 'it'\\''s' '$(x)' '' a/b:c");
    assert_int_equal(dc_shell_quote_argv(argv, out, 10), -1);
}

static void test_runid_generate(void **state)
{
    char a[DC_RUNID_MAX + 1], b[DC_RUNID_MAX + 1];

    (void)state;
    assert_int_equal(dc_runid_generate(a, sizeof(a)), 0);
    assert_int_equal(dc_runid_generate(b, sizeof(b)), 0);
    assert_true(dc_runid_valid(a));
    assert_int_equal(strncmp(a, "dc-", 3), 0);
    assert_int_equal(strlen(a), strlen("dc-20260101-120000-0123abcd"));
    assert_string_not_equal(a, b);
    assert_int_equal(dc_runid_generate(a, 10), -1);
}

static void test_probe_path_absolute(void **state)
{
    char out[PATH_MAX], err[256], cwd[PATH_MAX], want[PATH_MAX + 16];

    (void)state;
    assert_int_equal(
        dc_probe_path_absolute("/a//b/./c/../p.gz", out, sizeof(out), err, sizeof(err)), 0);
    assert_string_equal(out, "/a/b/p.gz");
    assert_int_equal(dc_probe_path_absolute("/../../x", out, sizeof(out), err, sizeof(err)), 0);
    assert_string_equal(out, "/x");
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(dc_probe_path_absolute("sub/../p q.gz", out, sizeof(out), err, sizeof(err)),
                     0);
    snprintf(want, sizeof(want), "%s/p q.gz", strcmp(cwd, "/") ? cwd : "");
    assert_string_equal(out, want);
    assert_int_equal(dc_probe_path_absolute("", out, sizeof(out), err, sizeof(err)), -1);
    assert_int_equal(dc_probe_path_absolute("/", out, sizeof(out), err, sizeof(err)), -1);
    assert_int_equal(dc_probe_path_absolute("/a\nverb=stop", out, sizeof(out), err, sizeof(err)),
                     -1);
    assert_int_equal(dc_probe_path_absolute("/tmp/\xff", out, sizeof(out), err, sizeof(err)), -1);
    assert_int_equal(dc_probe_path_absolute("/aaaaaaaaaa/bbbbbbbbbb", out, 12, err, sizeof(err)),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ssh_argv),       cmocka_unit_test(test_ssh_argv_hostile_hosts),
        cmocka_unit_test(test_ssh_options),    cmocka_unit_test(test_shell_quote),
        cmocka_unit_test(test_runid_generate), cmocka_unit_test(test_probe_path_absolute),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
