/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * perform.h - one prolog or epilog of a scheduler's job, from the job's values to the log
 * line, shared by the Slurm and the Flux hooks (each only finds the values in its scheduler's
 * environment): identify the caller (root), parse the job (jobenv.h), run node control's start
 * or stop (hook.h), log the outcome once, within a deadline for the prolog (deadline.h).
 */
#ifndef DC_HOOK_PERFORM_H
#define DC_HOOK_PERFORM_H

#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"
#include "jobenv.h"

struct dc_hook_job {
    const char *config_path; /* --config FILE, NULL for the system file */
    const char *job_id;      /* the run id the job's run gets */
    const char *uid;         /* the job's user, decimal */
    const char *request;     /* {"datacrumbs":{...}} of the job's metadata, NULL if none */
    const char *probe_file;  /* the request as a bare path (the SPANK option), or NULL */
    bool check_only;         /* prolog: node control's check, start nothing */
};

/* The PATH a hook runs with: its scheduler sets none, or one the hook has no reason to trust. */
#define DC_HOOK_SAFE_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * Take what the scheduler told the hook: *values[i] gets a copy of the variable names[i]
 * (NULL when unset or out of memory), then the environment is cleared to PATH=DC_HOOK_SAFE_PATH
 * and, when keep is not NULL and was set, the variable keep (the connection a hook still needs).
 */
void dc_hook_take_environment(const char *const names[], char **values[], size_t n,
                              const char *keep);

/* The phase for job j, its outcome logged (info, warning for the user's mistakes, error for
 * the node's). Never fails the job: there is nothing to return. */
void dc_hook_perform(const struct dc_hook_job *j, enum dc_hook_phase phase);

/* The prolog for j within limit_s seconds (<= 0: no limit); past it, what it waits for is
 * stopped and DC_DEADLINE_EXPIRED returned for the caller to say so in its own words. */
enum dc_deadline dc_hook_perform_prolog(const struct dc_hook_job *j, long limit_s);

/*
 * What the submit-side check of a probe file says (datacrumbs_sbatch's check, as the user): one
 * line per finding on stdout ("warning: " for the ones that do not refuse). Returns 0, or 1
 * when the file is refused.
 */
int dc_hook_submit_check(const char *path);

#endif
