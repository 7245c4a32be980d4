/* SPDX-License-Identifier: BSD-3-Clause */
/* jobenv.c - the job of a Prolog/Epilog from slurmd's variables (see jobenv.h). */
#include "jobenv.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum dc_hook_phase dc_hook_phase_from_word(const char *s)
{
    if (s && strcmp(s, "prolog") == 0)
        return DC_HOOK_PROLOG;
    if (s && strcmp(s, "epilog") == 0)
        return DC_HOOK_EPILOG;
    return DC_HOOK_NO_PHASE;
}

enum dc_hook_phase dc_hook_phase_from_context(const char *ctx, char *err, size_t errlen)
{
    if (!ctx || !ctx[0]) {
        snprintf(err, errlen, "SLURM_SCRIPT_CONTEXT is not set");
        return DC_HOOK_NO_PHASE;
    }
    if (strcmp(ctx, "prolog_slurmd") == 0)
        return DC_HOOK_PROLOG;
    if (strcmp(ctx, "epilog_slurmd") == 0)
        return DC_HOOK_EPILOG;
    if (strcmp(ctx, "prolog_slurmctld") == 0 || strcmp(ctx, "epilog_slurmctld") == 0)
        snprintf(err, errlen,
                 "run as PrologSlurmctld/EpilogSlurmctld: the hook belongs in Prolog and "
                 "Epilog of slurm.conf (it runs on the compute nodes)");
    else
        snprintf(err, errlen, "SLURM_SCRIPT_CONTEXT is not prolog_slurmd or epilog_slurmd");
    return DC_HOOK_NO_PHASE;
}

enum dc_hook_phase dc_hook_phase_from_name(const char *argv0)
{
    const char *base = argv0 ? strrchr(argv0, '/') : NULL;
    size_t n;

    base = base ? base + 1 : argv0;
    if (!base)
        return DC_HOOK_NO_PHASE;
    n = strlen(base);
    if (n >= 6 && strcmp(base + n - 6, "prolog") == 0)
        return DC_HOOK_PROLOG;
    if (n >= 6 && strcmp(base + n - 6, "epilog") == 0)
        return DC_HOOK_EPILOG;
    return DC_HOOK_NO_PHASE;
}

int dc_parse_uid(const char *s, uid_t *out)
{
    unsigned long long v;
    char *end;

    if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v > (unsigned long long)(uid_t)-2)
        return -1;
    *out = (uid_t)v;
    return 0;
}

/* The user name of uid into e; -1 with err when there is none or it is not a safe name. */
static int lookup_user(struct dc_jobenv *e, uid_t uid, char *err, size_t errlen)
{
    struct passwd pw, *res = NULL;
    char buf[16384];
    int rc = getpwuid_r(uid, &pw, buf, sizeof(buf), &res);

    if (rc != 0 || !res) {
        snprintf(err, errlen, "uid %u has no entry in the user database%s%s", (unsigned)uid,
                 rc ? ": " : "", rc ? strerror(rc) : "");
        return -1;
    }
    if (!dc_username_valid(pw.pw_name) || strlen(pw.pw_name) >= sizeof(e->user)) {
        snprintf(err, errlen, "the name of uid %u is not a portable user name", (unsigned)uid);
        return -1;
    }
    memcpy(e->user, pw.pw_name, strlen(pw.pw_name) + 1);
    e->uid = uid;
    e->have_user = true;
    return 0;
}

int dc_jobenv_parse(struct dc_jobenv *e, const char *job_id, const char *uid, const char *comment,
                    bool need_user, char *err, size_t errlen)
{
    uid_t u;

    memset(e, 0, sizeof(*e));
    if (!job_id || !job_id[0]) {
        snprintf(err, errlen, "SLURM_JOB_ID is not set");
        return -1;
    }
    if (!dc_runid_valid(job_id)) {
        snprintf(err, errlen, "SLURM_JOB_ID is not a valid run id");
        return -1;
    }
    memcpy(e->job_id, job_id, strlen(job_id) + 1);
    if (comment && comment[0]) {
        e->comment = comment;
        e->comment_len = strlen(comment);
    }
    if (!uid || !uid[0]) {
        snprintf(err, errlen, "SLURM_JOB_UID is not set");
        return need_user ? -1 : 0;
    }
    if (dc_parse_uid(uid, &u) < 0) {
        snprintf(err, errlen, "SLURM_JOB_UID is not a user id");
        return need_user ? -1 : 0;
    }
    if (lookup_user(e, u, err, errlen) < 0)
        return need_user ? -1 : 0;
    return 0;
}
