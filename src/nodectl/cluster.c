/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster.c - one request to many nodes over ssh, and the per-node verdicts (see cluster.h). */
#include "cluster.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "fanout.h"

#define CAPTURE_MAX DC_PROTO_REPLY_MAX

static const char *const outcome_names[] = {
    [DC_NODE_OK] = "ok",
    [DC_NODE_FAILED] = "failed",
    [DC_NODE_UNREACHABLE] = "unreachable",
    [DC_NODE_NO_ANSWER] = "no answer",
    [DC_NODE_SKIPPED] = "skipped",
};

const char *dc_node_outcome_name(enum dc_node_outcome o)
{
    return (unsigned)o < sizeof(outcome_names) / sizeof(outcome_names[0]) ? outcome_names[o]
                                                                          : "failed";
}

/* The last non-empty line of s, sanitized, into out. */
static void last_line(const char *s, char *out, size_t outlen)
{
    size_t end = s ? strlen(s) : 0, start;

    while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r' || s[end - 1] == ' '))
        end--;
    for (start = end; start > 0 && s[start - 1] != '\n';)
        start--;
    snprintf(out, outlen, "%.*s", (int)(end - start), s ? s + start : "");
    dc_text_sanitize(out);
}

void dc_cluster_interpret(struct dc_node_result *r, int wait_status, int timed_out, long timeout_s,
                          const char *out, size_t out_len, const char *err)
{
    char last[256];
    int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;

    last_line(err, last, sizeof(last));
    if (out && dc_reply_parse(out, out_len, &r->reply) == 0) {
        r->outcome = r->reply.result == DC_RESULT_OK ? DC_NODE_OK : DC_NODE_FAILED;
        if (r->reply.result == DC_RESULT_OK || r->reply.result == DC_RESULT_FAILED)
            snprintf(r->detail, sizeof(r->detail), "%s", r->reply.detail);
        else
            snprintf(r->detail, sizeof(r->detail), "%s: %s", dc_result_name(r->reply.result),
                     r->reply.detail);
        if (timed_out)
            r->outcome = DC_NODE_FAILED;
        return;
    }
    if (timed_out) {
        r->outcome = DC_NODE_NO_ANSWER;
        snprintf(r->detail, sizeof(r->detail), "timed out after %ld s%s%s", timeout_s,
                 last[0] ? ": " : "", last);
    } else if (code == 255) {
        r->outcome = DC_NODE_UNREACHABLE;
        snprintf(r->detail, sizeof(r->detail), "%s", last[0] ? last : "ssh failed (exit 255)");
    } else {
        r->outcome = DC_NODE_NO_ANSWER;
        snprintf(r->detail, sizeof(r->detail), "no answer from datacrumbs_nodectl (%s %d)%s%s%s",
                 code >= 0 ? "exit" : "signal",
                 code >= 0                  ? code
                 : WIFSIGNALED(wait_status) ? WTERMSIG(wait_status)
                                            : 0,
                 last[0] ? ": " : "", last,
                 strstr(last, "sudo")
                     ? " (is the sudoers rule installed? see datacrumbs-cluster(7))"
                     : "");
    }
}

size_t dc_cluster_call(struct dc_cluster_opts *o, char *const hosts[], size_t n,
                       const struct dc_request *req, struct dc_node_result res[])
{
    char request[DC_PROTO_REQUEST_MAX + 1], err[512];
    const char *(*argvs)[DC_SSH_ARGV_MAX];
    struct dc_job *jobs;
    size_t failed = 0;
    int len;

    memset(res, 0, n * sizeof(*res));
    for (size_t i = 0; i < n; i++)
        res[i].host = hosts[i];
    len = dc_request_format(req, request, sizeof(request), err, sizeof(err));
    argvs = calloc(n ? n : 1, sizeof(*argvs));
    jobs = calloc(n ? n : 1, sizeof(*jobs));
    if (len < 0 || !argvs || !jobs) {
        for (size_t i = 0; i < n; i++) {
            res[i].outcome = DC_NODE_FAILED;
            snprintf(res[i].detail, sizeof(res[i].detail), "%s", len < 0 ? err : "out of memory");
        }
        free(argvs);
        free(jobs);
        return n;
    }
    for (size_t i = 0; i < n; i++) {
        dc_ssh_argv(&o->ssh, hosts[i], argvs[i]);
        jobs[i].argv = argvs[i];
        jobs[i].input = request;
        jobs[i].input_len = (size_t)len;
    }
    dc_fanout_run(jobs, n, o->parallel, o->timeout_s * 1000L, CAPTURE_MAX);
    for (size_t i = 0; i < n; i++) {
        res[i].elapsed_ms = jobs[i].elapsed_ms;
        if (jobs[i].spawn_failed) {
            res[i].outcome = DC_NODE_FAILED;
            snprintf(res[i].detail, sizeof(res[i].detail), "cannot run %.256s: %s", o->ssh.program,
                     strerror(jobs[i].spawn_errno));
        } else {
            dc_cluster_interpret(&res[i], jobs[i].status, jobs[i].timed_out, o->timeout_s,
                                 jobs[i].out, jobs[i].out_len, jobs[i].err);
        }
        failed += res[i].outcome != DC_NODE_OK;
    }
    dc_fanout_free(jobs, n);
    free(jobs);
    free(argvs);
    return failed;
}

