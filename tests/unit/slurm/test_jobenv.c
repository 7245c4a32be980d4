/* SPDX-License-Identifier: BSD-3-Clause */
/* test_jobenv.c - the hook's reading of slurmd's variables: phase, job id, uid, comment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pwd.h>
#include <string.h>

#include "slurm_hook/jobenv.h"

static void test_phase(void **state)
{
    char err[256];

    assert_int_equal(dc_hook_phase_from_word("prolog"), DC_HOOK_PROLOG);
    assert_int_equal(dc_hook_phase_from_word("epilog"), DC_HOOK_EPILOG);
    assert_int_equal(dc_hook_phase_from_word("Prolog"), DC_HOOK_NO_PHASE);
    assert_int_equal(dc_hook_phase_from_word(NULL), DC_HOOK_NO_PHASE);
    assert_int_equal(dc_hook_phase_from_context("prolog_slurmd", err, sizeof(err)), DC_HOOK_PROLOG);
    assert_int_equal(dc_hook_phase_from_context("epilog_slurmd", err, sizeof(err)), DC_HOOK_EPILOG);
    assert_int_equal(dc_hook_phase_from_context("prolog_slurmctld", err, sizeof(err)),
                     DC_HOOK_NO_PHASE);
    assert_non_null(strstr(err, "PrologSlurmctld"));
    assert_int_equal(dc_hook_phase_from_context(NULL, err, sizeof(err)), DC_HOOK_NO_PHASE);
    assert_non_null(strstr(err, "not set"));
    assert_int_equal(dc_hook_phase_from_context("task_prolog", err, sizeof(err)), DC_HOOK_NO_PHASE);
    assert_int_equal(dc_hook_phase_from_name("/etc/slurm/prolog.d/50-datacrumbs-prolog"),
                     DC_HOOK_PROLOG);
    assert_int_equal(dc_hook_phase_from_name("datacrumbs-epilog"), DC_HOOK_EPILOG);
    assert_int_equal(dc_hook_phase_from_name("/usr/libexec/datacrumbs/datacrumbs_slurm_hook"),
                     DC_HOOK_NO_PHASE);
}

static void test_uid(void **state)
{
    uid_t u;

    assert_int_equal(dc_parse_uid("0", &u), 0);
    assert_int_equal(u, 0);
    assert_int_equal(dc_parse_uid("65534", &u), 0);
    assert_int_equal(u, 65534);
    assert_int_equal(dc_parse_uid("4294967294", &u), 0);
    assert_int_equal(dc_parse_uid("4294967295", &u), -1); /* (uid_t)-1 */
    assert_int_equal(dc_parse_uid("99999999999", &u), -1);
    assert_int_equal(dc_parse_uid("-1", &u), -1);
    assert_int_equal(dc_parse_uid("+5", &u), -1);
    assert_int_equal(dc_parse_uid(" 5", &u), -1);
    assert_int_equal(dc_parse_uid("5x", &u), -1);
    assert_int_equal(dc_parse_uid("", &u), -1);
    assert_int_equal(dc_parse_uid(NULL, &u), -1);
}

static void test_parse(void **state)
{
    struct dc_jobenv e;
    char err[256];

    assert_int_equal(dc_jobenv_parse(&e, "42", "0", "{\"a\":1}", true, err, sizeof(err)), 0);
    assert_string_equal(e.job_id, "42");
    assert_true(e.have_user);
    assert_string_equal(e.user, "root");
    assert_int_equal(e.comment_len, 7);
    assert_int_equal(dc_jobenv_parse(&e, "42", "0", "", true, err, sizeof(err)), 0);
    assert_null(e.comment);
    /* Job ids that are not run ids (a systemd instance, a file name) are refused. */
    assert_int_equal(dc_jobenv_parse(&e, "../x", "0", NULL, true, err, sizeof(err)), -1);
    assert_int_equal(dc_jobenv_parse(&e, "42_1", "0", NULL, true, err, sizeof(err)), 0);
    assert_int_equal(dc_jobenv_parse(&e, "4 2", "0", NULL, true, err, sizeof(err)), -1);
    assert_int_equal(dc_jobenv_parse(&e, "", "0", NULL, true, err, sizeof(err)), -1);
    assert_int_equal(dc_jobenv_parse(&e, NULL, "0", NULL, true, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "SLURM_JOB_ID"));
    /* The prolog needs the user; the epilog stops a run whatever the user database says. */
    assert_int_equal(dc_jobenv_parse(&e, "42", "abc", NULL, true, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "SLURM_JOB_UID"));
    assert_int_equal(dc_jobenv_parse(&e, "42", "abc", NULL, false, err, sizeof(err)), 0);
    assert_false(e.have_user);
    assert_int_equal(dc_jobenv_parse(&e, "42", NULL, NULL, false, err, sizeof(err)), 0);
    assert_string_equal(e.job_id, "42");
    if (!getpwuid(4000000000u)) {
        assert_int_equal(dc_jobenv_parse(&e, "42", "4000000000", NULL, true, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "no entry"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phase),
        cmocka_unit_test(test_uid),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
