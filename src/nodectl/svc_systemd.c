/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svc_systemd.c - the "systemd" service manager: datacrumbs@ID.service.
 *
 * "systemctl start --no-block", then the unit's state is polled with "systemctl show" until it
 * is active (Type=notify: the runtime said READY=1) or has failed, up to ready_timeout. Polling
 * show rather than is-active tells a queued start job (still "inactive") from a unit that gave
 * up. The unit is never enabled. systemctl runs from an argv array with a fixed environment.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "preempt.h"
#include "runhelper.h"
#include "service.h"

#define SYSTEMCTL_MS      30000 /* one systemctl call */
#define SYSTEMD_UNITS_DIR "/run/systemd/units"

struct unit_state {
    char load[32];   /* LoadState: loaded, not-found, ... */
    char active[32]; /* ActiveState: active, activating, inactive, failed, deactivating */
    char result[32]; /* Result: success, exit-code, timeout, ... */
    long main_pid;
    int has_job; /* a start or stop job is queued or running */
};

static const char *systemctl_path(void)
{
    static const char *const candidates[] = {"/usr/bin/systemctl", "/bin/systemctl"};

    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
        if (access(candidates[i], X_OK) == 0)
            return candidates[i];
    return NULL;
}

static void unit_name(const struct dc_run_ctx *ctx, char *out, size_t outlen)
{
    snprintf(out, outlen, "datacrumbs@%s.service", ctx->run_id);
}

/* systemctl ARGS... UNIT. Returns dc_spawn_run's value; detail gets a message on failure. */
static int systemctl(const char *const args[], const char *unit, struct dc_spawn_result *res,
                     char *detail, size_t detlen)
{
    const char *argv[12];
    const char *path = systemctl_path();
    size_t i = 0;
    int rc;

    if (!path) {
        snprintf(detail, detlen, "systemctl not found (service_manager = systemd)");
        return -1;
    }
    argv[i++] = path;
    for (; *args && i < 10; args++)
        argv[i++] = *args;
    argv[i++] = unit;
    argv[i] = NULL;
    rc = dc_spawn_run(argv, dc_spawn_clean_env, SYSTEMCTL_MS, 0, res);
    if (rc != 0) {
        char how[64], last[200];

        dc_spawn_describe(res, SYSTEMCTL_MS, how, sizeof(how));
        dc_spawn_last_line(res, last, sizeof(last));
        snprintf(detail, detlen, "systemctl %s %s: %s%s%s", argv[1], unit, how, last[0] ? ": " : "",
                 last);
    }
    return rc;
}

static void copy_prop(const char *text, const char *key, char *out, size_t outlen)
{
    size_t klen = strlen(key);

    out[0] = '\0';
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            snprintf(out, outlen, "%.*s", (int)(len - klen - 1), p + klen + 1);
            return;
        }
        p = nl ? nl + 1 : NULL;
    }
}

static int unit_state(const char *unit, struct unit_state *u, char *detail, size_t detlen)
{
    static const char *const args[] = {
        "show", "--property=LoadState,ActiveState,Result,MainPID,Job", "--", NULL};
    struct dc_spawn_result res;
    char pid[32], job[32];

    memset(u, 0, sizeof(*u));
    if (systemctl(args, unit, &res, detail, detlen) != 0)
        return -1;
    copy_prop(res.output, "LoadState", u->load, sizeof(u->load));
    copy_prop(res.output, "ActiveState", u->active, sizeof(u->active));
    copy_prop(res.output, "Result", u->result, sizeof(u->result));
    copy_prop(res.output, "MainPID", pid, sizeof(pid));
    copy_prop(res.output, "Job", job, sizeof(job));
    u->main_pid = strtol(pid, NULL, 10);
    u->has_job = job[0] != '\0' && strcmp(job, "0") != 0;
    if (!u->active[0]) {
        snprintf(detail, detlen, "systemctl show %s printed no ActiveState", unit);
        return -1;
    }
    return 0;
}

static int is_down(const struct unit_state *u)
{
    return !u->has_job && (strcmp(u->active, "inactive") == 0 || strcmp(u->active, "failed") == 0);
}

/* Poll until the unit settles: up (want_up) or down, or the deadline (or, waiting for it to
 * come up, the request is cancelled: preempt.h). 1 wanted, 0 the other way, -1 timeout or
 * error. */
static int wait_unit(const char *unit, int want_up, long timeout_ms, struct unit_state *u,
                     char *detail, size_t detlen)
{
    long deadline = dc_now_ms() + timeout_ms;
    int step = 20;

    for (;;) {
        if (unit_state(unit, u, detail, detlen) < 0)
            return -1;
        if (strcmp(u->active, "active") == 0 && !u->has_job)
            return want_up ? 1 : 0;
        if (is_down(u))
            return want_up ? 0 : 1;
        if (want_up && dc_cancelled()) {
            snprintf(detail, detlen, "cancelled while %s was %s", unit, u->active);
            return -1;
        }
        if (dc_now_ms() >= deadline) {
            snprintf(detail, detlen, "%s is still %s after %ld s", unit, u->active,
                     timeout_ms / 1000);
            return -1;
        }
        usleep((useconds_t)step * 1000);
        step = step < 250 ? step * 2 : 250;
    }
}

static void reset_failed(const char *unit)
{
    static const char *const args[] = {"reset-failed", "--", NULL};
    struct dc_spawn_result res;
    char ignore[64];

    systemctl(args, unit, &res, ignore, sizeof(ignore));
}

