/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * jobenv.h - the job a Slurm Prolog or Epilog runs for, from the variables slurmd sets.
 *
 * slurmd runs Prolog and Epilog as root with SLURM_JOB_ID, SLURM_JOB_UID, SLURM_JOB_COMMENT and
 * SLURM_SCRIPT_CONTEXT ("prolog_slurmd", "epilog_slurmd") in the environment and no PATH. The
 * values are the controller's record of the job, but the comment is the user's text: it is
 * parsed later as hostile input (jobmeta.h). The user comes from the numeric uid and the user
 * database, never from SLURM_JOB_USER.
 */
#ifndef DC_HOOK_JOBENV_H
#define DC_HOOK_JOBENV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "protocol.h" /* DC_USER_MAX */
#include "runid.h"

enum dc_hook_phase { DC_HOOK_NO_PHASE = 0, DC_HOOK_PROLOG, DC_HOOK_EPILOG };

struct dc_jobenv {
    char job_id[DC_RUNID_MAX + 1]; /* also the run id of node control */
    bool have_user;                /* uid and user are known */
    uid_t uid;
    char user[DC_USER_MAX + 1];
    const char *comment; /* borrowed; NULL when the job has none */
    size_t comment_len;
};

/* "prolog" or "epilog" (as a command-line word), else DC_HOOK_NO_PHASE. */
enum dc_hook_phase dc_hook_phase_from_word(const char *s);

/*
 * The phase from SLURM_SCRIPT_CONTEXT: prolog_slurmd / epilog_slurmd. The controller's
 * PrologSlurmctld/EpilogSlurmctld contexts, and anything else, give DC_HOOK_NO_PHASE with the
 * reason in err (the runtime belongs on the compute nodes).
 */
enum dc_hook_phase dc_hook_phase_from_context(const char *ctx, char *err, size_t errlen);

/* The phase a program name implies (a link called ...prolog or ...epilog), or none. */
enum dc_hook_phase dc_hook_phase_from_name(const char *argv0);

/*
 * Fill e from the variables' values (NULL: unset). The job id must be a valid run id. The uid
 * must be a plain decimal number naming a user with a valid name; with need_user, failing that
 * is an error, otherwise have_user stays false (the epilog stops a run whatever the user
 * database says now). Returns 0, or -1 with the reason in err.
 */
int dc_jobenv_parse(struct dc_jobenv *e, const char *job_id, const char *uid, const char *comment,
                    bool need_user, char *err, size_t errlen);

/* Parse a uid: decimal digits only, at most (uid_t)-2. Returns 0 or -1. */
int dc_parse_uid(const char *s, uid_t *out);

#endif
