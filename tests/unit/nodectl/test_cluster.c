/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_cluster.c - what one ssh session means for its node (reply, unreachable, no answer,
 * timeout), the secret fingerprint comparison before a start, and the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"

#define EXITED(code) ((code) << 8)
#define KILLED(sig)  (sig)

static void interpret(struct dc_node_result *r, int status, int timed_out, const char *out,
                      const char *err)
{
    memset(r, 0, sizeof(*r));
    r->host = "n1";
    dc_cluster_interpret(r, status, timed_out, 30, out, out ? strlen(out) : 0, err);
}

static void test_interpret(void **state)
{
    struct dc_node_result r;

    (void)state;
    interpret(&r, EXITED(0), 0, DC_PROTO_MAGIC "\nresult=ok\ndetail=started (pid 9)\n", "");
    assert_int_equal(r.outcome, DC_NODE_OK);
    assert_string_equal(r.detail, "started (pid 9)");

    interpret(&r, EXITED(1), 0, DC_PROTO_MAGIC "\nresult=failed\ndetail=boom\n", "");
    assert_int_equal(r.outcome, DC_NODE_FAILED);
    assert_string_equal(r.detail, "boom");

    interpret(&r, EXITED(3), 0, DC_PROTO_MAGIC "\nresult=denied\ndetail=not yours\n", "");
    assert_int_equal(r.outcome, DC_NODE_FAILED);
    assert_string_equal(r.detail, "denied: not yours");

    interpret(&r, EXITED(255), 0, "",
              "Warning: x\nssh: connect to host n1 port 22: Connection refused\r\n");
    assert_int_equal(r.outcome, DC_NODE_UNREACHABLE);
    assert_string_equal(r.detail, "ssh: connect to host n1 port 22: Connection refused");

    interpret(&r, EXITED(255), 0, NULL, NULL);
    assert_int_equal(r.outcome, DC_NODE_UNREACHABLE);
    assert_string_equal(r.detail, "ssh failed (exit 255)");

    interpret(&r, EXITED(1), 0, "", "sudo: a password is required\n");
    assert_int_equal(r.outcome, DC_NODE_NO_ANSWER);
    assert_non_null(strstr(r.detail, "sudo: a password is required"));
    assert_non_null(strstr(r.detail, "sudoers rule"));

    interpret(&r, KILLED(9), 1, "", "");
    assert_int_equal(r.outcome, DC_NODE_NO_ANSWER);
    assert_string_equal(r.detail, "timed out after 30 s");

    /* An answer that came, but only after the deadline, is still a failure. */
    interpret(&r, KILLED(15), 1, DC_PROTO_MAGIC "\nresult=ok\n", "");
    assert_int_equal(r.outcome, DC_NODE_FAILED);

    /* Escape sequences from a hostile node never reach the terminal. */
    interpret(&r, EXITED(1), 0, "", "evil\x1b]0;title\x07\n");
    assert_null(strchr(r.detail, '\x1b'));
    assert_null(strchr(r.detail, '\x07'));
}

static void set(struct dc_node_result *r, const char *host, enum dc_node_outcome o, const char *fpr)
{
    memset(r, 0, sizeof(*r));
    r->host = host;
    r->outcome = o;
    snprintf(r->reply.fingerprint, sizeof(r->reply.fingerprint), "%s", fpr);
    snprintf(r->detail, sizeof(r->detail), "probe file accepted");
}

static void test_fingerprints(void **state)
{
    struct dc_node_result r[5];

    (void)state;
    /* All the same: nothing to say. */
    for (int i = 0; i < 4; i++)
        set(&r[i], "n", DC_NODE_OK, "aaaaaaaaaaaaaaaa");
    assert_int_equal(dc_cluster_compare_fingerprints(r, 4), 0);

    /* One differs: it alone is named, with the majority's fingerprint. */
    set(&r[2], "n3", DC_NODE_OK, "bbbbbbbbbbbbbbbb");
    assert_int_equal(dc_cluster_compare_fingerprints(r, 4), 1);
    assert_int_equal(r[2].outcome, DC_NODE_FAILED);
    assert_non_null(strstr(r[2].detail, "secret differs: fingerprint bbbbbbbbbbbbbbbb, 3 other "
                                        "nodes have aaaaaaaaaaaaaaaa"));
    assert_int_equal(r[0].outcome, DC_NODE_OK);

    /* The odd node usually also failed its check (MAC mismatch): it is still named. */
    set(&r[2], "n3", DC_NODE_FAILED, "bbbbbbbbbbbbbbbb");
    assert_int_equal(dc_cluster_compare_fingerprints(r, 4), 1);
    assert_non_null(strstr(r[2].detail, "secret differs"));

    /* Unreachable nodes have no say; a tie names every node. */
    set(&r[0], "n1", DC_NODE_OK, "aaaaaaaaaaaaaaaa");
    set(&r[1], "n2", DC_NODE_OK, "bbbbbbbbbbbbbbbb");
    set(&r[2], "n3", DC_NODE_UNREACHABLE, "");
    assert_int_equal(dc_cluster_compare_fingerprints(r, 3), 2);
    assert_int_equal(r[2].outcome, DC_NODE_UNREACHABLE);
    assert_non_null(strstr(r[0].detail, "secret differs between nodes"));

    /* A node that failed without a fingerprint (no secret at all) is left to its own reason. */
    set(&r[0], "n1", DC_NODE_OK, "aaaaaaaaaaaaaaaa");
    set(&r[1], "n2", DC_NODE_FAILED, "");
    assert_int_equal(dc_cluster_compare_fingerprints(r, 2), 0);
}

static void test_table(void **state)
{
    struct dc_node_result r[2];
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    (void)state;
    set(&r[0], "node-with-a-long-name", DC_NODE_OK, "");
    set(&r[1], "n2", DC_NODE_NO_ANSWER, "");
    snprintf(r[1].detail, sizeof(r[1].detail), "timed out");
    f = open_memstream(&buf, &len);
    dc_cluster_print_table(f, r, 2);
    fclose(f);
    assert_string_equal(buf, "NODE                   RESULT       DETAIL\n"
                             "node-with-a-long-name  ok           probe file accepted\n"
                             "n2                     no answer    timed out\n");
    free(buf);
    assert_string_equal(dc_node_outcome_name(DC_NODE_SKIPPED), "skipped");
    assert_string_equal(dc_node_outcome_name((enum dc_node_outcome)77), "failed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interpret),
        cmocka_unit_test(test_fingerprints),
        cmocka_unit_test(test_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
