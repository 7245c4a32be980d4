/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hook.h - what the Slurm Prolog and Epilog do for a job, through node control (nodectl.h).
 * Shared by datacrumbs_slurm_hook (run by slurmd, or by the SPANK plugin) and
 * datacrumbs_service_wrapper (the same path by hand, without a scheduler).
 *
 * Prolog: the request is the SPANK option's probe file when there is one, else the job comment
 * (jobmeta.h, parsed as hostile input); a valid request becomes node control's "start JOB_ID
 * PROBE_FILE USER" for the job's user, which reads the probe file as that user, has the runtime
 * verify it and starts it. Epilog: node control's "stop JOB_ID" whenever node control knows
 * the run, whatever the comment or the probe file say by now (the user can change both while
 * the job runs).
 *
 * Neither ever fails the job: the outcome is for the log.
 */
#ifndef DC_HOOK_H
#define DC_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "jobenv.h"
#include "nodectl.h"

enum dc_hook_outcome {
    DC_HOOK_DONE = 0, /* started (or already running) / stopped */
    DC_HOOK_NOTHING,  /* the job does not ask for tracing / has no run to stop */
    DC_HOOK_REFUSED,  /* the job's request breaks a rule (metadata, path, user) */
    DC_HOOK_FAILED,   /* node control tried and failed (probe file, runtime, service) */
};

struct dc_hook_result {
    enum dc_hook_outcome outcome;
    char message[1024]; /* one line, for the log: names the job and, when known, the user */
};

/* "done", "nothing", "refused", "failed". */
const char *dc_hook_outcome_name(enum dc_hook_outcome o);

/*
 * The prolog for job e (whose user must be known). spank_probe: the --datacrumbs-probe-file
 * of the SPANK plugin, or NULL to use the job comment. check_only: node control's "check"
 * instead of "start" (nothing is started).
 */
void dc_hook_prolog(struct dc_nodectl *n, const struct dc_jobenv *e, const char *spank_probe,
                    bool check_only, struct dc_hook_result *r);

/*
 * The epilog for job e: stop its run whenever the node may have one (dc_nodectl_may_run), so
 * the epilog of an untraced job stays a few stat calls and spawns nothing.
 */
void dc_hook_epilog(struct dc_nodectl *n, const struct dc_jobenv *e, struct dc_hook_result *r);

#endif
