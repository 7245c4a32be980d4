/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_slurmconf.c - PrologEpilogTimeout from slurm.conf lines, and the prolog's deadline: the
 * hook's own prolog_timeout, never later than a little before slurmd would kill it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "slurmconf.h"

static void test_line(void **state)
{
    long v = -1;

    (void)state;
    assert_true(dc_slurmconf_line("PrologEpilogTimeout=60", &v));
    assert_int_equal(v, 60);
    assert_true(dc_slurmconf_line("prologepilogtimeout=7  # short", &v));
    assert_int_equal(v, 7);
    assert_true(dc_slurmconf_line("  PrologFlags=Alloc PrologEpilogTimeout=9\r", &v));
    assert_int_equal(v, 9);
    /* Slurm's INFINITE and 0 are no limit. */
    assert_true(dc_slurmconf_line("PrologEpilogTimeout=65534", &v));
    assert_int_equal(v, 0);
    assert_true(dc_slurmconf_line("PrologEpilogTimeout=0", &v));
    assert_int_equal(v, 0);
    /* Not a setting: comments, other keys, broken values leave v alone. */
    v = 42;
    assert_false(dc_slurmconf_line("# PrologEpilogTimeout=5", &v));
    assert_false(dc_slurmconf_line("Prolog=/usr/libexec/x # PrologEpilogTimeout=5", &v));
    assert_false(dc_slurmconf_line("PrologEpilogTimeoutX=5", &v));
    assert_false(dc_slurmconf_line("MyPrologEpilogTimeout=5", &v));
    assert_false(dc_slurmconf_line("PrologEpilogTimeout=", &v));
    assert_false(dc_slurmconf_line("PrologEpilogTimeout=-5", &v));
    assert_false(dc_slurmconf_line("PrologEpilogTimeout=5s", &v));
    assert_false(dc_slurmconf_line("PrologEpilogTimeout=99999999999999999999", &v));
    assert_false(dc_slurmconf_line("", &v));
    assert_int_equal(v, 42);
}

static void test_file(void **state)
{
    char path[] = "/tmp/dc-slurmconf-XXXXXX";
    int fd = mkstemp(path);
    FILE *f;

    (void)state;
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs("ClusterName=c\nPrologEpilogTimeout=30\n# PrologEpilogTimeout=1\n"
          "PrologEpilogTimeout=12\nNodeName=n CPUs=2\n",
          f);
    fclose(f);
    /* The last setting wins. */
    assert_int_equal(dc_slurmconf_prolog_timeout(path), 12);
    unlink(path);
    assert_int_equal(dc_slurmconf_prolog_timeout(path), 0);
    assert_int_equal(dc_slurmconf_prolog_timeout("/"), 0);
    assert_int_equal(dc_slurmconf_prolog_timeout("/dev/null"), 0);
}

static void test_deadline(void **state)
{
    (void)state;
    /* No PrologEpilogTimeout known: the hook's own limit, or none. */
    assert_int_equal(dc_prolog_deadline(30, 0), 30);
    assert_int_equal(dc_prolog_deadline(0, 0), 0);
    /* Below it, with a fifth of it (2 to 5 s) left for the hook's grace and slurmd. */
    assert_int_equal(dc_prolog_deadline(30, 300), 30);
    assert_int_equal(dc_prolog_deadline(30, 30), 25);
    assert_int_equal(dc_prolog_deadline(30, 10), 8);
    assert_int_equal(dc_prolog_deadline(30, 5), 3);
    assert_int_equal(dc_prolog_deadline(30, 3), 1);
    assert_int_equal(dc_prolog_deadline(30, 2), 1);
    assert_int_equal(dc_prolog_deadline(30, 1), 1);
    /* prolog_timeout 0 is no limit of its own; PrologEpilogTimeout still bounds it. */
    assert_int_equal(dc_prolog_deadline(0, 60), 55);
    assert_int_equal(dc_prolog_deadline(3, 60), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_file),
        cmocka_unit_test(test_deadline),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
