/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_preempt.c - the lock holder's record (what node control writes into a run's lock file)
 * and the rule of who may make a holder give way: root's start or stop over a user's request
 * for another user, never the other way round.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "preempt.h"

static struct dc_lock_record rec(long pid, uid_t caller, enum dc_verb verb, const char *user)
{
    struct dc_lock_record r;

    memset(&r, 0, sizeof(r));
    r.pid = pid;
    r.caller = caller;
    r.verb = verb;
    strcpy(r.user, user);
    return r;
}

static int parse(const char *text, struct dc_lock_record *r)
{
    return dc_lock_record_parse(text, strlen(text), r);
}

static void test_round_trip(void **state)
{
    struct dc_lock_record a = rec(4242, 65534, DC_VERB_START, "nobody"), b;
    char buf[DC_LOCK_RECORD_MAX];
    int n;

    (void)state;
    n = dc_lock_record_format(&a, buf, sizeof(buf));
    assert_true(n > 0);
    assert_string_equal(buf, "datacrumbs-lock/1 pid=4242 caller=65534 verb=start user=nobody\n");
    assert_int_equal(dc_lock_record_parse(buf, (size_t)n, &b), 0);
    assert_int_equal(b.pid, 4242);
    assert_int_equal(b.caller, 65534);
    assert_int_equal(b.verb, DC_VERB_START);
    assert_string_equal(b.user, "nobody");
    /* A stop names no user. */
    a = rec(77, 0, DC_VERB_STOP, "");
    n = dc_lock_record_format(&a, buf, sizeof(buf));
    assert_int_equal(dc_lock_record_parse(buf, (size_t)n, &b), 0);
    assert_int_equal(b.verb, DC_VERB_STOP);
    assert_string_equal(b.user, "");
    /* Too small a buffer is an error, not a cut record. */
    assert_int_equal(dc_lock_record_format(&a, buf, 10), -1);
}

static void test_parse_refuses(void **state)
{
    struct dc_lock_record r;
    static const char *const bad[] = {
        "",                                                      /* not written yet */
        "datacrumbs-lock/1 pid=42 caller=0 verb=start user=a",   /* no newline */
        "datacrumbs-lock/2 pid=42 caller=0 verb=start user=a\n", /* another version */
        "datacrumbs-lock/1 pid=1 caller=0 verb=start user=a\n",  /* init is never a holder */
        "datacrumbs-lock/1 pid=0 caller=0 verb=start user=a\n",  /* kill(0) */
        "datacrumbs-lock/1 pid=-5 caller=0 verb=start user=a\n", /* a process group */
        "datacrumbs-lock/1 pid=+5 caller=0 verb=start user=a\n", /* a sign */
        "datacrumbs-lock/1 pid=99999999999 caller=0 verb=start user=a\n",
        "datacrumbs-lock/1 pid=42 caller=x verb=start user=a\n",
        "datacrumbs-lock/1 pid=42 caller=4294967295 verb=start user=a\n", /* (uid_t)-1 */
        "datacrumbs-lock/1 pid=42 caller=0 verb=restart user=a\n",
        "datacrumbs-lock/1 pid=42 caller=0 verb=start user=a;b\n",
        "datacrumbs-lock/1 pid=42 caller=0 verb=start user=a extra=1\n",
        "datacrumbs-lock/1 caller=0 pid=42 verb=start user=a\n",   /* another order */
        "datacrumbs-lock/1 pid=42 caller=0 verb=start user=a\n\n", /* two lines */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(parse(bad[i], &r), -1);
    /* A NUL inside is refused too. */
    assert_int_equal(
        dc_lock_record_parse("datacrumbs-lock/1 pid=42\0caller=0 verb=stop user=\n", 50, &r), -1);
}

static void test_rule(void **state)
{
    struct dc_lock_record user_start_a = rec(10, 1000, DC_VERB_START, "alice");
    struct dc_lock_record user_stop_a = rec(10, 1000, DC_VERB_STOP, "");
    struct dc_lock_record root_start_a = rec(11, 0, DC_VERB_START, "alice");
    struct dc_lock_record root_start_b = rec(11, 0, DC_VERB_START, "bob");
    struct dc_lock_record root_stop = rec(11, 0, DC_VERB_STOP, "");
    struct dc_lock_record root_status = rec(11, 0, DC_VERB_STATUS, "");
    struct dc_lock_record user_start_b = rec(12, 1001, DC_VERB_START, "bob");
    struct dc_lock_record user_stop_b = rec(12, 1001, DC_VERB_STOP, "");

    (void)state;
    /* The job's prolog (root, for bob) takes over from alice's request for bob's job id. */
    assert_true(dc_preempt_allowed(&root_start_b, &user_start_a));
    assert_true(dc_preempt_allowed(&root_start_b, &user_stop_a));
    /* Root's stop (the epilog, the prolog evicting a run) takes over from any user's request. */
    assert_true(dc_preempt_allowed(&root_stop, &user_start_a));
    assert_true(dc_preempt_allowed(&root_stop, &user_stop_a));
    /* Root starting for alice waits for alice's own start: it is the same user's run. */
    assert_false(dc_preempt_allowed(&root_start_a, &user_start_a));
    /* Nobody takes over from root. */
    assert_false(dc_preempt_allowed(&root_stop, &root_start_a));
    assert_false(dc_preempt_allowed(&root_start_b, &root_start_a));
    /* A user never takes over from anyone, not even another user. */
    assert_false(dc_preempt_allowed(&user_start_b, &user_start_a));
    assert_false(dc_preempt_allowed(&user_stop_b, &user_start_a));
    assert_false(dc_preempt_allowed(&user_stop_b, &root_start_a));
    /* A status takes no lock, and would never pre-empt. */
    assert_false(dc_preempt_allowed(&root_status, &user_start_a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_parse_refuses),
        cmocka_unit_test(test_rule),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
