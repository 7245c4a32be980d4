/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cluster.h - send one node-control request to many nodes over ssh and say, per node, what
 * happened. Shared by datacrumbs_run and datacrumbs_stop.
 */
#ifndef DC_NODECTL_CLUSTER_H
#define DC_NODECTL_CLUSTER_H

#include <stdio.h>

#include "protocol.h"
#include "remote.h"

struct dc_cluster_opts {
    struct dc_ssh ssh;
    size_t parallel; /* ssh sessions at once */
    long timeout_s;  /* per node, from ssh start to its exit */
};

enum dc_node_outcome {
    DC_NODE_OK = 0,
    DC_NODE_FAILED,      /* node control answered "failed", "invalid" or "denied" */
    DC_NODE_UNREACHABLE, /* ssh could not connect or log in */
    DC_NODE_NO_ANSWER,   /* connected, but no answer from node control (sudo, timeout) */
    DC_NODE_SKIPPED,     /* not asked: an earlier step failed elsewhere */
};

struct dc_node_result {
    const char *host;
    enum dc_node_outcome outcome;
    struct dc_reply reply; /* valid when node control answered */
    char detail[DC_DETAIL_MAX + 128];
    long elapsed_ms;
};

/* "ok", "failed", "unreachable", "no answer", "skipped". */
const char *dc_node_outcome_name(enum dc_node_outcome o);

/*
 * Send req to every host (at most o->parallel at once) and fill res[i] for hosts[i]. Returns
 * the number of hosts whose outcome is not DC_NODE_OK.
 */
size_t dc_cluster_call(struct dc_cluster_opts *o, char *const hosts[], size_t n,
                       const struct dc_request *req, struct dc_node_result res[]);

/*
 * What one ssh session gives, as an outcome: the reply when there is one, else the ssh exit
 * status and the last line of stderr (with a hint when sudo refused). Exposed for the tests.
 */
void dc_cluster_interpret(struct dc_node_result *r, int wait_status, int timed_out, long timeout_s,
                          const char *out, size_t out_len, const char *err);

/*
 * Compare the secret fingerprints the nodes reported (ok or failed: a node with another
 * secret usually fails the probe file check too). When they differ, the nodes not holding the
 * most common one (every node on a tie) become DC_NODE_FAILED with "secret differs ...".
 * Returns how many were marked.
 */
size_t dc_cluster_compare_fingerprints(struct dc_node_result res[], size_t n);

/*
 * End the shared connections of hosts (dc_ssh_share_begin) and remove their directory; a
 * no-op when sharing is off.
 */
void dc_cluster_share_end(struct dc_cluster_opts *o, char *const hosts[], size_t n);

/* The per-node table: NODE RESULT DETAIL. */
void dc_cluster_print_table(FILE *out, const struct dc_node_result res[], size_t n);

/* --dry-run: per host, the ssh command line and the request it would get. */
void dc_cluster_print_plan(FILE *out, struct dc_cluster_opts *o, char *const hosts[], size_t n,
                           const struct dc_request *req);

#endif
