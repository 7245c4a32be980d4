/* SPDX-License-Identifier: BSD-3-Clause */
/* slurmopts.c - salloc/sbatch option tables of Slurm 22.05 (see slurmopts.h). */
#include "slurmopts.h"

#include <string.h>

struct longopt {
    const char *name;
    enum dc_arg arg;
};

static const struct longopt sbatch_long[] = {
    {"account", DC_ARG_REQ},
    {"acctg-freq", DC_ARG_REQ},
    {"array", DC_ARG_REQ},
    {"batch", DC_ARG_REQ},
    {"bb", DC_ARG_REQ},
    {"bbf", DC_ARG_REQ},
    {"begin", DC_ARG_REQ},
    {"chdir", DC_ARG_REQ},
    {"cluster", DC_ARG_REQ},
    {"cluster-constraint", DC_ARG_REQ},
    {"clusters", DC_ARG_REQ},
    {"comment", DC_ARG_REQ},
    {"constraint", DC_ARG_REQ},
    {"container", DC_ARG_REQ},
    {"context", DC_ARG_REQ},
    {"contiguous", DC_ARG_NONE},
    {"core-spec", DC_ARG_REQ},
    {"cores-per-socket", DC_ARG_REQ},
    {"cpu-freq", DC_ARG_REQ},
    {"cpus-per-gpu", DC_ARG_REQ},
    {"cpus-per-task", DC_ARG_REQ},
    {"deadline", DC_ARG_REQ},
    {"delay-boot", DC_ARG_REQ},
    {"dependency", DC_ARG_REQ},
    {"distribution", DC_ARG_REQ},
    {"error", DC_ARG_REQ},
    {"exclude", DC_ARG_REQ},
    {"exclusive", DC_ARG_OPT},
    {"export", DC_ARG_REQ},
    {"export-file", DC_ARG_REQ},
    {"extra-node-info", DC_ARG_REQ},
    {"get-user-env", DC_ARG_OPT},
    {"gid", DC_ARG_REQ},
    {"gpu-bind", DC_ARG_REQ},
    {"gpu-freq", DC_ARG_REQ},
    {"gpus", DC_ARG_REQ},
    {"gpus-per-node", DC_ARG_REQ},
    {"gpus-per-socket", DC_ARG_REQ},
    {"gpus-per-task", DC_ARG_REQ},
    {"gres", DC_ARG_REQ},
    {"gres-flags", DC_ARG_REQ},
    {"help", DC_ARG_NONE},
    {"hint", DC_ARG_REQ},
    {"hold", DC_ARG_NONE},
    {"ignore-pbs", DC_ARG_NONE},
    {"input", DC_ARG_REQ},
    {"job-name", DC_ARG_REQ},
    {"kill-on-invalid-dep", DC_ARG_REQ},
    {"licenses", DC_ARG_REQ},
    {"mail-type", DC_ARG_REQ},
    {"mail-user", DC_ARG_REQ},
    {"mcs-label", DC_ARG_REQ},
    {"mem", DC_ARG_REQ},
    {"mem-bind", DC_ARG_REQ},
    {"mem-per-cpu", DC_ARG_REQ},
    {"mem-per-gpu", DC_ARG_REQ},
    {"mincpus", DC_ARG_REQ},
    {"network", DC_ARG_REQ},
    {"nice", DC_ARG_OPT},
    {"no-kill", DC_ARG_OPT},
    {"no-requeue", DC_ARG_NONE},
    {"nodefile", DC_ARG_REQ},
    {"nodelist", DC_ARG_REQ},
    {"nodes", DC_ARG_REQ},
    {"ntasks", DC_ARG_REQ},
    {"ntasks-per-core", DC_ARG_REQ},
    {"ntasks-per-gpu", DC_ARG_REQ},
    {"ntasks-per-node", DC_ARG_REQ},
    {"ntasks-per-socket", DC_ARG_REQ},
    {"ntasks-per-tres", DC_ARG_REQ},
    {"open-mode", DC_ARG_REQ},
    {"output", DC_ARG_REQ},
    {"overcommit", DC_ARG_NONE},
    {"oversubscribe", DC_ARG_NONE},
    {"parsable", DC_ARG_NONE},
    {"partition", DC_ARG_REQ},
    {"power", DC_ARG_REQ},
    {"prefer", DC_ARG_REQ},
    {"priority", DC_ARG_REQ},
    {"profile", DC_ARG_REQ},
    {"propagate", DC_ARG_OPT},
    {"qos", DC_ARG_REQ},
    {"quiet", DC_ARG_NONE},
    {"reboot", DC_ARG_NONE},
    {"requeue", DC_ARG_NONE},
    {"reservation", DC_ARG_REQ},
    {"signal", DC_ARG_REQ},
    {"sockets-per-node", DC_ARG_REQ},
    {"spread-job", DC_ARG_NONE},
    {"switches", DC_ARG_REQ},
    {"tasks-per-node", DC_ARG_REQ},
    {"test-only", DC_ARG_NONE},
    {"thread-spec", DC_ARG_REQ},
    {"threads-per-core", DC_ARG_REQ},
    {"time", DC_ARG_REQ},
    {"time-min", DC_ARG_REQ},
    {"tmp", DC_ARG_REQ},
    {"uid", DC_ARG_REQ},
    {"usage", DC_ARG_NONE},
    {"use-min-nodes", DC_ARG_NONE},
    {"verbose", DC_ARG_NONE},
    {"version", DC_ARG_NONE},
    {"wait", DC_ARG_NONE},
    {"wait-all-nodes", DC_ARG_REQ},
    {"wckey", DC_ARG_REQ},
    {"wrap", DC_ARG_REQ},
};

