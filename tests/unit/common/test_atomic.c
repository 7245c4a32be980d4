/* SPDX-License-Identifier: BSD-3-Clause */
/* test_atomic.c - atomic file write: all or nothing, no temporary file left behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>

#include "common/atomic.h"
#include "testutil.h"

static char *dir;
static char dest[PATH_MAX];

static int setup_each(void **state)
{
    dir = tu_mkdtemp();
    snprintf(dest, sizeof(dest), "%s/dest", dir);
    return dir ? 0 : -1;
}

static int teardown_each(void **state)
{
    tu_dir_done(&dir);
    return 0;
}

static int entries(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int n = 0;

    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

static char *slurp(const char *path)
{
    static char buf[65536];
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f)
        return NULL;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_write_new_and_replace(void **state)
{
    struct stat st;

    assert_int_equal(dc_atomic_write_file(dest, "first", 5, 0600), 0);
    assert_string_equal(slurp(dest), "first");
    assert_int_equal(stat(dest, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(dc_atomic_write_file(dest, "second!", 7, 0640), 0);
    assert_string_equal(slurp(dest), "second!");
    assert_int_equal(stat(dest, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    assert_int_equal(entries(dir), 1);
}

static void test_missing_directory(void **state)
{
    char path[PATH_MAX + 16];

    snprintf(path, sizeof(path), "%s/nodir/dest", dir);
    assert_int_equal(dc_atomic_write_file(path, "x", 1, 0600), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(entries(dir), 0);
}

/* A write that fails half way (file size limit) leaves the old content and no temp file. */
static void test_failed_write_keeps_original(void **state)
{
    static char big[1 << 20];
    struct rlimit old, lim = {.rlim_cur = 4096, .rlim_max = RLIM_INFINITY};
    int rc;

    tu_write(dest, "original", 0644);
    memset(big, 'z', sizeof(big));
    signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &old);
    lim.rlim_max = old.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    rc = dc_atomic_write_file(dest, big, sizeof(big), 0644);
    setrlimit(RLIMIT_FSIZE, &old);
    assert_int_equal(rc, -1);
    assert_int_equal(errno, EFBIG);
    assert_string_equal(slurp(dest), "original");
    assert_int_equal(entries(dir), 1);
}

/* A rename that fails (the destination is a directory) removes the temp file. */
static void test_failed_rename(void **state)
{
    char inner[PATH_MAX + 16];

    mkdir(dest, 0700);
    snprintf(inner, sizeof(inner), "%s/keep", dest);
    tu_write(inner, "k", 0600);
    assert_int_equal(dc_atomic_write_file(dest, "x", 1, 0600), -1);
    assert_int_equal(entries(dir), 1);
    assert_string_equal(slurp(inner), "k");
}

static void test_abort(void **state)
{
    struct dc_atomic a = DC_ATOMIC_INIT;

    tu_write(dest, "original", 0644);
    assert_int_equal(dc_atomic_open(&a, dest, 0600, (uid_t)-1, (gid_t)-1), 0);
    assert_int_equal(dc_atomic_write(&a, "partial", 7), 0);
    assert_int_equal(entries(dir), 2); /* the temp file exists beside it... */
    dc_atomic_abort(&a);
    assert_int_equal(entries(dir), 1); /* ...and is gone */
    assert_string_equal(slurp(dest), "original");
    dc_atomic_abort(&a); /* twice is harmless */
}

static void test_abort_on_init_is_harmless(void **state)
{
    struct dc_atomic a = DC_ATOMIC_INIT;

    dc_atomic_abort(&a);
    assert_int_equal(fcntl(0, F_GETFD) >= 0 || errno == EBADF, 1);
}

static void test_trailing_slash_refused(void **state)
{
    char path[PATH_MAX + 16];

    snprintf(path, sizeof(path), "%s/", dir);
    assert_int_equal(dc_atomic_write_file(path, "x", 1, 0600), -1);
    assert_int_equal(entries(dir), 0);
}

static void test_chown(void **state)
{
    struct dc_atomic a = DC_ATOMIC_INIT;
    struct stat st;

    if (geteuid() != 0)
        skip();
    assert_int_equal(dc_atomic_open(&a, dest, 0600, 65534, 65534), 0);
    assert_int_equal(dc_atomic_write(&a, "theirs", 6), 0);
    assert_int_equal(dc_atomic_commit(&a), 0);
    assert_int_equal(stat(dest, &st), 0);
    assert_int_equal(st.st_uid, 65534);
    assert_int_equal(st.st_gid, 65534);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_write_new_and_replace, setup_each, teardown_each),
        cmocka_unit_test_setup_teardown(test_missing_directory, setup_each, teardown_each),
        cmocka_unit_test_setup_teardown(test_failed_write_keeps_original, setup_each,
                                        teardown_each),
        cmocka_unit_test_setup_teardown(test_failed_rename, setup_each, teardown_each),
        cmocka_unit_test_setup_teardown(test_abort, setup_each, teardown_each),
        cmocka_unit_test_setup_teardown(test_abort_on_init_is_harmless, setup_each, teardown_each),
        cmocka_unit_test_setup_teardown(test_trailing_slash_refused, setup_each, teardown_each),
        cmocka_unit_test_setup_teardown(test_chown, setup_each, teardown_each),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
