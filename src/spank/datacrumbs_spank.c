/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * datacrumbs.so - SPANK plugin: --datacrumbs-probe-file=PATH for sbatch, salloc and srun, and
 * the job prolog/epilog that act on it (datacrumbs-slurm(8)).
 *
 *   sbatch/salloc/srun (as the user)  the option is registered; its value is checked here
 *                                     (spankopt.h, then the hook's --submit-check) so the user
 *                                     hears about a bad file at once; an srun inside a job
 *                                     (a step) checks and says nothing.
 *   job prolog (slurmd, root)         datacrumbs_slurm_hook prolog [--probe-file PATH]: with the
 *                                     option, that file; without it, the job comment (unless
 *                                     the plugstack line says comment=no).
 *   job epilog (slurmd, root)         datacrumbs_slurm_hook epilog, for every job: the hook stops
 *                                     the run whenever node control knows one.
 *
 * plugstack.conf arguments: hook=PATH (default: the installed hook), config=FILE (passed as
 * --config), comment=no. The plugin never fails a job: it logs and returns 0.
 */
#include <slurm/spank.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "dc_config.h"
#include "hookrun.h"
#include "spankopt.h"

SPANK_PLUGIN(datacrumbs, 1);

#define OPT_VAL 1

static int check_option(int val, const char *optarg, int remote);

static struct spank_option probe_option = {
    "datacrumbs-probe-file",
    "PATH",
    "Trace this job with DataCrumbs, using the signed probe file PATH (absolute)",
    1,
    OPT_VAL,
    check_option,
};

/* plugstack.conf arguments. */
static struct {
    char hook[4096];
    char config[4096];
    int use_comment;
} args;

static void parse_args(int ac, char **av)
{
    snprintf(args.hook, sizeof(args.hook), "%s/datacrumbs_slurm_hook", DC_LIBEXECDIR);
    args.config[0] = '\0';
    args.use_comment = 1;
    for (int i = 0; i < ac; i++) {
        if (strncmp(av[i], "hook=", 5) == 0 && av[i][5] == '/')
            snprintf(args.hook, sizeof(args.hook), "%s", av[i] + 5);
        else if (strncmp(av[i], "config=", 7) == 0 && av[i][7] == '/')
            snprintf(args.config, sizeof(args.config), "%s", av[i] + 7);
        else if (strcmp(av[i], "comment=no") == 0)
            args.use_comment = 0;
        else if (strcmp(av[i], "comment=yes") == 0)
            args.use_comment = 1;
        else
            slurm_error("datacrumbs: ignoring unknown plugstack.conf argument '%s' "
                        "(known: hook=/PATH config=/FILE comment=yes|no)",
                        av[i]);
    }
}

/* What the hook's --submit-check printed, shown to the user once its verdict is known. */
struct found {
    char line[8][DC_HOOKRUN_LINE_MAX + 1];
    int n;
};

static void keep_line(const char *line, void *ctx)
{
    struct found *f = ctx;

    if (f->n < (int)(sizeof(f->line) / sizeof(f->line[0])))
        snprintf(f->line[f->n++], sizeof(f->line[0]), "%s", line);
}

/*
 * The hook's full check as the user (structure, owner, validity window: what datacrumbs_sbatch
 * checks; the plugin links no JSON or zlib library of its own). -1 when it refuses the file,
 * 0 when it accepts it, 1 when it cannot be run on this host (the prolog checks again).
 */
static int submit_check(const char *value)
{
    char *argv[] = {args.hook, "--submit-check", (char *)value, NULL};
    char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
    struct found f = {.n = 0};
    char err[256];
    int status = dc_hookrun(args.hook, argv, envp, keep_line, &f, err, sizeof(err));

    if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 1) {
        for (int i = 0; i < f.n; i++)
            slurm_error("datacrumbs: %s", f.line[i]);
        return -1;
    }
    if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        for (int i = 0; i < f.n; i++)
            slurm_info("datacrumbs: %s", f.line[i]);
        return 0;
    }
    slurm_debug("datacrumbs: %s --submit-check could not run here (%s); the nodes check the "
                "probe file",
                args.hook, status < 0 ? err : "it failed");
    return 1;
}

/*
 * The option's value, checked where it is decided: where the user submits (sbatch, salloc, or
 * an srun that makes its own job). An srun inside a job inherits the option from the job's
 * environment and starts a step, which tracing has nothing more to do with: it is not checked
 * (the file may be gone or local to the submit host by now) and prints nothing into the job's
 * output. The prolog decides on the nodes.
 */
static int check_option(int val, const char *optarg, int remote)
{
    char err[4096 + 512];
    int node_local, rc;

    if (remote || val != OPT_VAL)
        return 0;
    if (spank_context() == S_CTX_LOCAL && getenv("SLURM_JOB_ID"))
        return 0;
    if (dc_spank_probe_check(optarg, &node_local, err, sizeof(err)) < 0) {
        slurm_error("%s", err);
        return -1;
    }
    rc = submit_check(optarg);
    if (rc > 0 && node_local)
        slurm_info("datacrumbs: warning: %s is in a directory that is usually local to this "
                   "host; the compute nodes must see the same file at the same path",
                   optarg);
    return rc < 0 ? -1 : 0;
}