static const struct longopt salloc_long[] = {
    {"account", DC_ARG_REQ},
    {"acctg-freq", DC_ARG_REQ},
    {"bb", DC_ARG_REQ},
    {"bbf", DC_ARG_REQ},
    {"begin", DC_ARG_REQ},
    {"bell", DC_ARG_NONE},
    {"chdir", DC_ARG_REQ},
    {"cluster", DC_ARG_REQ},
    {"cluster-constraint", DC_ARG_REQ},
    {"clusters", DC_ARG_REQ},
    {"comment", DC_ARG_REQ},
    {"constraint", DC_ARG_REQ},
    {"container", DC_ARG_REQ},
    {"context", DC_ARG_REQ},
    {"contiguous", DC_ARG_NONE},
    {"core-spec", DC_ARG_REQ},
    {"cores-per-socket", DC_ARG_REQ},
    {"cpu-freq", DC_ARG_REQ},
    {"cpus-per-gpu", DC_ARG_REQ},
    {"cpus-per-task", DC_ARG_REQ},
    {"deadline", DC_ARG_REQ},
    {"delay-boot", DC_ARG_REQ},
    {"dependency", DC_ARG_REQ},
    {"distribution", DC_ARG_REQ},
    {"exclude", DC_ARG_REQ},
    {"exclusive", DC_ARG_OPT},
    {"extra-node-info", DC_ARG_REQ},
    {"get-user-env", DC_ARG_OPT},
    {"gid", DC_ARG_REQ},
    {"gpu-bind", DC_ARG_REQ},
    {"gpu-freq", DC_ARG_REQ},
    {"gpus", DC_ARG_REQ},
    {"gpus-per-node", DC_ARG_REQ},
    {"gpus-per-socket", DC_ARG_REQ},
    {"gpus-per-task", DC_ARG_REQ},
    {"gres", DC_ARG_REQ},
    {"gres-flags", DC_ARG_REQ},
    {"help", DC_ARG_NONE},
    {"hint", DC_ARG_REQ},
    {"hold", DC_ARG_NONE},
    {"immediate", DC_ARG_OPT},
    {"job-name", DC_ARG_REQ},
    {"kill-command", DC_ARG_OPT},
    {"licenses", DC_ARG_REQ},
    {"mail-type", DC_ARG_REQ},
    {"mail-user", DC_ARG_REQ},
    {"mcs-label", DC_ARG_REQ},
    {"mem", DC_ARG_REQ},
    {"mem-bind", DC_ARG_REQ},
    {"mem-per-cpu", DC_ARG_REQ},
    {"mem-per-gpu", DC_ARG_REQ},
    {"mincpus", DC_ARG_REQ},
    {"network", DC_ARG_REQ},
    {"nice", DC_ARG_OPT},
    {"no-bell", DC_ARG_NONE},
    {"no-kill", DC_ARG_OPT},
    {"no-shell", DC_ARG_NONE},
    {"nodefile", DC_ARG_REQ},
    {"nodelist", DC_ARG_REQ},
    {"nodes", DC_ARG_REQ},
    {"ntasks", DC_ARG_REQ},
    {"ntasks-per-core", DC_ARG_REQ},
    {"ntasks-per-gpu", DC_ARG_REQ},
    {"ntasks-per-node", DC_ARG_REQ},
    {"ntasks-per-socket", DC_ARG_REQ},
    {"ntasks-per-tres", DC_ARG_REQ},
    {"overcommit", DC_ARG_NONE},
    {"oversubscribe", DC_ARG_NONE},
    {"partition", DC_ARG_REQ},
    {"power", DC_ARG_REQ},
    {"prefer", DC_ARG_REQ},
    {"priority", DC_ARG_REQ},
    {"profile", DC_ARG_REQ},
    {"qos", DC_ARG_REQ},
    {"quiet", DC_ARG_NONE},
    {"reboot", DC_ARG_NONE},
    {"reservation", DC_ARG_REQ},
    {"signal", DC_ARG_REQ},
    {"sockets-per-node", DC_ARG_REQ},
    {"spread-job", DC_ARG_NONE},
    {"switches", DC_ARG_REQ},
    {"tasks-per-node", DC_ARG_REQ},
    {"thread-spec", DC_ARG_REQ},
    {"threads-per-core", DC_ARG_REQ},
    {"time", DC_ARG_REQ},
    {"time-min", DC_ARG_REQ},
    {"tmp", DC_ARG_REQ},
    {"uid", DC_ARG_REQ},
    {"usage", DC_ARG_NONE},
    {"use-min-nodes", DC_ARG_NONE},
    {"verbose", DC_ARG_NONE},
    {"version", DC_ARG_NONE},
    {"wait-all-nodes", DC_ARG_REQ},
    {"wckey", DC_ARG_REQ},
    {"x11", DC_ARG_OPT},
};

