/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_run - start the DataCrumbs runtime of one run on many nodes, over ssh.
 *
 * Two rounds, each in parallel: "check" on every node (the runtime checks the probe file as
 * the user; each node reports its secret fingerprint), then "start" -- only if every node that
 * answered passed and all hold the same secret. Nodes that cannot be reached are reported and
 * left out. Exit status: 0 every node started, 1 some did not, 2 usage or a value refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_run --node-list LIST --probe-file FILE [OPTIONS]\n"
            "       datacrumbs_run --help | --version\n"
            "\n"
            "Start the DataCrumbs runtime for a run on every node of LIST, as yourself, over\n"
            "ssh and sudo (datacrumbs-cluster(7)). Every node first checks the probe file and\n"
            "its secret; nothing starts unless all answering nodes agree. Prints run-id=ID\n"
            "on standard output, then a table of the nodes.\n"
            "\n"
            "Options:\n"
            "  --node-list LIST        nodes, SLURM syntax: node[01-04],login1 (default\n"
            "                          SLURM_JOB_NODELIST when scheduler = slurm)\n"
            "  --probe-file FILE       signed probe file (datacrumbs_probe_configurator); the\n"
            "                          same path must be readable by you on every node\n"
            "  --run-id ID             name of the run (default: SLURM_JOB_ID or FLUX_JOB_ID,\n"
            "                          per scheduler in the configuration; else a new id)\n"
            "  --parallel N            ssh sessions at once (default 32)\n"
            "  --connect-timeout S     ssh ConnectTimeout (default 10)\n"
            "  --timeout S             per node and round (default ready_timeout + 30 +\n"
            "                          connect timeout)\n"
            "  --ssh-option OPT        pass -o OPT to ssh (repeatable), e.g. Port=2222\n"
            "  --dry-run               check everything here, print what would be sent\n"
            "  --config FILE           read FILE instead of the system configuration\n"
            "  --verbose, --quiet, --help, --version\n"
            "\n"
            "Exit status: 0 started on every node, 1 failed on some node (see the table),\n"
            "2 usage error or a value refused before any node was contacted.\n"
            "\n"
            "EXAMPLES\n"
            "  datacrumbs_run --node-list 'node[01-04]' --probe-file ~/probes.json.gz\n"
            "  id=$(datacrumbs_run --node-list n1,n2 --probe-file p.json.gz | sed -n "
            "'s/^run-id=//p')\n"
            "  datacrumbs_run --node-list \"$SLURM_JOB_NODELIST\" --probe-file p.json.gz "
            "--dry-run\n");
}

/* Round one; 0 when start may go ahead (res says which nodes), 1 when nothing may start. */
static int preflight(struct dc_cli_plan *p, struct dc_node_result *res, size_t *reachable)
{
    size_t refused = 0;

    p->req.verb = DC_VERB_CHECK;
    dc_cluster_call(&p->opts, p->nodes.hosts, p->nodes.n, &p->req, res);
    dc_cluster_compare_fingerprints(res, p->nodes.n);
    *reachable = 0;
    for (size_t i = 0; i < p->nodes.n; i++) {
        refused += res[i].outcome == DC_NODE_FAILED || res[i].outcome == DC_NODE_NO_ANSWER;
        *reachable += res[i].outcome == DC_NODE_OK;
    }
    if (refused == 0 && *reachable > 0)
        return 0;
    for (size_t i = 0; i < p->nodes.n; i++) {
        if (res[i].outcome != DC_NODE_OK)
            continue;
        res[i].outcome = DC_NODE_SKIPPED;
        snprintf(res[i].detail, sizeof(res[i].detail),
                 "checked, not started: %zu node%s failed the check", refused,
                 refused == 1 ? "" : "s");
    }
    return 1;
}

int main(int argc, char **argv)
{
    struct dc_cli cli = {.is_run = 1};
    struct dc_cli_plan plan;
    struct dc_node_result *res = NULL, *started = NULL;
    char **hosts = NULL;
    size_t reachable = 0, failed = 0, k = 0;
    int rc;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (dc_cli_parse(&cli, argc, argv, usage) < 0) {
        usage(stderr);
        return DC_CLI_EXIT_USAGE;
    }
    if ((rc = dc_cli_resolve(&cli, &plan)) != 0)
        goto out;
    printf("run-id=%s\n", plan.req.run_id);
    fflush(stdout);
    if (cli.dry_run) {
        /* As it would be, without creating the directory. */
        snprintf(plan.opts.ssh.control_opt, sizeof(plan.opts.ssh.control_opt),
                 "ControlPath=%s/dc-ssh-XXXXXX/%%C", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        plan.req.verb = DC_VERB_CHECK;
        dc_cluster_print_plan(stdout, &plan.opts, plan.nodes.hosts, plan.nodes.n, &plan.req);
        plan.req.verb = DC_VERB_START;
        dc_cluster_print_plan(stdout, &plan.opts, plan.nodes.hosts, plan.nodes.n, &plan.req);
        rc = EXIT_SUCCESS;
        goto out;
    }
    res = calloc(plan.nodes.n, sizeof(*res));
    started = calloc(plan.nodes.n, sizeof(*started));
    hosts = calloc(plan.nodes.n, sizeof(*hosts));
    if (!res || !started || !hosts) {
        dc_err("out of memory");
        rc = DC_CLI_EXIT_FAILED;
        goto out;
    }
    /* One connection per node serves both rounds (a failure here only costs time). */
    if (dc_ssh_share_begin(&plan.opts.ssh) < 0)
        dc_debug("not sharing ssh connections: no short private directory for the sockets");
    dc_debug("checking %zu node(s) for run %s", plan.nodes.n, plan.req.run_id);
    if (preflight(&plan, res, &reachable) != 0) {
        dc_cluster_print_table(stdout, res, plan.nodes.n);
        dc_err("nothing was started");
        rc = DC_CLI_EXIT_FAILED;
        goto out;
    }
    /* Round two on the nodes that passed; the unreachable keep their row from round one. */
    for (size_t i = 0; i < plan.nodes.n; i++)
        if (res[i].outcome == DC_NODE_OK)
            hosts[k++] = plan.nodes.hosts[i];
    plan.req.verb = DC_VERB_START;
    dc_cluster_call(&plan.opts, hosts, k, &plan.req, started);
    for (size_t i = 0, j = 0; i < plan.nodes.n; i++) {
        if (res[i].outcome == DC_NODE_OK)
            res[i] = started[j++];
        failed += res[i].outcome != DC_NODE_OK;
    }
    dc_cluster_print_table(stdout, res, plan.nodes.n);
    if (failed && failed < plan.nodes.n)
        dc_err("run %s did not start on %zu of %zu nodes; stop the others with "
               "datacrumbs_stop --run-id %s",
               plan.req.run_id, failed, plan.nodes.n, plan.req.run_id);
    rc = failed ? DC_CLI_EXIT_FAILED : EXIT_SUCCESS;
out:
    if (rc != DC_CLI_EXIT_USAGE && !cli.dry_run)
        dc_cluster_share_end(&plan.opts, plan.nodes.hosts, plan.nodes.n);
    free(hosts);
    free(started);
    free(res);
    dc_cli_plan_free(&plan);
    return rc;
}
