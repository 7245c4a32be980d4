/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_envfile.c - <run_dir>/datacrumbs-ID.env: its exact text, its owner and mode, and that
 * nothing systemd or a shell would expand or split can be written into it or read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/testutil.h"
#include "envfile.h"

static struct dc_envfile sample(void)
{
    struct dc_envfile e;

    memset(&e, 0, sizeof(e));
    snprintf(e.probe_file, sizeof(e.probe_file), "/run/datacrumbs/datacrumbs-4242.probes");
    snprintf(e.user, sizeof(e.user), "alice");
    snprintf(e.run_id, sizeof(e.run_id), "4242");
    snprintf(e.log_dir, sizeof(e.log_dir), "/var/log/datacrumbs");
    return e;
}

static void test_format_exact(void **state)
{
    struct dc_envfile e = sample();
    char buf[DC_ENVFILE_MAX + 1], err[256];
    int n;

    (void)state;
    n = dc_envfile_format(&e, buf, sizeof(buf), err, sizeof(err));
    assert_true(n > 0);
    assert_int_equal((size_t)n, strlen(buf));
    assert_string_equal(buf,
                        "# datacrumbs run 4242, written by datacrumbs_nodectl; removed when it "
                        "stops.\n"
                        "DATACRUMBS_PROBE_FILE=\"/run/datacrumbs/datacrumbs-4242.probes\"\n"
                        "DATACRUMBS_USER=\"alice\"\n"
                        "DATACRUMBS_RUN_ID=\"4242\"\n"
                        "DATACRUMBS_SERVICE_RUN_ID=\"4242\"\n"
                        "DATACRUMBS_LOG_DIR=\"/var/log/datacrumbs\"\n");
}

static void test_values_refused(void **state)
{
    static const char *const bad_paths[] = {
        "relative/p", "/a\"b", "/a\\b",  "/a$b",         "/a${HOME}",
        "/a`id`",     "/a\nb", "/a\x7f", "/caf\xc3\xa9", "",
    };
    char buf[DC_ENVFILE_MAX + 1], err[256];

    (void)state;
    for (size_t i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
        struct dc_envfile e = sample();

        snprintf(e.probe_file, sizeof(e.probe_file), "%s", bad_paths[i]);
        if (dc_envfile_format(&e, buf, sizeof(buf), err, sizeof(err)) >= 0)
            fail_msg("wrote probe path \"%s\"", bad_paths[i]);
        e = sample();
        snprintf(e.log_dir, sizeof(e.log_dir), "%s", bad_paths[i]);
        if (dc_envfile_format(&e, buf, sizeof(buf), err, sizeof(err)) >= 0)
            fail_msg("wrote log dir \"%s\"", bad_paths[i]);
    }
    {
        struct dc_envfile e = sample();

        snprintf(e.user, sizeof(e.user), "root\"x");
        assert_int_equal(dc_envfile_format(&e, buf, sizeof(buf), err, sizeof(err)), -1);
        e = sample();
        snprintf(e.run_id, sizeof(e.run_id), "../x");
        assert_int_equal(dc_envfile_format(&e, buf, sizeof(buf), err, sizeof(err)), -1);
    }
    assert_true(dc_env_value_ok("/ok/path-1_2.x"));
    assert_true(dc_env_value_ok("/with space"));
    assert_false(dc_env_value_ok(NULL));
}

static void test_write_mode_and_read_back(void **state)
{
    char *dir = tu_mkdtemp(), path[PATH_MAX], err[256];
    struct dc_envfile e = sample(), back;
    struct stat st;

    (void)state;
    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s/datacrumbs-4242.env", dir);
    umask(0);
    assert_int_equal(dc_envfile_write(path, &e, err, sizeof(err)), 0);
    umask(022);
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(st.st_uid, geteuid());
    assert_int_equal(st.st_gid, getegid());
    assert_int_equal(dc_envfile_read(path, &back, err, sizeof(err)), 0);
    assert_string_equal(back.probe_file, e.probe_file);
    assert_string_equal(back.user, "alice");
    assert_string_equal(back.run_id, "4242");
    assert_string_equal(back.log_dir, e.log_dir);

    /* Rewriting replaces the file whole (a new inode, never a half-written one). */
    snprintf(e.user, sizeof(e.user), "bob");
    assert_int_equal(dc_envfile_write(path, &e, err, sizeof(err)), 0);
    assert_int_equal(dc_envfile_read(path, &back, err, sizeof(err)), 0);
    assert_string_equal(back.user, "bob");

    /* Only the temp file and the rename touch the directory: nothing else is left there. */
    {
        char cmd[PATH_MAX + 64];

        snprintf(cmd, sizeof(cmd), "test \"$(ls -A '%s')\" = datacrumbs-4242.env", dir);
        assert_int_equal(system(cmd), 0);
    }
    snprintf(path, sizeof(path), "%s/missing.env", dir);
    assert_int_equal(dc_envfile_read(path, &back, err, sizeof(err)), 1);
    tu_dir_done(&dir);
}