int slurm_spank_init(spank_t sp, int ac, char **av)
{
    spank_context_t ctx = spank_context();

    parse_args(ac, av);
    if (ctx == S_CTX_LOCAL || ctx == S_CTX_ALLOCATOR || ctx == S_CTX_REMOTE ||
        ctx == S_CTX_JOB_SCRIPT) {
        if (spank_option_register(sp, &probe_option) != ESPANK_SUCCESS)
            slurm_error("datacrumbs: cannot register --%s", probe_option.name);
    }
    return 0;
}

static void log_line(const char *line, void *ctx)
{
    slurm_info("datacrumbs: %s", line);
}

/* "NAME=value" into buf (a slot of envp); NULL when value is NULL or does not fit. */
static char *env_entry(char *buf, size_t len, const char *name, const char *value)
{
    int n;

    if (!value)
        return NULL;
    n = snprintf(buf, len, "%s=%s", name, value);
    return n >= 0 && (size_t)n < len ? buf : NULL;
}

/* The job id and uid: slurmd's variables, else the SPANK items. */
static void job_ids(spank_t sp, char *id, size_t idlen, char *uid, size_t uidlen)
{
    const char *v;
    uint32_t jobid;
    uid_t u;

    id[0] = uid[0] = '\0';
    if ((v = getenv("SLURM_JOB_ID")))
        snprintf(id, idlen, "%s", v);
    else if (spank_get_item(sp, S_JOB_ID, &jobid) == ESPANK_SUCCESS)
        snprintf(id, idlen, "%u", (unsigned)jobid);
    if ((v = getenv("SLURM_JOB_UID")))
        snprintf(uid, uidlen, "%s", v);
    else if (spank_get_item(sp, S_JOB_UID, &u) == ESPANK_SUCCESS)
        snprintf(uid, uidlen, "%u", (unsigned)u);
}

/* Run the hook for phase; probe is the option's value or NULL. */
static void run_hook(spank_t sp, const char *phase, const char *probe, int use_comment)
{
    const char *comment = use_comment ? getenv("SLURM_JOB_COMMENT") : NULL;
    size_t clen = comment ? strlen("SLURM_JOB_COMMENT=") + strlen(comment) + 1 : 0;
    char *comment_env = clen ? malloc(clen) : NULL;
    const char *slurm_conf = getenv("SLURM_CONF");
    size_t slen = slurm_conf ? strlen("SLURM_CONF=") + strlen(slurm_conf) + 1 : 0;
    char *conf_env = slen ? malloc(slen) : NULL;
    char id[32], uid[32], id_env[64], uid_env[64], ctx_env[64], err[256];
    char *argv[8], *envp[7];
    int a = 0, e = 0, status;

    job_ids(sp, id, sizeof(id), uid, sizeof(uid));
    argv[a++] = args.hook;
    if (args.config[0]) {
        argv[a++] = "--config";
        argv[a++] = args.config;
    }
    if (probe) {
        argv[a++] = "--probe-file";
        argv[a++] = (char *)probe;
    }
    argv[a++] = (char *)phase;
    argv[a] = NULL;
    if ((envp[e] = env_entry(id_env, sizeof(id_env), "SLURM_JOB_ID", id[0] ? id : NULL)))
        e++;
    if ((envp[e] = env_entry(uid_env, sizeof(uid_env), "SLURM_JOB_UID", uid[0] ? uid : NULL)))
        e++;
    if (comment_env && (envp[e] = env_entry(comment_env, clen, "SLURM_JOB_COMMENT", comment)))
        e++;
    if ((envp[e] = env_entry(ctx_env, sizeof(ctx_env), "SLURM_SCRIPT_CONTEXT",
                             strcmp(phase, "prolog") == 0 ? "prolog_slurmd" : "epilog_slurmd")))
        e++;
    /* Where slurm.conf is, for the hook's PrologEpilogTimeout (slurmconf.h). */
    if (conf_env && (envp[e] = env_entry(conf_env, slen, "SLURM_CONF", slurm_conf)))
        e++;
    envp[e++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    envp[e] = NULL;
    status = dc_hookrun(args.hook, argv, envp, log_line, NULL, err, sizeof(err));
    if (status < 0)
        slurm_error("datacrumbs: cannot run %s: %s", args.hook, err);
    else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        slurm_error("datacrumbs: %s %s ended with status %d", args.hook, phase,
                    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    free(comment_env);
    free(conf_env);
}

int slurm_spank_job_prolog(spank_t sp, int ac, char **av)
{
    char *probe = NULL;

    parse_args(ac, av);
    if (spank_option_getopt(sp, &probe_option, &probe) != ESPANK_SUCCESS)
        probe = NULL;
    if (probe || args.use_comment)
        run_hook(sp, "prolog", probe, args.use_comment && !probe);
    return 0;
}

int slurm_spank_job_epilog(spank_t sp, int ac, char **av)
{
    parse_args(ac, av);
    run_hook(sp, "epilog", NULL, 0);
    return 0;
}
