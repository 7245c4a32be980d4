/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_service_wrapper - the Slurm prolog/epilog path for one job, by hand, without a
 * scheduler: the request is built as the job comment datacrumbs_sbatch would submit and goes
 * through the hook's own code (src/slurm_hook/hook.h) and node control.
 *
 * Root only. Exit status: 0 done (started or already running; stopped or not running), 1 the
 * run was not started or not stopped (the reason is printed), 2 usage, 3 not root.
 */
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caller.h"
#include "hook.h"
#include "jobmeta.h"
#include "log.h"
#include "runid.h"

enum { EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_DENIED = 3 };

struct conf {
    const char *config_path; /* --config FILE, NULL for the system file */
    bool dry_run;            /* --dry-run: check, change nothing */
    enum dc_hook_phase phase;
    const char *job_id, *user, *probe_file;
    char flux_id[DC_RUNID_MAX + 1]; /* a Flux job id as the Flux hook names its run */
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_service_wrapper [--config FILE] [--dry-run] start JOB_ID USER\n"
            "           PROBE_FILE\n"
            "       datacrumbs_service_wrapper [--config FILE] [--dry-run] stop JOB_ID\n"
            "           [USER [PROBE_FILE]]\n"
            "       datacrumbs_service_wrapper --help | --version\n"
            "\n"
            "Do for job JOB_ID what the Slurm prolog (start) or epilog (stop) does, without\n"
            "a scheduler: start builds the job comment\n"
            "{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":PROBE_FILE}} and hands it to the\n"
            "hook's code, which starts the runtime for USER through node control; stop\n"
            "stops the job's runtime (USER and PROBE_FILE are accepted and not needed).\n"
            "Root only.\n"
            "\n"
            "Options:\n"
            "  --config FILE  read FILE instead of the system configuration\n"
            "  --dry-run      start: check the request, the probe file (read as USER) and\n"
            "                 the runtime's verdict, start nothing; stop: say whether there\n"
            "                 is a run to stop, stop nothing\n"
            "  --help, --version\n"
            "\n"
            "Exit status: 0 done (also: already running, not running); 1 not started or\n"
            "not stopped (the reason is printed); 2 usage error; 3 not run as root.\n"
            "\n"
            "EXAMPLES\n"
            "  datacrumbs_service_wrapper start 4242 alice /home/alice/probes.json.gz\n"
            "  datacrumbs_service_wrapper --dry-run start 4242 alice ~alice/probes.json.gz\n"
            "  datacrumbs_service_wrapper stop 4242\n");
}

static int parse_cmdline(struct conf *conf, int argc, char **argv)
{
    enum { OPT_CONFIG = 256, OPT_DRY_RUN, OPT_HELP, OPT_VERSION };
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    int c, nargs;

    opterr = 0;
    /* '+': options only before the action, so values starting with '-' stay values. */
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG: conf->config_path = optarg; break;
        case OPT_DRY_RUN: conf->dry_run = true; break;
        case OPT_HELP: usage(stdout); exit(EXIT_SUCCESS);
        case OPT_VERSION: dc_print_version(); exit(EXIT_SUCCESS);
        default: dc_err("unknown option or missing value: %s", argv[optind - 1]); return -1;
        }
    }
    nargs = argc - optind;
    if (nargs < 1) {
        dc_err("no action (start or stop)");
        return -1;
    }
    if (strcmp(argv[optind], "start") == 0) {
        conf->phase = DC_HOOK_PROLOG;
        if (nargs != 4) {
            dc_err("start needs JOB_ID USER PROBE_FILE");
            return -1;
        }
    } else if (strcmp(argv[optind], "stop") == 0) {
        conf->phase = DC_HOOK_EPILOG;
        if (nargs < 2 || nargs > 4) {
            dc_err("stop needs JOB_ID (USER and PROBE_FILE may follow)");
            return -1;
        }
    } else {
        dc_err("action must be 'start' or 'stop', not '%s'", argv[optind]);
        return -1;
    }
    conf->job_id = argv[optind + 1];
    /* A Flux id as FLUX_JOB_ID spells it ("ƒ..."): the run the Flux hook would name. */
    if ((unsigned char)conf->job_id[0] == 0xc6 && dc_runid_from_flux(conf->job_id, conf->flux_id))
        conf->job_id = conf->flux_id;
    conf->user = nargs > 2 ? argv[optind + 2] : NULL;
    conf->probe_file = nargs > 3 ? argv[optind + 3] : NULL;
    return 0;
}

