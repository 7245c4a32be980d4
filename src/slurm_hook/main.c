/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs_slurm_hook - the Slurm Prolog and Epilog of DataCrumbs (hook.h does the work).
 *
 * slurmd runs it as root, with no arguments (the phase comes from SLURM_SCRIPT_CONTEXT) and no
 * PATH; the SPANK plugin runs it with the phase and the job's --datacrumbs-probe-file. It logs
 * to syslog and stderr and exits 0 whatever happens to tracing: a non-zero Prolog would fail
 * the job and drain the node. Only a malformed command line (an admin's typo) exits 2.
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
#include "deadline.h"
#include "hook.h"
#include "log.h"
#include "perform.h"
#include "slurmconf.h"

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2 };

struct conf {
    const char *config_path; /* --config FILE, NULL for the system file */
    const char *probe_file;  /* --probe-file PATH (the SPANK option), NULL if none */
    const char *submit;      /* --submit-check PATH, NULL if not asked */
    bool check_only;         /* --check: node control's check instead of start */
    enum dc_hook_phase phase;
};

/* What slurmd told us, copied before the environment is cleared. */
struct job_vars {
    char *job_id, *uid, *comment, *context, *slurm_conf;
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: datacrumbs_slurm_hook [--config FILE] [--check] [--probe-file PATH]\n"
            "                             [prolog | epilog]\n"
            "       datacrumbs_slurm_hook --submit-check PATH\n"
            "       datacrumbs_slurm_hook --help | --version\n"
            "\n"
            "The Slurm Prolog and Epilog of DataCrumbs, run by slurmd as root on every node\n"
            "of a job (or by the SPANK plugin datacrumbs.so). The prolog reads the job's\n"
            "request, {\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":PATH}} in\n"
            "SLURM_JOB_COMMENT, and starts the runtime for the job's user (SLURM_JOB_UID)\n"
            "through node control; the epilog stops it, whatever the comment says by then.\n"
            "Without a phase argument the phase is SLURM_SCRIPT_CONTEXT's.\n"
            "\n"
            "Options:\n"
            "  --config FILE     read FILE instead of the system configuration\n"
            "  --probe-file PATH the job's --datacrumbs-probe-file (from the SPANK plugin);\n"
            "                    the comment is not read\n"
            "  --check           prolog: check the request and the probe file, start nothing\n"
            "  --submit-check PATH\n"
            "                    as the submitting user (the SPANK plugin in sbatch, salloc\n"
            "                    and srun): what datacrumbs_sbatch checks of PATH (path,\n"
            "                    structure, owner, validity window); the problem on stdout\n"
            "  --help, --version\n"
            "\n"
            "Messages go to syslog (facility daemon) and standard error. Exit status: 0,\n"
            "also when the job is not traced (tracing never fails a job or drains a node);\n"
            "1 when --submit-check refuses the file; 2 for a malformed command line.\n"
            "\n"
            "EXAMPLES\n"
            "  # slurm.conf\n"
            "  Prolog=%s/datacrumbs_slurm_hook\n"
            "  Epilog=%s/datacrumbs_slurm_hook\n"
            "  # what the prolog does, by hand\n"
            "  SLURM_JOB_ID=42 SLURM_JOB_UID=1000 \\\n"
            "  "
            "SLURM_JOB_COMMENT='{\"datacrumbs\":{\"enable\":\"yes\",\"probe_file\":\"/home/a/"
            "p.json.gz\"}}' \\\n"
            "      datacrumbs_slurm_hook --check prolog\n"
            "  # what sbatch --datacrumbs-probe-file checks, as the user\n"
            "  datacrumbs_slurm_hook --submit-check /home/a/p.json.gz\n",
            DC_LIBEXECDIR, DC_LIBEXECDIR);
}

static int parse_cmdline(struct conf *conf, int argc, char **argv)
{
    enum { OPT_CONFIG = 256, OPT_PROBE, OPT_CHECK, OPT_SUBMIT, OPT_HELP, OPT_VERSION };
    static const struct option opts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"probe-file", required_argument, NULL, OPT_PROBE},
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
        case OPT_PROBE: conf->probe_file = optarg; break;
        case OPT_CHECK: conf->check_only = true; break;
        case OPT_SUBMIT: conf->submit = optarg; break;
        case OPT_HELP: usage(stdout); exit(EXIT_SUCCESS);
        case OPT_VERSION: dc_print_version(); exit(EXIT_SUCCESS);
        default: dc_err("unknown option or missing value: %s", argv[optind - 1]); return -1;
        }
    }
    if (conf->submit && (argc > optind || conf->probe_file || conf->check_only)) {
        dc_err("--submit-check takes no other option or argument");
        return -1;
    }
    if (argc - optind > 1) {
        dc_err("at most one argument, prolog or epilog");
        return -1;
    }
    if (optind < argc) {
        conf->phase = dc_hook_phase_from_word(argv[optind]);
        if (conf->phase == DC_HOOK_NO_PHASE) {
            dc_err("unknown phase '%s' (prolog or epilog)", argv[optind]);
            return -1;
        }
    }
    return 0;
}

