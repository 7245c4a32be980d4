/* SPDX-License-Identifier: BSD-3-Clause */
/* hook.c - the Prolog and Epilog of a job, through node control (see hook.h). */
#include "hook.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envfile.h"
#include "jobmeta.h"
#include "log.h"
#include "probepath.h"
#include "protocol.h"
#include "runfiles.h"

static void result(struct dc_hook_result *r, enum dc_hook_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void result(struct dc_hook_result *r, enum dc_hook_outcome o, const char *fmt, ...)
{
    va_list ap;

    r->outcome = o;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
    dc_text_sanitize(r->message);
}

const char *dc_hook_outcome_name(enum dc_hook_outcome o)
{
    switch (o) {
    case DC_HOOK_DONE: return "done";
    case DC_HOOK_NOTHING: return "nothing";
    case DC_HOOK_REFUSED: return "refused";
    default: return "failed";
    }
}

/* The probe file the job asks for into probe; DC_HOOK_DONE when there is one. */
static enum dc_hook_outcome requested(const struct dc_jobenv *e, const char *spank_probe,
                                      char *probe, size_t plen, struct dc_hook_result *r)
{
    char why[768];

    if (spank_probe) {
        if (dc_probepath_check(spank_probe, why, sizeof(why)) < 0) {
            result(r, DC_HOOK_REFUSED, "job %s (user %s): not traced: --datacrumbs-probe-file: %s",
                   e->job_id, e->user, why);
            return r->outcome;
        }
        snprintf(probe, plen, "%s", spank_probe);
        return DC_HOOK_DONE;
    }
    switch (dc_jobmeta_parse(e->comment, e->comment_len, probe, plen, why, sizeof(why))) {
    case DC_JOBMETA_ENABLED: return DC_HOOK_DONE;
    case DC_JOBMETA_INVALID:
        result(r, DC_HOOK_REFUSED, "job %s (user %s): not traced: job comment refused: %s",
               e->job_id, e->user, why);
        return r->outcome;
    default:
        result(r, DC_HOOK_NOTHING, "job %s: not traced: %s", e->job_id, why);
        return r->outcome;
    }
}

/*
 * A run that holds this job's id for another user (started by hand, with the id of a job
 * that was not there yet) would leave the job's own user untraced: on this node the id is
 * this job's now, so that run is stopped first, and the log says whose it was.
 */
static void evict_other_user(struct dc_nodectl *n, const struct dc_jobenv *e)
{
    struct dc_envfile env;
    struct dc_runfiles f;
    struct dc_request req;
    struct dc_reply rep;
    char err[256];

    if (dc_runfiles_init(&f, &n->sys, e->job_id) < 0 ||
        dc_envfile_read(f.env, &env, err, sizeof(err)) != 0 || strcmp(env.user, e->user) == 0)
        return;
    memset(&req, 0, sizeof(req));
    req.verb = DC_VERB_STOP;
    snprintf(req.run_id, sizeof(req.run_id), "%s", e->job_id);
    dc_nodectl_handle(n, &req, &rep);
    dc_warn("job %s (user %s): run %s of user %s held the job's id; stopped it: %s", e->job_id,
            e->user, e->job_id, env.user, rep.detail);
}

/*
 * With both the slurm.conf Prolog and the SPANK plugin configured, slurmd runs the hook twice
 * for one job: the first that has a request claims the job (an empty root file in run_dir),
 * the other does nothing, so the runtime is checked, waited for and logged once. 1: claimed,
 * 0: the other hook has it; an error claims nothing and goes on (one hook alone is the
 * usual case).
 */
static int claim_prolog(struct dc_nodectl *n, const struct dc_jobenv *e)
{
    struct dc_runfiles f;
    char err[256];
    int fd;

    if (dc_runfiles_init(&f, &n->sys, e->job_id) < 0 ||
        dc_rundir_prepare(n->sys.run_dir, "run_dir", err, sizeof(err)) < 0)
        return 1;
    fd = open(f.prolog, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        return 1;
    }
    return errno == EEXIST ? 0 : 1;
}

void dc_hook_prolog(struct dc_nodectl *n, const struct dc_jobenv *e, const char *spank_probe,
                    bool check_only, struct dc_hook_result *r)
{
    struct dc_request req;
    struct dc_reply rep;

    memset(r, 0, sizeof(*r));
    memset(&req, 0, sizeof(req));
    if (!e->have_user) {
        result(r, DC_HOOK_REFUSED, "job %s: not traced: the job's user is not known", e->job_id);
        return;
    }
    if (requested(e, spank_probe, req.probe_file, sizeof(req.probe_file), r) != DC_HOOK_DONE)
        return;
    if (!check_only && !claim_prolog(n, e)) {
        result(r, DC_HOOK_NOTHING, "job %s: the other prolog hook already handled it", e->job_id);
        return;
    }
    if (!check_only)
        evict_other_user(n, e);
    req.verb = check_only ? DC_VERB_CHECK : DC_VERB_START;
    snprintf(req.run_id, sizeof(req.run_id), "%s", e->job_id);
    snprintf(req.user, sizeof(req.user), "%s", e->user);
    dc_nodectl_handle(n, &req, &rep);
    switch (rep.result) {
    case DC_RESULT_OK:
        result(r, DC_HOOK_DONE, "job %s (user %s): %s %s: %s", e->job_id, e->user,
               check_only ? "would trace with" : "tracing with", req.probe_file, rep.detail);
        break;
    case DC_RESULT_INVALID:
    case DC_RESULT_DENIED:
        result(r, DC_HOOK_REFUSED, "job %s (user %s): not traced: %s", e->job_id, e->user,
               rep.detail);
        break;
    default:
        result(r, DC_HOOK_FAILED, "job %s (user %s): not traced: %s", e->job_id, e->user,
               rep.detail);
        break;
    }
}

void dc_hook_epilog(struct dc_nodectl *n, const struct dc_jobenv *e, struct dc_hook_result *r)
{
    struct dc_runfiles f;
    struct dc_request req;
    struct dc_reply rep;

    memset(r, 0, sizeof(*r));
    if (dc_runfiles_init(&f, &n->sys, e->job_id) == 0)
        dc_unlink_quiet(f.prolog);
    if (!dc_nodectl_may_run(n, e->job_id)) {
        result(r, DC_HOOK_NOTHING, "job %s: no run to stop", e->job_id);
        return;
    }
    memset(&req, 0, sizeof(req));
    req.verb = DC_VERB_STOP;
    snprintf(req.run_id, sizeof(req.run_id), "%s", e->job_id);
    dc_nodectl_handle(n, &req, &rep);
    if (rep.result == DC_RESULT_OK)
        result(r, DC_HOOK_DONE, "job %s: tracing stopped: %s", e->job_id, rep.detail);
    else
        result(r, DC_HOOK_FAILED, "job %s: stopping the runtime failed: %s", e->job_id, rep.detail);
}