static void test_read_refuses(void **state)
{
    char *dir = tu_mkdtemp(), path[PATH_MAX], link[PATH_MAX], err[256];
    struct dc_envfile back;

    (void)state;
    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s/e.env", dir);
    snprintf(link, sizeof(link), "%s/l.env", dir);
    tu_write(path,
             "DATACRUMBS_PROBE_FILE=\"/p\"\nDATACRUMBS_USER=\"alice\"\n"
             "DATACRUMBS_RUN_ID=\"1\"\nDATACRUMBS_LOG_DIR=\"/l\"\n",
             0600);
    assert_int_equal(dc_envfile_read(path, &back, err, sizeof(err)), 0);
    /* Never through a symlink, never a file others may write. */
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(dc_envfile_read(link, &back, err, sizeof(err)), -1);
    chmod(path, 0620);
    assert_int_equal(dc_envfile_read(path, &back, err, sizeof(err)), -1);
    chmod(path, 0602);
    assert_int_equal(dc_envfile_read(path, &back, err, sizeof(err)), -1);
    tu_dir_done(&dir);
}

static void parse_fails(const char *text)
{
    struct dc_envfile e;
    char err[256];

    if (dc_envfile_parse(text, strlen(text), &e, err, sizeof(err)) == 0)
        fail_msg("accepted env file:\n%s", text);
}

static void test_parse(void **state)
{
    static const char good[] = "# comment\n"
                               "DATACRUMBS_PROBE_FILE=\"/p\"\n"
                               "DATACRUMBS_USER=\"alice\"\n"
                               "DATACRUMBS_RUN_ID=\"1\"\n"
                               "DATACRUMBS_SERVICE_RUN_ID=\"1\"\n"
                               "DATACRUMBS_LOG_DIR=\"/l\"\n";
    struct dc_envfile e;
    char err[256];

    (void)state;
    assert_int_equal(dc_envfile_parse(good, strlen(good), &e, err, sizeof(err)), 0);
    assert_string_equal(e.user, "alice");
    parse_fails("DATACRUMBS_PROBE_FILE=\"/p\"\nDATACRUMBS_USER=\"alice\"\n"
                "DATACRUMBS_RUN_ID=\"1\"\n"); /* no log dir */
    parse_fails("DATACRUMBS_PROBE_FILE=/p\nDATACRUMBS_USER=\"alice\"\nDATACRUMBS_RUN_ID=\"1\"\n"
                "DATACRUMBS_LOG_DIR=\"/l\"\n"); /* unquoted */
    parse_fails("DATACRUMBS_PROBE_FILE=\"/p$(id)\"\nDATACRUMBS_USER=\"alice\"\n"
                "DATACRUMBS_RUN_ID=\"1\"\nDATACRUMBS_LOG_DIR=\"/l\"\n");
    parse_fails("DATACRUMBS_PROBE_FILE=\"/p\"\nDATACRUMBS_USER=\"al ice\"\n"
                "DATACRUMBS_RUN_ID=\"1\"\nDATACRUMBS_LOG_DIR=\"/l\"\n");
    parse_fails("DATACRUMBS_PROBE_FILE=\"/p\"\nDATACRUMBS_USER=\"alice\"\n"
                "DATACRUMBS_RUN_ID=\"a/b\"\nDATACRUMBS_LOG_DIR=\"/l\"\n");
    parse_fails("garbage\n");
    parse_fails("");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_exact),
        cmocka_unit_test(test_values_refused),
        cmocka_unit_test(test_write_mode_and_read_back),
        cmocka_unit_test(test_read_refuses),
        cmocka_unit_test(test_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