/* Keep what slurmd set, and nothing else of the environment: slurmd sets no PATH, and nothing
 * below should depend on what the environment says. */
static void take_environment(struct job_vars *v)
{
    static const char *const names[] = {"SLURM_JOB_ID", "SLURM_JOB_UID", "SLURM_JOB_COMMENT",
                                        "SLURM_SCRIPT_CONTEXT", "SLURM_CONF"};
    char **values[] = {&v->job_id, &v->uid, &v->comment, &v->context, &v->slurm_conf};

    dc_hook_take_environment(names, values, sizeof(names) / sizeof(names[0]), NULL);
}

static void free_vars(struct job_vars *v)
{
    free(v->job_id);
    free(v->uid);
    free(v->comment);
    free(v->context);
    free(v->slurm_conf);
}

/*
 * The prolog within its deadline: prolog_timeout (datacrumbs.conf(5)), and below slurm.conf's
 * PrologEpilogTimeout when the hook can read it (slurmconf.h). Past it, the hook stops waiting
 * (and whatever it waited for), says so and exits 0; the job runs untraced and its epilog
 * stops anything that was started.
 */
static void run_prolog(const struct dc_hook_job *j, const struct job_vars *v)
{
    struct dc_sysconf sys;
    char err[1024];
    long slurm, limit;

    if (dc_sysconf_load(&sys, j->config_path, err, sizeof(err)) < 0) {
        dc_hook_perform(j, DC_HOOK_PROLOG); /* a bad configuration is reported there */
        return;
    }
    slurm = dc_slurmconf_prolog_timeout(v->slurm_conf && v->slurm_conf[0] ? v->slurm_conf
                                                                          : DC_SLURM_CONF_DEFAULT);
    limit = dc_prolog_deadline(sys.prolog_timeout, slurm);
    if (dc_hook_perform_prolog(j, limit) != DC_DEADLINE_EXPIRED)
        return;
    if (slurm > 0 && (sys.prolog_timeout <= 0 || limit < sys.prolog_timeout))
        dc_err("job %s: prolog gave up after %ld s, below slurm.conf's PrologEpilogTimeout "
               "(%ld s): the job runs untraced",
               v->job_id ? v->job_id : "?", limit, slurm);
    else
        dc_err("job %s: prolog gave up after prolog_timeout (%ld s): the job runs untraced",
               v->job_id ? v->job_id : "?", limit);
}

int main(int argc, char **argv)
{
    struct conf conf = {0};
    struct job_vars vars = {0};
    struct dc_hook_job job;
    enum dc_hook_phase phase;
    char err[256];

    dc_log_init(argv[0], DC_LOG_NORMAL);
    if (parse_cmdline(&conf, argc, argv) < 0) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (conf.submit)
        return dc_hook_submit_check(conf.submit) ? EXIT_REFUSED : EXIT_SUCCESS;
    take_environment(&vars);
    job = (struct dc_hook_job){.config_path = conf.config_path,
                               .job_id = vars.job_id,
                               .uid = vars.uid,
                               .request = vars.comment,
                               .probe_file = conf.probe_file,
                               .check_only = conf.check_only};
    umask(022);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    dc_log_use_syslog(LOG_DAEMON);
    phase = conf.phase;
    if (phase == DC_HOOK_NO_PHASE)
        phase = dc_hook_phase_from_name(argv[0]);
    if (phase == DC_HOOK_NO_PHASE)
        phase = dc_hook_phase_from_context(vars.context, err, sizeof(err));
    if (phase == DC_HOOK_NO_PHASE)
        dc_err("cannot tell prolog from epilog (%s); nothing done", err);
    else if (conf.probe_file && phase != DC_HOOK_PROLOG)
        dc_err("--probe-file is for the prolog; nothing done");
    else if (phase == DC_HOOK_PROLOG)
        run_prolog(&job, &vars);
    else
        dc_hook_perform(&job, phase);
    free_vars(&vars);
    return EXIT_SUCCESS;
}
