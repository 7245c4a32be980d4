/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * service.h - how node control starts and stops the runtime of one run: one interface, two
 * service managers chosen by service_manager in datacrumbs.conf(5).
 *
 *   systemd  systemctl start/stop datacrumbs@ID.service (never enable); the unit reads the env
 *            file. svc_systemd.c.
 *   direct   the runtime as a double-forked, setsid'ed process with a pid file and a log
 *            file, for hosts without systemd, containers and tests. svc_direct.c.
 *
 * The caller (nodectl.c) holds the run's lock, has written the env file and the probe
 * snapshot before start, and removes them after a successful stop. Both managers are
 * idempotent: starting a running run and stopping a stopped one succeed.
 */
#ifndef DC_NODECTL_SERVICE_H
#define DC_NODECTL_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "runfiles.h"

/* Everything a service manager needs to act on one run. */
struct dc_run_ctx {
    const struct dc_sysconf *sys;
    const char *config_path; /* --config node control got, passed on to the runtime; or NULL */
    const char *run_id;
    const char *user;
    const struct dc_runfiles *files;
};

enum dc_svc_state {
    DC_SVC_STOPPED = 0,
    DC_SVC_STARTING, /* started, not ready yet */
    DC_SVC_RUNNING,
    DC_SVC_STOPPING,
};

struct dc_svc_status {
    enum dc_svc_state state;
    long pid;         /* 0 when unknown */
    char detail[384]; /* for humans: what happened, what the unit or process says */
};

const char *dc_svc_state_name(enum dc_svc_state s);

/*
 * Whether systemd holds unit (active, or failed until reset): the invocation link it keeps in
 * units_dir (/run/systemd/units) for such units. True also when that cannot be told.
 */
bool dc_systemd_unit_known(const char *units_dir, const char *unit);

/* Set st->detail (cut to fit: messages name paths of any length). */
void dc_svc_detail(struct dc_svc_status *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct dc_service_manager {
    const char *name;
    /* Start and wait until ready (ready_timeout). 0: running (st->pid when known). -1: failed,
     * and whatever was started has been stopped again; st->detail says why. */
    int (*start)(const struct dc_run_ctx *ctx, struct dc_svc_status *st);
    /* Stop and wait (stop_timeout). 0: not running any more (also when it was not running).
     * -1: still running, or killed only after stop_timeout; st->detail says which. */
    int (*stop)(const struct dc_run_ctx *ctx, struct dc_svc_status *st);
    /* Report the state. 0, or -1 when it cannot be known (st->detail). */
    int (*status)(const struct dc_run_ctx *ctx, struct dc_svc_status *st);
    /* A cheap hint, no process spawned: false only when the run surely has no service to
     * stop (the SLURM epilog asks this for every job). */
    bool (*may_run)(const struct dc_run_ctx *ctx);
};

extern const struct dc_service_manager dc_svc_direct;
extern const struct dc_service_manager dc_svc_systemd;

/* The manager called name ("systemd", "direct"), or NULL. */
const struct dc_service_manager *dc_service_manager_find(const char *name);

#endif
