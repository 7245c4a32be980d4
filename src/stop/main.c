/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_stop - stop the DataCrumbs runtime of one run on many nodes, over ssh.
 *
 * Every node is asked in parallel; a node where the run is not running answers ok. Exit
 * status: 0 stopped (or not running) on every node, 1 some node failed, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "log.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_stop --node-list LIST --run-id ID [OPTIONS]\n"
            "       datacrumbs_stop --help | --version\n"
            "\n"
            "Stop the DataCrumbs runtime of run ID on every node of LIST, as yourself, over\n"
            "ssh and sudo (datacrumbs-cluster(7)); each node waits until the runtime has\n"
            "flushed its trace and exited, then removes the run's files. Prints a table of\n"
            "the nodes.\n"
            "\n"
            "Options:\n"
            "  --node-list LIST        nodes, SLURM syntax: node[01-04],login1 (default\n"
            "                          SLURM_JOB_NODELIST when scheduler = slurm)\n"
            "  --run-id ID             the run (the run-id= line of datacrumbs_run; default\n"
            "                          SLURM_JOB_ID or FLUX_JOB_ID, per scheduler)\n"
            "  --parallel N            ssh sessions at once (default 32)\n"
            "  --connect-timeout S     ssh ConnectTimeout (default 10)\n"
            "  --timeout S             per node (default stop_timeout + 30 + connect timeout)\n"
            "  --ssh-option OPT        pass -o OPT to ssh (repeatable)\n"
            "  --dry-run               check everything here, print what would be sent\n"
            "  --config FILE           read FILE instead of the system configuration\n"
            "  --verbose, --quiet, --help, --version\n"
            "\n"
            "Exit status: 0 stopped (or not running) on every node, 1 failed on some node,\n"
            "2 usage error or a value refused before any node was contacted.\n"
            "\n"
            "EXAMPLES\n"
            "  datacrumbs_stop --node-list 'node[01-04]' --run-id dc-20260101-120000-1a2b3c4d\n"
            "  datacrumbs_stop --node-list \"$SLURM_JOB_NODELIST\"   # inside the job\n");
}

int main(int argc, char **argv)
{
    struct dc_cli cli = {.is_run = 0};
    struct dc_cli_plan plan;
    struct dc_node_result *res;
    size_t failed;
    int rc;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (dc_cli_parse(&cli, argc, argv, usage) < 0) {
        usage(stderr);
        return DC_CLI_EXIT_USAGE;
    }
    if ((rc = dc_cli_resolve(&cli, &plan)) != 0) {
        dc_cli_plan_free(&plan);
        return rc;
    }
    plan.req.verb = DC_VERB_STOP;
    if (cli.dry_run) {
        dc_cluster_print_plan(stdout, &plan.opts, plan.nodes.hosts, plan.nodes.n, &plan.req);
        dc_cli_plan_free(&plan);
        return EXIT_SUCCESS;
    }
    res = calloc(plan.nodes.n, sizeof(*res));
    if (!res) {
        dc_err("out of memory");
        dc_cli_plan_free(&plan);
        return DC_CLI_EXIT_FAILED;
    }
    failed = dc_cluster_call(&plan.opts, plan.nodes.hosts, plan.nodes.n, &plan.req, res);
    dc_cluster_print_table(stdout, res, plan.nodes.n);
    free(res);
    dc_cli_plan_free(&plan);
    return failed ? DC_CLI_EXIT_FAILED : EXIT_SUCCESS;
}
