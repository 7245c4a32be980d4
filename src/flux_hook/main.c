/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_flux_hook - the Flux job-manager prolog and epilog of DataCrumbs (perform.h does
 * the work, as for Slurm).
 *
 * Flux's perilog plugin runs it as root (directly in an instance that root owns, or through
 * "flux-imp run" in a multi-user system instance) on the job's ranks, with FLUX_JOB_ID,
 * FLUX_JOB_USERID and FLUX_URI. It exits 0 whatever happens to tracing: a failing prolog would
 * raise an exception on the job. Only a malformed command line (an admin's typo) exits 2.
 */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "dc_config.h"
#include "fluxjob.h"
#include "log.h"
#include "perform.h"
#include "runid.h"

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2 };

struct conf {
    const char *config_path; /* --config FILE, NULL for the system file */
    const char *submit;      /* --submit-check PATH, NULL if not asked */
    bool check_only;         /* --check: node control's check instead of start */
    enum dc_hook_phase phase;
};

/* What the job manager told us, copied before the environment is cleared. */
struct job_vars {
    char *job_id, *uid;
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_flux_hook [--config FILE] [--check] prolog | epilog\n"
            "       datacrumbs_flux_prolog | datacrumbs_flux_epilog   (for flux-imp run)\n"
            "       datacrumbs_flux_hook --submit-check PATH\n"
            "       datacrumbs_flux_hook --help | --version\n"
            "\n"
            "The Flux job prolog and epilog of DataCrumbs, run as root by the job manager's\n"
            "perilog plugin on the ranks of a job. The prolog reads the job's request,\n"
            "attributes.system.datacrumbs = {\"enable\":\"yes\",\"probe_file\":PATH} in its\n"
            "jobspec, and starts the runtime for the job's user (FLUX_JOB_USERID) through node\n"
            "control, as run f<id> (FLUX_JOB_ID); the epilog stops it, whatever the job says\n"
            "by then.\n"
            "\n"
            "Options:\n"
            "  --config FILE     read FILE instead of the system configuration\n"
            "  --check           prolog: check the request and the probe file, start nothing\n"
            "  --submit-check PATH\n"
            "                    as the submitting user (the flux CLI plugin): what\n"
            "                    datacrumbs_sbatch checks of PATH (path, structure, owner,\n"
            "                    validity window); the problem on stdout\n"
            "  --help, --version\n"
            "\n"
            "Messages go to syslog (facility daemon), errors to standard error and the rest\n"
            "to standard output (Flux logs both). Exit status: 0, also when the job is not\n"
            "traced; 1 when --submit-check refuses the file; 2 for a malformed command line.\n"
            "\n"
            "EXAMPLES\n"
            "  # /etc/flux/system/conf.d/datacrumbs.toml\n"
            "  [job-manager.prolog]\n"
            "  command = [\"%s/datacrumbs_flux_hook\", \"prolog\"]\n"
            "  per-rank = true\n"
            "  # what the prolog of a job does, by hand, inside the instance\n"
            "  FLUX_JOB_ID=f2V9cXJwd FLUX_JOB_USERID=1000 datacrumbs_flux_hook --check prolog\n",
            DC_LIBEXECDIR);
}

static int parse_cmdline(struct conf *conf, int argc, char **argv)
{
    enum { OPT_CONFIG = 256, OPT_CHECK, OPT_SUBMIT, OPT_HELP, OPT_VERSION };
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"check", no_argument, NULL, OPT_CHECK},
        {"submit-check", required_argument, NULL, OPT_SUBMIT},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG: conf->config_path = optarg; break;
        case OPT_CHECK: conf->check_only = true; break;
        case OPT_SUBMIT: conf->submit = optarg; break;
        case OPT_HELP: usage(stdout); exit(EXIT_SUCCESS);
        case OPT_VERSION: dc_print_version(); exit(EXIT_SUCCESS);
        default: dc_err("unknown option or missing value: %s", argv[optind - 1]); return -1;
        }
    }
    if (conf->submit) {
        if (argc > optind || conf->check_only) {
            dc_err("--submit-check takes no other option or argument");
            return -1;
        }
        return 0;
    }
    /* "flux-imp run" passes no argument: the phase is then in the name (datacrumbs_flux_prolog,
     * datacrumbs_flux_epilog, links to this program). */
    if (argc == optind && dc_hook_phase_from_name(argv[0]) != DC_HOOK_NO_PHASE) {
        conf->phase = dc_hook_phase_from_name(argv[0]);
        return 0;
    }
    if (argc - optind != 1) {
        dc_err("give the phase: prolog or epilog");
        return -1;
    }
    conf->phase = dc_hook_phase_from_word(argv[optind]);
    if (conf->phase == DC_HOOK_NO_PHASE) {
        dc_err("unknown phase '%s' (prolog or epilog)", argv[optind]);
        return -1;
    }
    return 0;
}

/* Keep what the job manager set (and the instance's URI), and nothing else of the
 * environment: nothing below should depend on what it says. */
static void take_environment(struct job_vars *v)
{
    static const char *const names[] = {"FLUX_JOB_ID", "FLUX_JOB_USERID"};
    char **values[] = {&v->job_id, &v->uid};

    dc_hook_take_environment(names, values, sizeof(names) / sizeof(names[0]), "FLUX_URI");
}

static void free_vars(struct job_vars *v)
{
    free(v->job_id);
    free(v->uid);
}

/* The prolog: the request from the jobspec, then node control within prolog_timeout. */
static void run_prolog(struct dc_hook_job *j, const char *flux_id)
{
    struct dc_sysconf sys;
    char err[1024], *request = NULL;
    long limit = 0;

    if (dc_flux_job_request(flux_id, &request, err, sizeof(err)) < 0) {
        dc_err("job %s: not traced: %s", j->job_id, err);
        return;
    }
    if (!request) {
        dc_debug("job %s: no DataCrumbs request", j->job_id);
        return;
    }
    j->request = request;
    if (dc_sysconf_load(&sys, j->config_path, err, sizeof(err)) == 0)
        limit = sys.prolog_timeout;
    if (dc_hook_perform_prolog(j, limit) == DC_DEADLINE_EXPIRED)
        dc_err("job %s: prolog gave up after prolog_timeout (%ld s): the job runs untraced",
               j->job_id, limit);
    free(request);
}

int main(int argc, char **argv)
{
    struct conf conf = {0};
    struct job_vars vars = {0};
    struct dc_hook_job job = {0};
    char run_id[DC_RUNID_MAX + 1];

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (parse_cmdline(&conf, argc, argv) < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (conf.submit)
        return dc_hook_submit_check(conf.submit) ? EXIT_REFUSED : EXIT_SUCCESS;
    take_environment(&vars);
    umask(022);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    dc_log_errors_only_to_stderr();
    dc_log_use_syslog(LOG_DAEMON);
    job = (struct dc_hook_job){.config_path = conf.config_path,
                               .job_id = run_id,
                               .uid = vars.uid,
                               .check_only = conf.check_only};
    if (!dc_runid_from_flux(vars.job_id, run_id))
        dc_err("%s: FLUX_JOB_ID '%.64s' is not a Flux job id; nothing done",
               conf.phase == DC_HOOK_PROLOG ? "prolog" : "epilog",
               vars.job_id ? vars.job_id : "(unset)");
    else if (conf.phase == DC_HOOK_PROLOG)
        run_prolog(&job, vars.job_id);
    else
        dc_hook_perform(&job, DC_HOOK_EPILOG);
    free_vars(&vars);
    return EXIT_SUCCESS;
}