static int systemd_status(const struct dc_run_ctx *ctx, struct dc_svc_status *st)
{
    struct unit_state u;
    char unit[128];

    memset(st, 0, sizeof(*st));
    unit_name(ctx, unit, sizeof(unit));
    if (unit_state(unit, &u, st->detail, sizeof(st->detail)) < 0)
        return -1;
    st->pid = u.main_pid;
    if (strcmp(u.active, "active") == 0)
        st->state = DC_SVC_RUNNING;
    else if (strcmp(u.active, "activating") == 0 || (u.has_job && !strcmp(u.active, "inactive")))
        st->state = DC_SVC_STARTING;
    else if (strcmp(u.active, "deactivating") == 0)
        st->state = DC_SVC_STOPPING;
    else
        st->state = DC_SVC_STOPPED;
    dc_svc_detail(st, "%s %s", unit, u.active);
    return 0;
}

static int systemd_stop(const struct dc_run_ctx *ctx, struct dc_svc_status *st)
{
    static const char *const stop[] = {"stop", "--no-block", "--", NULL};
    struct dc_spawn_result res;
    struct unit_state u;
    char unit[128];
    int rc;

    memset(st, 0, sizeof(*st));
    unit_name(ctx, unit, sizeof(unit));
    if (unit_state(unit, &u, st->detail, sizeof(st->detail)) < 0)
        return -1;
    if (is_down(&u)) {
        if (strcmp(u.active, "failed") == 0)
            reset_failed(unit);
        st->state = DC_SVC_STOPPED;
        dc_svc_detail(st, "was not running");
        return 0;
    }
    st->pid = u.main_pid;
    if (systemctl(stop, unit, &res, st->detail, sizeof(st->detail)) != 0) {
        st->state = DC_SVC_RUNNING;
        return -1;
    }
    /* The unit's TimeoutStopSec ends in SIGKILL; a little longer here lets systemd finish. */
    rc = wait_unit(unit, 0, ctx->sys->stop_timeout * 1000L + 5000, &u, st->detail,
                   sizeof(st->detail));
    if (rc != 1) {
        st->state = DC_SVC_STOPPING;
        return -1;
    }
    st->state = DC_SVC_STOPPED;
    if (strcmp(u.active, "failed") == 0) {
        dc_svc_detail(st, "stopped; %s ended with result %s", unit, u.result);
        reset_failed(unit);
    } else {
        dc_svc_detail(st, "stopped %s", unit);
    }
    return 0;
}

static int systemd_start(const struct dc_run_ctx *ctx, struct dc_svc_status *st)
{
    static const char *const start[] = {"start", "--no-block", "--", NULL};
    struct dc_spawn_result res;
    struct unit_state u;
    char unit[128];
    int rc;

    memset(st, 0, sizeof(*st));
    unit_name(ctx, unit, sizeof(unit));
    if (unit_state(unit, &u, st->detail, sizeof(st->detail)) < 0)
        return -1;
    if (strcmp(u.load, "not-found") == 0) {
        dc_svc_detail(st, "datacrumbs@.service is not installed on this node");
        return -1;
    }
    if (strcmp(u.active, "active") == 0) {
        st->state = DC_SVC_RUNNING;
        st->pid = u.main_pid;
        dc_svc_detail(st, "already running (%s, pid %ld)", unit, u.main_pid);
        return 0;
    }
    if (systemctl(start, unit, &res, st->detail, sizeof(st->detail)) != 0)
        return -1;
    rc = wait_unit(unit, 1, ctx->sys->ready_timeout * 1000L, &u, st->detail, sizeof(st->detail));
    if (rc == 1) {
        st->state = DC_SVC_RUNNING;
        st->pid = u.main_pid;
        dc_svc_detail(st, "started %s (pid %ld)", unit, u.main_pid);
        return 0;
    }
    if (rc == 0) {
        dc_svc_detail(st, "%s failed to start (result %s; see journalctl -u %s)", unit,
                      u.result[0] ? u.result : "unknown", unit);
        reset_failed(unit);
    } else {
        struct dc_svc_status ignore;
        char why[sizeof(st->detail)];

        snprintf(why, sizeof(why), "%s", st->detail);
        systemd_stop(ctx, &ignore);
        dc_svc_detail(st, "not ready within ready_timeout (%ld s), stopped again: %s",
                      ctx->sys->ready_timeout, why);
    }
    st->state = DC_SVC_STOPPED;
    return -1;
}

bool dc_systemd_unit_known(const char *units_dir, const char *unit)
{
    char path[PATH_MAX];
    struct stat st;
    int n = snprintf(path, sizeof(path), "%s/invocation:%s", units_dir, unit);

    if (n < 0 || (size_t)n >= sizeof(path))
        return true;
    return lstat(path, &st) == 0 || errno != ENOENT;
}

static bool systemd_may_run(const struct dc_run_ctx *ctx)
{
    char unit[128];

    unit_name(ctx, unit, sizeof(unit));
    return dc_systemd_unit_known(SYSTEMD_UNITS_DIR, unit);
}

const struct dc_service_manager dc_svc_systemd = {
    .name = "systemd",
    .start = systemd_start,
    .stop = systemd_stop,
    .status = systemd_status,
    .may_run = systemd_may_run,
};
