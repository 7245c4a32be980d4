/* SPDX-License-Identifier: BSD-3-Clause */
/* test_probecheck.c - the wrappers' probe file checks at submission. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probefile.h"
#include "salloc/probecheck.h"
#include "testutil.h"

#define KEY "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char *dir;

/* A signed probe file for uid, issued at issued, expiring at expires (0: no such key). */
static void make(const char *name, long uid, time_t issued, time_t expires)
{
    char path[8192], t1[32], t2[32], mac[DC_PF_HEX_LEN + 1];
    json_t *s = json_object(),
           *c = json_pack("[{s:i,s:s,s:[s]}]", "type", 1, "name", "posix", "functions", "read");

    json_object_set_new(s, "user", json_string("someone"));
    if (uid >= 0)
        json_object_set_new(s, "uid", json_integer(uid));
    if (issued) {
        dc_pf_time_format(issued, t1);
        json_object_set_new(s, "issued_at", json_string(t1));
    }
    if (expires) {
        dc_pf_time_format(expires, t2);
        json_object_set_new(s, "expires_at", json_string(t2));
    }
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    assert_int_equal(dc_pf_sign(s, c, KEY, 64, mac), DC_PF_OK);
    assert_int_equal(dc_pf_write(path, s, c, mac, 1, 0644), DC_PF_OK);
    json_decref(s);
    json_decref(c);
}

static int setup(void **state)
{
    time_t now = time(NULL);
    char path[8192];

    dir = tu_mkdtemp();
    make("good.json.gz", getuid(), now - 60, now + 86400);
    make("soon.json.gz", getuid(), now - 60, now + 600);
    make("noexpiry.json.gz", getuid(), 0, 0);
    make("expired.json.gz", getuid(), now - 7200, now - 3600);
    make("future.json.gz", getuid(), now + 7200, now + 86400);
    make("other.json.gz", getuid() + 1, now - 60, now + 86400);
    make("with space.json.gz", getuid(), now - 60, now + 86400);
    snprintf(path, sizeof(path), "%s/garbage.json.gz", dir);
    tu_write(path, "not a probe file\n", 0644);
    snprintf(path, sizeof(path), "%s/subdir", dir);
    mkdir(path, 0755);
    return 0;
}

static int teardown(void **state)
{
    tu_dir_done(&dir);
    return 0;
}

static void ok(const char *name, struct dc_probecheck *pc)
{
    char typed[8192], err[2048];

    snprintf(typed, sizeof(typed), "%s/%s", dir, name);
    if (dc_probecheck(typed, getuid(), time(NULL), pc, err, sizeof(err)) != 0)
        fail_msg("%s refused: %s", name, err);
}

static void bad(const char *name, const char *needle)
{
    char typed[8192], err[2048];
    struct dc_probecheck pc;

    snprintf(typed, sizeof(typed), "%s/%s", dir, name);
    if (dc_probecheck(typed, getuid(), time(NULL), &pc, err, sizeof(err)) != -1)
        fail_msg("%s accepted", name);
    if (!strstr(err, needle))
        fail_msg("%s: '%s' lacks '%s'", name, err, needle);
}

static void test_good(void **state)
{
    struct dc_probecheck pc;
    char cwd[4096], want[8192];

    ok("good.json.gz", &pc);
    assert_true(pc.expires_in > 86000);
    /* The path that goes into the comment is canonical and absolute. */
    snprintf(want, sizeof(want), "%s/good.json.gz", dir);
    assert_non_null(realpath(want, cwd));
    assert_string_equal(pc.path, cwd);
    ok("subdir/../good.json.gz", &pc);
    assert_string_equal(pc.path, cwd);
    assert_int_equal(pc.node_local, strncmp(cwd, "/tmp/", 5) == 0);
    ok("soon.json.gz", &pc);
    assert_true(pc.expires_in > 0 && pc.expires_in < DC_PROBECHECK_SOON);
    ok("noexpiry.json.gz", &pc);
    assert_int_equal(pc.expires_in, -1);
}

static void test_relative_made_absolute(void **state)
{
    struct dc_probecheck pc;
    char err[2048], old[4096];

    assert_non_null(getcwd(old, sizeof(old)));
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(dc_probecheck("good.json.gz", getuid(), time(NULL), &pc, err, sizeof(err)), 0);
    assert_true(pc.path[0] == '/');
    assert_int_equal(chdir(old), 0);
}

static void test_refused(void **state)
{
    bad("missing.json.gz", "No such file");
    bad("expired.json.gz", "expired at");
    bad("future.json.gz", "not valid before");
    bad("other.json.gz", "not for you");
    bad("garbage.json.gz", "not usable");
    bad("subdir", "not a regular file");
    bad("with space.json.gz", "cannot be handed to the compute nodes");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_relative_made_absolute),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
