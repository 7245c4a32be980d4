/* SPDX-License-Identifier: BSD-3-Clause */
/* perform.c - one prolog or epilog, from the job's values to the log line (see perform.h). */
#include "perform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caller.h"
#include "hook.h"
#include "log.h"
#include "nodectl.h"
#include "preempt.h"
#include "probecheck.h"

void dc_hook_take_environment(const char *const names[], char **values[], size_t n,
                              const char *keep)
{
    char *kept = NULL;

    for (size_t i = 0; i < n; i++) {
        const char *v = getenv(names[i]);

        *values[i] = v ? strdup(v) : NULL;
    }
    if (keep && getenv(keep))
        kept = strdup(getenv(keep));
    clearenv();
    setenv("PATH", DC_HOOK_SAFE_PATH, 1);
    if (kept)
        setenv(keep, kept, 1);
    free(kept);
}

static void log_result(const struct dc_hook_result *r)
{
    switch (r->outcome) {
    case DC_HOOK_DONE: dc_info("%s", r->message); break;
    case DC_HOOK_NOTHING: dc_debug("%s", r->message); break;
    case DC_HOOK_REFUSED: dc_warn("%s", r->message); break;
    default: dc_err("%s", r->message); break;
    }
}

void dc_hook_perform(const struct dc_hook_job *j, enum dc_hook_phase phase)
{
    struct dc_hook_result r;
    struct dc_caller caller;
    struct dc_nodectl n;
    struct dc_jobenv e;
    char err[1024];

    /* Root only (the caller of node control is root itself, never a SUDO_UID). */
    if (dc_caller_identify(&caller, getuid(), geteuid(), NULL, err, sizeof(err)) < 0) {
        dc_err("%s; nothing done", err);
        return;
    }
    if (dc_jobenv_parse(&e, j->job_id, j->uid, j->request, phase == DC_HOOK_PROLOG, err,
                        sizeof(err)) < 0) {
        dc_err("%s: %s; nothing done", phase == DC_HOOK_PROLOG ? "prolog" : "epilog", err);
        return;
    }
    if (dc_nodectl_init(&n, j->config_path, &caller, err, sizeof(err)) < 0) {
        dc_err("job %s: nothing done: %s", e.job_id, err);
        return;
    }
    if (phase == DC_HOOK_PROLOG)
        dc_hook_prolog(&n, &e, j->probe_file, j->check_only, &r);
    else
        dc_hook_epilog(&n, &e, &r);
    log_result(&r);
}

static void prolog_child(void *arg)
{
    dc_cancel_install(); /* the deadline's SIGTERM: kill what it waits for, undo, exit */
    dc_hook_perform(arg, DC_HOOK_PROLOG);
}

enum dc_deadline dc_hook_perform_prolog(const struct dc_hook_job *j, long limit_s)
{
    enum dc_deadline d;

    if (limit_s <= 0) {
        dc_hook_perform(j, DC_HOOK_PROLOG);
        return DC_DEADLINE_DONE;
    }
    d = dc_run_with_deadline(limit_s, prolog_child, (void *)j);
    if (d == DC_DEADLINE_NO_CHILD) {
        dc_hook_perform(j, DC_HOOK_PROLOG);
        return DC_DEADLINE_DONE;
    }
    return d;
}

int dc_hook_submit_check(const char *path)
{
    struct dc_probecheck pc;
    char err[2048];

    if (dc_probecheck(path, getuid(), time(NULL), &pc, err, sizeof(err)) < 0) {
        printf("%s\n", err);
        return 1;
    }
    if (pc.node_local)
        printf("warning: probe file %s is in a directory that is usually local to this host; "
               "the compute nodes must see the same file at the same path\n",
               pc.path);
    if (pc.expires_in >= 0 && pc.expires_in < DC_PROBECHECK_SOON)
        printf("warning: probe file %s expires in %ld minutes; a job that starts later is not "
               "traced\n",
               pc.path, pc.expires_in / 60);
    return 0;
}
