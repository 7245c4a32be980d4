/* SPDX-License-Identifier: BSD-3-Clause */
/* cli.c - options of datacrumbs_run and datacrumbs_stop, checked before any node is asked. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "runid.h"
#include "which.h"

#define DEFAULT_PARALLEL        32
#define DEFAULT_CONNECT_TIMEOUT 10
#define TIMEOUT_MARGIN          30 /* on top of the node's ready or stop timeout */

static int number(const char *opt, const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi) {
        dc_err("%s expects a whole number from %ld to %ld, got '%s'", opt, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

int dc_cli_parse(struct dc_cli *c, int argc, char **argv, void (*help)(FILE *))
{
    enum {
        OPT_CONFIG = 256,
        OPT_NODES,
        OPT_RUNID,
        OPT_PROBE,
        OPT_PARALLEL,
        OPT_CONNECT,
        OPT_TIMEOUT,
        OPT_SSHOPT,
        OPT_DRY,
        OPT_VERBOSE,
        OPT_QUIET,
        OPT_HELP,
        OPT_VERSION
    };
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"node-list", required_argument, NULL, OPT_NODES},
        {"run-id", required_argument, NULL, OPT_RUNID},
        {"probe-file", required_argument, NULL, OPT_PROBE},
        {"parallel", required_argument, NULL, OPT_PARALLEL},
        {"connect-timeout", required_argument, NULL, OPT_CONNECT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"ssh-option", required_argument, NULL, OPT_SSHOPT},
        {"dry-run", no_argument, NULL, OPT_DRY},
        {"verbose", no_argument, NULL, OPT_VERBOSE},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    char err[256];
    int opt;

    c->parallel = c->connect_timeout = c->timeout = -1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case OPT_CONFIG: c->config_path = optarg; break;
        case OPT_NODES: c->node_list = optarg; break;
        case OPT_RUNID: c->run_id = optarg; break;
        case OPT_PROBE:
            if (!c->is_run) {
                dc_err("--probe-file is an option of datacrumbs_run");
                return -1;
            }
            c->probe_file = optarg;
            break;
        case OPT_PARALLEL:
            if (number("--parallel", optarg, 1, 1024, &c->parallel) < 0)
                return -1;
            break;
        case OPT_CONNECT:
            if (number("--connect-timeout", optarg, 1, 3600, &c->connect_timeout) < 0)
                return -1;
            break;
        case OPT_TIMEOUT:
            if (number("--timeout", optarg, 1, 86400 * 2, &c->timeout) < 0)
                return -1;
            break;
        case OPT_SSHOPT:
            if (c->n_ssh_options >= DC_SSH_OPTIONS_MAX) {
                dc_err("at most %d --ssh-option", DC_SSH_OPTIONS_MAX);
                return -1;
            }
            if (!dc_ssh_option_valid(optarg, err, sizeof(err))) {
                dc_err("%s", err);
                return -1;
            }
            c->ssh_options[c->n_ssh_options++] = optarg;
            break;
        case OPT_DRY: c->dry_run = 1; break;
        case OPT_VERBOSE: c->verbose = 1; break;
        case OPT_QUIET: dc_log_set_level(DC_LOG_QUIET); break;
        case OPT_HELP: help(stdout); exit(EXIT_SUCCESS);
        case OPT_VERSION: dc_print_version(); exit(EXIT_SUCCESS);
        default:
            if (optopt && optopt < 256)
                dc_err("unknown option '-%c'", optopt);
            else
                dc_err("unknown option, or missing value: '%s'", argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        dc_err("unexpected argument '%s' (every value goes with an option)", argv[optind]);
        return -1;
    }
    if (c->verbose)
        dc_log_set_level(DC_LOG_VERBOSE);
    return 0;
}

/* The run id: --run-id, else the job id of the scheduler in the configuration. */
static int pick_run_id(const struct dc_cli *c, struct dc_cli_plan *p)
{
    const char *var = NULL, *v = c->run_id;
    char flux[DC_RUNID_MAX + 1];

    if (!v) {
        if (strcmp(p->sys.scheduler, "slurm") == 0)
            var = "SLURM_JOB_ID";
        else if (strcmp(p->sys.scheduler, "flux") == 0)
            var = "FLUX_JOB_ID";
        v = var ? getenv(var) : NULL;
        if (v && !*v)
            v = NULL;
        if (v && strcmp(var, "FLUX_JOB_ID") == 0) /* f58 as the Flux hook names the run */
            v = dc_runid_from_flux(v, flux) ? flux : v;
    }
    if (v) {
        if (!dc_runid_valid(v)) {
            dc_err("invalid run id from %s (1-64 characters from A-Z a-z 0-9 _ . -, starting "
                   "with a letter or digit)",
                   var ? var : "--run-id");
            return -1;
        }
        snprintf(p->req.run_id, sizeof(p->req.run_id), "%s", v);
        return 0;
    }
    if (!c->is_run) {
        dc_err("no run id: give --run-id (the run-id= line datacrumbs_run printed)%s%s",
               var ? " or run inside the job that has " : "", var ? var : "");
        return -1;
    }
    if (dc_runid_generate(p->req.run_id, sizeof(p->req.run_id)) < 0) {
        dc_err("cannot generate a run id");
        return -1;
    }
    p->run_id_generated = 1;
    return 0;
}

/* The probe file, made absolute and readable here (as ourselves) as a first check. */
static int pick_probe_file(const struct dc_cli *c, struct dc_cli_plan *p)
{
    char err[PATH_MAX + 128];
    struct stat st;
    int fd;

    if (!c->probe_file) {
        dc_err("--probe-file is required");
        return -1;
    }
    if (dc_probe_path_absolute(c->probe_file, p->req.probe_file, sizeof(p->req.probe_file), err,
                               sizeof(err)) < 0) {
        dc_err("%s", err);
        return -1;
    }
    fd = open(p->req.probe_file, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        dc_err("probe file %s: %s", p->req.probe_file,
               fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static int pick_nodes(const struct dc_cli *c, struct dc_cli_plan *p)
{
    const char *list = c->node_list;
    char err[256];

    if (!list && strcmp(p->sys.scheduler, "slurm") == 0)
        list = getenv("SLURM_JOB_NODELIST");
    if (!list || !*list) {
        dc_err("--node-list is required");
        return -1;
    }
    if (dc_hostlist_expand(list, &p->nodes, err, sizeof(err)) < 0) {
        dc_err("--node-list: %s", err);
        return -1;
    }
    dc_hostlist_uniq(&p->nodes);
    if (p->nodes.n == 0) {
        dc_err("--node-list names no node");
        return -1;
    }
    for (size_t i = 0; i < p->nodes.n; i++) {
        if (!dc_hostname_valid(p->nodes.hosts[i])) {
            dc_err("--node-list: '%s' is not a valid node name", p->nodes.hosts[i]);
            return -1;
        }
    }
    return 0;
}

int dc_cli_resolve(const struct dc_cli *c, struct dc_cli_plan *p)
{
    struct passwd *pw = getpwuid(getuid());
    char err[1024];

    memset(p, 0, sizeof(*p));
    if (dc_sysconf_load(&p->sys, c->config_path, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        return DC_CLI_EXIT_FAILED;
    }
    if (pick_nodes(c, p) < 0 || pick_run_id(c, p) < 0)
        return DC_CLI_EXIT_USAGE;
    if (c->is_run) {
        if (!pw || !dc_username_valid(pw->pw_name)) {
            dc_err("your user name is not one node control accepts");
            return DC_CLI_EXIT_USAGE;
        }
        snprintf(p->req.user, sizeof(p->req.user), "%s", pw->pw_name);
        if (pick_probe_file(c, p) < 0)
            return DC_CLI_EXIT_USAGE;
    }
    if (dc_which("ssh", p->opts.ssh.program, sizeof(p->opts.ssh.program)) < 0) {
        dc_err("ssh not found in PATH (install the OpenSSH client)");
        return DC_CLI_EXIT_FAILED;
    }
    p->opts.ssh.connect_timeout =
        (int)(c->connect_timeout > 0 ? c->connect_timeout : DEFAULT_CONNECT_TIMEOUT);
    for (size_t i = 0; i < c->n_ssh_options; i++)
        p->opts.ssh.options[i] = c->ssh_options[i];
    p->opts.ssh.n_options = c->n_ssh_options;
    p->opts.parallel = (size_t)(c->parallel > 0 ? c->parallel : DEFAULT_PARALLEL);
    p->opts.timeout_s = c->timeout > 0 ? c->timeout
                                       : (c->is_run ? p->sys.ready_timeout : p->sys.stop_timeout) +
                                             TIMEOUT_MARGIN + p->opts.ssh.connect_timeout;
    return 0;
}

void dc_cli_plan_free(struct dc_cli_plan *p)
{
    dc_hostlist_free(&p->nodes);
}
