/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_summaries.c - the summary pruning rule of every stop: only datacrumbs-*.json regular
 * files older than the age go; other run files, other names, directories and symbolic links
 * (and what they point to) stay.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runfiles.h"

#define DAY (24L * 3600)

static char dir[] = "/tmp/dc-summaries.XXXXXX";

static void make(const char *name, long age)
{
    char path[256];
    struct timespec t[2];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0400);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{}\n", 3), 3);
    close(fd);
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= age;
    t[1] = t[0];
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static int exists(const char *name)
{
    char path[256];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

static void test_prune(void **state)
{
    char path[256], target[256];
    struct timespec t[2];

    (void)state;
    assert_non_null(mkdtemp(dir));
    make("datacrumbs-old.json", 2 * DAY);
    make("datacrumbs-new.json", 60);
    make("datacrumbs-old.env", 2 * DAY);
    make("datacrumbs-old.prolog", 2 * DAY);
    make("other-old.json", 2 * DAY);
    make("datacrumbs-.json", 2 * DAY); /* no run id */
    make("target", 2 * DAY);
    snprintf(target, sizeof(target), "%s/target", dir);
    snprintf(path, sizeof(path), "%s/datacrumbs-link.json", dir);
    assert_int_equal(symlink(target, path), 0);
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= 2 * DAY;
    t[1] = t[0];
    assert_int_equal(utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW), 0);
    snprintf(path, sizeof(path), "%s/datacrumbs-dir.json", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);

    assert_int_equal(dc_summaries_prune(dir, time(NULL), DAY), 1);
    assert_false(exists("datacrumbs-old.json"));
    assert_true(exists("datacrumbs-new.json"));
    assert_true(exists("datacrumbs-old.env"));
    assert_true(exists("datacrumbs-old.prolog"));
    assert_true(exists("other-old.json"));
    assert_true(exists("datacrumbs-.json"));
    assert_true(exists("datacrumbs-link.json"));
    assert_true(exists("target"));
    assert_true(exists("datacrumbs-dir.json"));
    /* A day later the new one goes too. */
    assert_int_equal(dc_summaries_prune(dir, time(NULL) + DAY, DAY), 1);
    assert_false(exists("datacrumbs-new.json"));
    assert_int_equal(dc_summaries_prune("/nonexistent/dc-run", time(NULL), DAY), -1);

    snprintf(path, sizeof(path), "rm -rf -- '%s'", dir);
    assert_int_equal(system(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prune),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