/* getopt short option letters: with a value in the same or next word, or only in the same. */
static const char sbatch_short_req[] = "ABCDFGJLMNSabcdeimnopqtwx";
static const char sbatch_short_opt[] = "k";
static const char sbatch_short_none[] = "HOQVWhsv";
static const char salloc_short_req[] = "ABCDFGJLMNSbcdmnpqtwx";
static const char salloc_short_opt[] = "IKk";
static const char salloc_short_none[] = "HOQVhsv";

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct longopt *table(enum dc_slurm_tool t, size_t *n)
{
    if (t == DC_TOOL_SBATCH) {
        *n = N(sbatch_long);
        return sbatch_long;
    }
    *n = N(salloc_long);
    return salloc_long;
}

const char *dc_slurm_tool_name(enum dc_slurm_tool t)
{
    return t == DC_TOOL_SBATCH ? "sbatch" : "salloc";
}

enum dc_arg dc_slurm_long_option(enum dc_slurm_tool t, const char *name, size_t len,
                                 const char **canonical)
{
    size_t n, matches = 0;
    const struct longopt *tab = table(t, &n), *first = NULL;
    enum dc_arg arg = DC_ARG_UNKNOWN;

    *canonical = NULL;
    if (len == 0)
        return DC_ARG_UNKNOWN;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(tab[i].name, name, len) != 0)
            continue;
        if (tab[i].name[len] == '\0') { /* an exact match wins over abbreviations */
            *canonical = tab[i].name;
            return tab[i].arg;
        }
        if (matches++ == 0) {
            first = &tab[i];
            arg = tab[i].arg;
        } else if (tab[i].arg != arg) {
            arg = DC_ARG_UNKNOWN; /* ambiguous: Slurm will refuse it */
        }
    }
    if (matches == 1)
        *canonical = first->name;
    return matches ? arg : DC_ARG_UNKNOWN;
}

enum dc_arg dc_slurm_short_option(enum dc_slurm_tool t, char c)
{
    int sb = t == DC_TOOL_SBATCH;

    if (c == '\0' || c == '-')
        return DC_ARG_UNKNOWN;
    if (strchr(sb ? sbatch_short_req : salloc_short_req, c))
        return DC_ARG_REQ;
    if (strchr(sb ? sbatch_short_opt : salloc_short_opt, c))
        return DC_ARG_OPT;
    if (strchr(sb ? sbatch_short_none : salloc_short_none, c))
        return DC_ARG_NONE;
    return DC_ARG_UNKNOWN;
}

const char *dc_slurm_long_option_at(enum dc_slurm_tool t, size_t i, enum dc_arg *arg)
{
    size_t n;
    const struct longopt *tab = table(t, &n);

    if (i >= n)
        return NULL;
    *arg = tab[i].arg;
    return tab[i].name;
}
