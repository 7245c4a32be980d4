/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cli.h - the command line shared by datacrumbs_run and datacrumbs_stop, and turning it into
 * nodes, a run id, a probe file path and ssh options, with every value checked locally
 * before any node is contacted.
 */
#ifndef DC_NODECTL_CLI_H
#define DC_NODECTL_CLI_H

#include <stdio.h>

#include "cluster.h"
#include "conf.h"
#include "hostlist.h"

enum { DC_CLI_EXIT_FAILED = 1, DC_CLI_EXIT_USAGE = 2 };

struct dc_cli {
    int is_run;                              /* datacrumbs_run: --probe-file, a generated run id */
    const char *config_path;                 /* --config */
    const char *node_list;                   /* --node-list */
    const char *run_id;                      /* --run-id */
    const char *probe_file;                  /* --probe-file */
    long parallel, connect_timeout, timeout; /* -1: default */
    const char *ssh_options[DC_SSH_OPTIONS_MAX];
    size_t n_ssh_options;
    int dry_run, verbose;
};

/* What the command line resolved to. */
struct dc_cli_plan {
    struct dc_sysconf sys;
    struct dc_hostlist nodes;
    struct dc_cluster_opts opts;
    struct dc_request req; /* verb left for the caller; run_id, user, probe_file set */
    int run_id_generated;
};

/*
 * Parse argv. --help prints help(stdout) and exits 0, --version exits 0. Returns 0, or -1
 * after an error message (usage error).
 */
int dc_cli_parse(struct dc_cli *c, int argc, char **argv, void (*help)(FILE *));

/*
 * Load the configuration, expand and check the node list, pick the run id (--run-id, else the
 * scheduler's job id from the environment, else -- for run -- a new one), make the probe file
 * absolute and check it can be read here, find ssh. Returns 0, or the exit code after an
 * error message (2 for anything the user gave, 1 for a broken configuration).
 */
int dc_cli_resolve(const struct dc_cli *c, struct dc_cli_plan *p);

void dc_cli_plan_free(struct dc_cli_plan *p);

#endif