/* Did node control answer with a fingerprint? A node whose runtime refused the probe file
 * (MAC mismatch: the usual symptom of another secret) still reports it. */
static int has_fpr(const struct dc_node_result *r)
{
    return (r->outcome == DC_NODE_OK || r->outcome == DC_NODE_FAILED) && r->reply.fingerprint[0];
}

size_t dc_cluster_compare_fingerprints(struct dc_node_result res[], size_t n)
{
    const char *best = NULL;
    size_t best_count = 0, distinct = 0, marked = 0;
    int tie = 0;

    for (size_t i = 0; i < n; i++) {
        size_t count = 0, first = i;

        if (!has_fpr(&res[i]))
            continue;
        for (size_t k = 0; k < n; k++) {
            if (!has_fpr(&res[k]))
                continue;
            if (strcmp(res[k].reply.fingerprint, res[i].reply.fingerprint) == 0) {
                count++;
                if (k < first)
                    first = k;
            }
        }
        if (first != i)
            continue; /* counted at its first occurrence */
        distinct++;
        if (count > best_count) {
            best = res[i].reply.fingerprint;
            best_count = count;
            tie = 0;
        } else if (count == best_count) {
            tie = 1;
        }
    }
    if (distinct <= 1)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const char *fp = res[i].reply.fingerprint;

        if (!has_fpr(&res[i]) || (!tie && strcmp(fp, best) == 0))
            continue;
        res[i].outcome = DC_NODE_FAILED;
        if (tie)
            snprintf(res[i].detail, sizeof(res[i].detail),
                     "secret differs between nodes (this node: %s, %zu fingerprints); copy one "
                     "secret to every node (datacrumbs-cluster(7))",
                     fp, distinct);
        else
            snprintf(res[i].detail, sizeof(res[i].detail),
                     "secret differs: fingerprint %s, %zu other node%s %s; copy the secret "
                     "again (datacrumbs-cluster(7))",
                     fp, best_count, best_count == 1 ? " has" : "s have", best);
        marked++;
    }
    return marked;
}

void dc_cluster_share_end(struct dc_cluster_opts *o, char *const hosts[], size_t n)
{
    const char *(*argvs)[DC_SSH_ARGV_MAX];
    struct dc_job *jobs;
    size_t k = 0;

    if (!o->ssh.control_opt[0])
        return;
    argvs = calloc(n ? n : 1, sizeof(*argvs));
    jobs = calloc(n ? n : 1, sizeof(*jobs));
    if (argvs && jobs) {
        for (size_t i = 0; i < n; i++) {
            if (dc_ssh_exit_argv(&o->ssh, hosts[i], argvs[k]) > 0) {
                jobs[k].argv = argvs[k];
                k++;
            }
        }
        /* A host without a master answers at once ("No such file"): nothing to wait for. */
        dc_fanout_run(jobs, k, o->parallel, 10000, 1024);
        dc_fanout_free(jobs, k);
    }
    free(jobs);
    free(argvs);
    dc_ssh_share_end(&o->ssh);
}

void dc_cluster_print_table(FILE *out, const struct dc_node_result res[], size_t n)
{
    int w = 4;

    for (size_t i = 0; i < n; i++)
        if ((int)strlen(res[i].host) > w)
            w = (int)strlen(res[i].host);
    fprintf(out, "%-*s  %-11s  %s\n", w, "NODE", "RESULT", "DETAIL");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%-*s  %-11s  %s\n", w, res[i].host, dc_node_outcome_name(res[i].outcome),
                res[i].detail);
}

void dc_cluster_print_plan(FILE *out, struct dc_cluster_opts *o, char *const hosts[], size_t n,
                           const struct dc_request *req)
{
    char request[DC_PROTO_REQUEST_MAX + 1], line[16384], err[256];
    const char *argv[DC_SSH_ARGV_MAX];

    if (dc_request_format(req, request, sizeof(request), err, sizeof(err)) < 0)
        return;
    for (size_t i = 0; i < n; i++) {
        dc_ssh_argv(&o->ssh, hosts[i], argv);
        if (dc_shell_quote_argv(argv, line, sizeof(line)) == 0)
            fprintf(out, "would run: %s <<'EOF'\n%sEOF\n", line, request);
    }
}