/* The comment datacrumbs_sbatch would submit for the probe file. -1: printed why. */
static int build_comment(const char *typed, char **comment)
{
    char abs[PATH_MAX], err[1024];

    if (!realpath(typed, abs)) {
        dc_err("probe file %s: %m", typed);
        return -1;
    }
    if (dc_jobmeta_merge(NULL, abs, 0, comment, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        return -1;
    }
    return 0;
}

/* The job as the prolog would see it: uid and comment as slurmd would set them. */
static int job_env(const struct conf *conf, struct dc_jobenv *e, char **comment)
{
    char uid[32], err[1024];
    struct passwd *pw = NULL;

    *comment = NULL;
    if (conf->phase == DC_HOOK_PROLOG) {
        pw = getpwnam(conf->user);
        if (!pw) {
            dc_err("no user %s", conf->user);
            return -1;
        }
        if (build_comment(conf->probe_file, comment) < 0)
            return -1;
        snprintf(uid, sizeof(uid), "%u", (unsigned)pw->pw_uid);
    }
    if (dc_jobenv_parse(e, conf->job_id, pw ? uid : NULL, *comment, pw != NULL, err, sizeof(err)) <
        0) {
        dc_err("%s", err);
        return -1;
    }
    if (pw && strcmp(e->user, conf->user) != 0) {
        /* Another name for the same uid: the run belongs to the uid's first name. */
        dc_warn("user %s is uid %u, whose name is %s: the run is %s's", conf->user,
                (unsigned)pw->pw_uid, e->user, e->user);
    }
    return 0;
}

static int act(const struct conf *conf, struct dc_nodectl *n, const struct dc_jobenv *e)
{
    struct dc_hook_result r;

    if (conf->phase == DC_HOOK_PROLOG) {
        dc_hook_prolog(n, e, NULL, conf->dry_run, &r);
    } else if (conf->dry_run) {
        printf("job %s: %s\n", e->job_id,
               dc_nodectl_may_run(n, e->job_id) ? "a run to stop" : "no run to stop");
        return EXIT_SUCCESS;
    } else {
        dc_hook_epilog(n, e, &r);
    }
    if (r.outcome == DC_HOOK_DONE || r.outcome == DC_HOOK_NOTHING) {
        printf("%s\n", r.message);
        return EXIT_SUCCESS;
    }
    dc_err("%s", r.message);
    return EXIT_FAILED;
}

int main(int argc, char **argv)
{
    struct conf conf = {0};
    struct dc_caller caller;
    struct dc_nodectl n;
    struct dc_jobenv e;
    char err[1024], *comment = NULL;
    int rc = EXIT_FAILED;

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (parse_cmdline(&conf, argc, argv) < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    umask(022);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    /* Acting for another user is root's business only: no sudo rule is shipped for this. */
    if (getuid() != 0 ||
        dc_caller_identify(&caller, getuid(), geteuid(), NULL, err, sizeof(err)) < 0) {
        dc_err("must run as root");
        return EXIT_DENIED;
    }
    if (job_env(&conf, &e, &comment) < 0)
        goto cleanup;
    if (dc_nodectl_init(&n, conf.config_path, &caller, err, sizeof(err)) < 0) {
        dc_err("%s", err);
        goto cleanup;
    }
    rc = act(&conf, &n, &e);
cleanup:
    free(comment);
    return rc;
}
