/* SPDX-License-Identifier: BSD-3-Clause */
/* nodectl.c - start, stop, check and status of one run on this node (see nodectl.h). */
#include "nodectl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "envfile.h"
#include "clock.h"
#include "log.h"
#include "preempt.h"
#include "probefile.h"
#include "proc.h"
#include "runfiles.h"
#include "runid.h"
#include "readas.h"
#include "snapshot.h"
#include "runhelper.h"

/* One run being worked on: its files, its lock, the target user. */
struct job {
    struct dc_nodectl *n;
    const struct dc_request *req;
    struct dc_reply *rep;
    struct dc_runfiles files;
    struct dc_run_ctx ctx;
    int lock_fd;
    uid_t uid;
    gid_t gid;
};

static void reply(struct dc_reply *rep, enum dc_result r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void reply(struct dc_reply *rep, enum dc_result r, const char *fmt, ...)
{
    va_list ap;

    rep->result = r;
    va_start(ap, fmt);
    vsnprintf(rep->detail, sizeof(rep->detail), fmt, ap);
    va_end(ap);
}

int dc_nodectl_exit_code(enum dc_result r)
{
    switch (r) {
    case DC_RESULT_OK: return 0;
    case DC_RESULT_INVALID: return 2;
    case DC_RESULT_DENIED: return 3;
    default: return 1;
    }
}

int dc_nodectl_init(struct dc_nodectl *n, const char *config_path, const struct dc_caller *caller,
                    char *err, size_t errlen)
{
    memset(n, 0, sizeof(*n));
    if (dc_sysconf_load(&n->sys, config_path, err, errlen) < 0)
        return -1;
    /* The runtime starts in "/": a relative --config would name another file there. */
    if (config_path) {
        if (!realpath(config_path, n->config_buf)) {
            snprintf(err, errlen, "%s: %s", config_path, strerror(errno));
            return -1;
        }
        n->config_path = n->config_buf;
    }
    n->caller = *caller;
    n->sm = dc_service_manager_find(n->sys.service_manager);
    if (!n->sm) {
        snprintf(err, errlen, "unknown service_manager %s", n->sys.service_manager);
        return -1;
    }
    return 0;
}

/* This node's secret fingerprint into rep; -1 (rep filled) when the secret is unusable. */
static int fingerprint(struct dc_nodectl *n, struct dc_reply *rep)
{
    unsigned char key[DC_PF_HEX_LEN];
    char why[512];
    int rc = 0;

    if (dc_pf_secret_load(n->sys.secret_file, key, why, sizeof(why)) != DC_PF_OK) {
        reply(rep, DC_RESULT_FAILED, "secret: %s", why);
        return -1;
    }
    if (dc_pf_secret_fingerprint(key, sizeof(key), rep->fingerprint) < 0) {
        reply(rep, DC_RESULT_FAILED, "secret: cannot compute its fingerprint");
        rc = -1;
    }
    explicit_bzero(key, sizeof(key));
    return rc;
}

/* What a service manager needs to act on run id of this node. */
static struct dc_run_ctx run_ctx(const struct dc_nodectl *n, const char *id, const char *user,
                                 const struct dc_runfiles *files)
{
    return (struct dc_run_ctx){
        .sys = &n->sys, .config_path = n->config_path, .run_id = id, .user = user, .files = files};
}

/* What a waiter knows of a holder it may pre-empt (preempt.h). */
struct preempt {
    struct dc_lock_record me;
    const char *run_id;
    long holder;    /* pid told to give way, 0 if none */
    int pidfd;      /* of that pid, or -1 */
    long killed_at; /* when it was sent SIGTERM (dc_now_ms) */
    bool killed;    /* and SIGKILL after the grace */
};

/* The record of the lock file at fd: 0, or -1 when it holds none (yet). */
static int read_record(int fd, struct dc_lock_record *r)
{
    char buf[DC_LOCK_RECORD_MAX];
    ssize_t n = pread(fd, buf, sizeof(buf), 0);

    return n > 0 ? dc_lock_record_parse(buf, (size_t)n, r) : -1;
}

/*
 * The lock is held: tell its holder to give way when the rule allows, SIGTERM first and
 * SIGKILL after DC_PREEMPT_GRACE_MS. The pid is the lock's holder only as long as the record
 * names it and the lock is still held: both are looked at again once the pidfd pins the pid.
 */
static void preempt_busy(int fd, void *arg)
{
    struct preempt *p = arg;
    struct dc_lock_record h, again;

    if (read_record(fd, &h) < 0 || !dc_preempt_allowed(&p->me, &h))
        return;
    if (p->holder != h.pid) {
        if (p->pidfd >= 0)
            close(p->pidfd);
        p->holder = h.pid;
        p->killed = false;
        p->pidfd = dc_pidfd_open((pid_t)h.pid);
        if (p->pidfd < 0 || read_record(fd, &again) < 0 || again.pid != h.pid ||
            flock(fd, LOCK_SH | LOCK_NB) == 0) {
            /* Gone meanwhile (or no pidfd on this kernel): try again on the next round. */
            if (p->pidfd >= 0)
                close(p->pidfd);
            p->pidfd = -1;
            p->holder = 0;
            flock(fd, LOCK_UN);
            return;
        }
        dc_warn("run %s: %s for %s%s takes over from the %s of uid %u%s%s (pid %ld)", p->run_id,
                dc_verb_name(p->me.verb), p->me.user[0] ? "user " : "root", p->me.user,
                dc_verb_name(h.verb), (unsigned)h.caller, h.user[0] ? " for " : "", h.user, h.pid);
        dc_proc_signal((pid_t)h.pid, p->pidfd, SIGTERM);
        p->killed_at = dc_now_ms();
        return;
    }
    if (!p->killed && dc_now_ms() - p->killed_at >= DC_PREEMPT_GRACE_MS) {
        dc_warn("run %s: pid %ld did not give way within %d ms; killed", p->run_id, h.pid,
                DC_PREEMPT_GRACE_MS);
        dc_proc_signal((pid_t)h.pid, p->pidfd, SIGKILL);
        p->killed = true;
    }
}

/* Take the run's lock (pre-empting where allowed) and say who holds it. -1: err filled. */
static int take_lock(struct job *j, char *err, size_t errlen)
{
    struct preempt p = {.run_id = j->req->run_id, .pidfd = -1};
    char rec[DC_LOCK_RECORD_MAX];
    int n;

    p.me.pid = (long)getpid();
    p.me.caller = j->n->caller.uid;
    p.me.verb = j->req->verb;
    snprintf(p.me.user, sizeof(p.me.user), "%s", j->req->user);
    j->lock_fd = dc_run_lock(j->files.lock, j->n->sys.ready_timeout + j->n->sys.stop_timeout,
                             preempt_busy, &p, err, errlen);
    if (p.pidfd >= 0)
        close(p.pidfd);
    if (j->lock_fd < 0)
        return -1;
    n = dc_lock_record_format(&p.me, rec, sizeof(rec));
    if (n < 0 || dc_run_lock_note(j->lock_fd, rec, (size_t)n) < 0) {
        snprintf(err, errlen, "cannot write %.300s: %s", j->files.lock, strerror(errno));
        dc_run_unlock(j->lock_fd, j->files.lock, 0);
        j->lock_fd = -1;
        return -1;
    }
    return 0;
}

/*
 * Files and directories of the run; with lock (start and stop, which change them), its lock.
 * check and status only read what a start or stop leaves, so that no request that merely
 * looks holds a run id another request (a job's prolog) needs. -1 with rep filled on failure.
 */
static int job_open(struct job *j, struct dc_nodectl *n, const struct dc_request *req,
                    struct dc_reply *rep, bool lock)
{
    char err[512];

    memset(j, 0, sizeof(*j));
    j->n = n;
    j->req = req;
    j->rep = rep;
    j->lock_fd = -1;
    if (dc_runfiles_init(&j->files, &n->sys, req->run_id) < 0) {
        reply(rep, DC_RESULT_FAILED, "run_dir or log_dir is too long");
        return -1;
    }
    if (dc_rundir_prepare(n->sys.run_dir, "run_dir", err, sizeof(err)) < 0 ||
        dc_rundir_prepare(n->sys.log_dir, "log_dir", err, sizeof(err)) < 0) {
        reply(rep, DC_RESULT_FAILED, "%s", err);
        return -1;
    }
    if (lock && take_lock(j, err, sizeof(err)) < 0) {
        reply(rep, DC_RESULT_FAILED, "%s", err);
        return -1;
    }
    j->ctx = run_ctx(n, req->run_id, req->user, &j->files);
    return 0;
}

/* Release the lock; its file goes too when the run has left nothing behind. */
static void job_close(struct job *j)
{
    int idle = access(j->files.env, F_OK) < 0 && access(j->files.pid, F_OK) < 0;

    if (j->lock_fd < 0)
        return;
    dc_run_unlock(j->lock_fd, j->files.lock, idle);
    j->lock_fd = -1;
}

/* The user must exist on this node. -1: rep filled. */
static int authorize_user(struct job *j)
{
    struct passwd *pw;

    pw = getpwnam(j->req->user);
    if (!pw) {
        reply(j->rep, DC_RESULT_INVALID, "no user %s on this node", j->req->user);
        return -1;
    }
    j->uid = pw->pw_uid;
    j->gid = pw->pw_gid;
    return 0;
}

/*
 * Is the run id in use? 0: free; 1: running for this user (rep says so); -1: in use by
 * someone else or unknown (rep filled).
 */
static int in_use(struct job *j)
{
    struct dc_svc_status st;
    struct dc_envfile env;
    char err[256];
    int have_env;

    if (j->n->sm->status(&j->ctx, &st) < 0) {
        reply(j->rep, DC_RESULT_FAILED, "cannot tell whether run %s is running: %s", j->req->run_id,
              st.detail);
        return -1;
    }
    if (st.state == DC_SVC_STOPPED)
        return 0;
    have_env = dc_envfile_read(j->files.env, &env, err, sizeof(err));
    if (have_env == 0 && strcmp(env.user, j->req->user) == 0) {
        j->rep->pid = st.pid;
        snprintf(j->rep->state, sizeof(j->rep->state), "%s", dc_svc_state_name(st.state));
        reply(j->rep, DC_RESULT_OK, "already running for %s (pid %ld)", env.user, st.pid);
        return 1;
    }
    reply(j->rep, DC_RESULT_FAILED, "run id %s is already in use %s", j->req->run_id,
          have_env == 0 ? "by another user" : "(no env file says by whom)");
    return -1;
}

/* Read the user's file as the user and store it root-owned at dest. -1: rep filled. */
static int take_snapshot(struct job *j, const char *dest)
{
    char err[PATH_MAX + 256];
    char *buf;
    size_t len;
    int rc;

    if (dc_read_as_user(j->req->probe_file, j->req->user, j->uid, j->gid, DC_SNAPSHOT_MAX,
                        DC_SNAPSHOT_READ_MS, &buf, &len, err, sizeof(err)) < 0) {
        /* The user's path, read as the user: the request's problem, not the node's. */
        reply(j->rep, DC_RESULT_INVALID, "probe file %s", err);
        return -1;
    }
    rc = dc_snapshot_store(dest, buf, len, j->uid, j->gid, err, sizeof(err));
    free(buf);
    if (rc < 0)
        reply(j->rep, DC_RESULT_FAILED, "%s", err);
    return rc;
}

/* "<runtime_daemon> [--config F] --check SNAPSHOT RUN_ID USER" as root. -1: rep filled. */
static int runtime_check(struct job *j, const char *snapshot)
{
    struct dc_spawn_result res;
    char exe[PATH_MAX], err[512], how[64], last[256];
    const char *argv[9];
    int i = 0, timeout = (int)(j->n->sys.ready_timeout * 1000L);

    if (dc_runtime_resolve(&j->n->sys, exe, err, sizeof(err)) < 0) {
        reply(j->rep, DC_RESULT_FAILED, "%s", err);
        return -1;
    }
    argv[i++] = exe;
    if (j->n->config_path) {
        argv[i++] = "--config";
        argv[i++] = j->n->config_path;
    }
    argv[i++] = "--check";
    argv[i++] = snapshot;
    argv[i++] = j->req->run_id;
    argv[i++] = j->req->user;
    argv[i] = NULL;
    if (dc_spawn_run(argv, dc_spawn_clean_env, timeout, DC_SPAWN_CANCELLABLE, &res) == 0)
        return 0;
    dc_spawn_describe(&res, timeout, how, sizeof(how));
    dc_spawn_last_line(&res, last, sizeof(last));
    /* Exit status 4 is the runtime's verdict on the file (forged, expired, another user's:
     * datacrumbs(8)), a user's mistake; anything else is the node's failure. */
    reply(j->rep,
          !res.failed && !res.timed_out && !res.cancelled && WIFEXITED(res.status) &&
                  WEXITSTATUS(res.status) == 4
              ? DC_RESULT_INVALID
              : DC_RESULT_FAILED,
          "the runtime refused the probe file (%s --check: %s%s%s)", exe, how, last[0] ? ": " : "",
          last);
    return -1;
}

/* A check holds no lock: its snapshot has a name of its own (this process's). */
static void do_check(struct job *j)
{
    char snap[PATH_MAX];
    int rc;

    if (fingerprint(j->n, j->rep) < 0)
        return;
    if ((rc = in_use(j)) < 0)
        return;
    if (snprintf(snap, sizeof(snap), "%s.%ld", j->files.check_probes, (long)getpid()) >=
        (int)sizeof(snap)) {
        reply(j->rep, DC_RESULT_FAILED, "run_dir is too long");
        return;
    }
    if (take_snapshot(j, snap) < 0)
        return;
    if (runtime_check(j, snap) == 0)
        reply(j->rep, DC_RESULT_OK, "%s",
              rc == 1 ? "probe file accepted; already running" : "probe file accepted");
    dc_unlink_quiet(snap);
}

/* A cancelled request (preempt.h) ends here, once what it did is undone. */
static bool cancelled(struct job *j)
{
    if (!dc_cancelled())
        return false;
    reply(j->rep, DC_RESULT_FAILED,
          "cancelled: the caller gave up, or another request (a job's prolog, root) took run id %s "
          "over",
          j->req->run_id);
    return true;
}

/* Undo a start that failed before or while the runtime came up. */
static int run_ids(const char *dir, char ids[][DC_RUNID_MAX + 1], int max);

/*
 * Whether run id (not the caller's own) still counts: its runtime is up (or cannot be told),
 * or another node control holds its lock (a start on its way). A run that died and left its
 * env file behind does not.
 */
static int run_counts(struct job *j, const char *id, const struct dc_runfiles *f, const char *user)
{
    struct dc_run_ctx ctx = run_ctx(j->n, id, user, f);
    struct dc_svc_status st;
    int fd, held = 0;

    if (strcmp(id, j->req->run_id) == 0)
        return 1;
    if (j->n->sm->status(&ctx, &st) < 0 || st.state != DC_SVC_STOPPED)
        return 1;
    fd = open(f->lock, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
        close(fd);
    }
    return held;
}

/*
 * max_runs and max_runs_per_user: each run is a root daemon with its probes in every process
 * of the node. Counted after this run's env file is written, so that two starts racing each
 * other both see both (and may both be refused) rather than both pass. -1: rep filled.
 */
static int within_limits(struct job *j)
{
    static char ids[1024][DC_RUNID_MAX + 1];
    const struct dc_sysconf *sys = &j->n->sys;
    int n = run_ids(sys->run_dir, ids, 1024);
    long all = 0, mine = 0;

    for (int i = 0; i < n; i++) {
        struct dc_runfiles f;
        struct dc_envfile env;
        char err[256];

        if (dc_runfiles_init(&f, sys, ids[i]) < 0 ||
            dc_envfile_read(f.env, &env, err, sizeof(err)) || !run_counts(j, ids[i], &f, env.user))
            continue;
        all++;
        mine += strcmp(env.user, j->req->user) == 0;
    }
    if (sys->max_runs > 0 && all > sys->max_runs) {
        reply(j->rep, DC_RESULT_DENIED, "this node already has %ld runs (max_runs = %ld)", all - 1,
              sys->max_runs);
        return -1;
    }
    if (sys->max_runs_per_user > 0 && mine > sys->max_runs_per_user) {
        reply(j->rep, DC_RESULT_DENIED,
              "%s already has %ld runs on this node (max_runs_per_user = %ld); stop one first",
              j->req->user, mine - 1, sys->max_runs_per_user);
        return -1;
    }
    return 0;
}

static void start_cleanup(struct job *j)
{
    dc_unlink_quiet(j->files.env);
    dc_unlink_quiet(j->files.probes);
}

static void do_start(struct job *j)
{
    struct dc_svc_status st;
    struct dc_envfile env;
    char err[512];
    int rc;

    fingerprint(j->n, j->rep); /* shown when it works; the runtime's check decides */
    j->rep->result = DC_RESULT_OK;
    j->rep->detail[0] = '\0';
    if (in_use(j) != 0)
        return;
    if (take_snapshot(j, j->files.probes) < 0)
        return;
    rc = runtime_check(j, j->files.probes);
    if (cancelled(j) || rc < 0) {
        start_cleanup(j);
        return;
    }
    memset(&env, 0, sizeof(env));
    snprintf(env.probe_file, sizeof(env.probe_file), "%s", j->files.probes);
    snprintf(env.user, sizeof(env.user), "%s", j->req->user);
    snprintf(env.run_id, sizeof(env.run_id), "%s", j->req->run_id);
    snprintf(env.log_dir, sizeof(env.log_dir), "%s", j->n->sys.log_dir);
    if (dc_envfile_write(j->files.env, &env, err, sizeof(err)) < 0) {
        reply(j->rep, DC_RESULT_FAILED, "%s", err);
        start_cleanup(j);
        return;
    }
    if (within_limits(j) < 0 || cancelled(j)) {
        start_cleanup(j);
        return;
    }
    if (j->n->sm->start(&j->ctx, &st) < 0) {
        if (!cancelled(j))
            reply(j->rep, DC_RESULT_FAILED, "%s", st.detail);
        start_cleanup(j);
        return;
    }
    j->rep->pid = st.pid;
    snprintf(j->rep->state, sizeof(j->rep->state), "%s", dc_svc_state_name(st.state));
    reply(j->rep, DC_RESULT_OK, "%s", st.detail);
}

static void do_stop(struct job *j)
{
    struct dc_svc_status st;
    struct dc_envfile env;
    char err[512];
    int have_env, known, rc;

    have_env = dc_envfile_read(j->files.env, &env, err, sizeof(err));
    known = j->n->sm->status(&j->ctx, &st) == 0;
    if (known && st.state == DC_SVC_STOPPED && have_env == 1) {
        /* Nothing runs and nobody's env file: tidy what a dead run may have left (a stale
         * pid or ready file; the manager never signals a pid that is not its runtime). */
        j->n->sm->stop(&j->ctx, &st);
        dc_unlink_quiet(j->files.probes);
        dc_unlink_quiet(j->files.ready);
        snprintf(j->rep->state, sizeof(j->rep->state), "stopped");
        reply(j->rep, DC_RESULT_OK, "not running");
        return;
    }
    if (dc_caller_may_stop(&j->n->caller, j->req->run_id, have_env == 0 ? env.user : NULL, err,
                           sizeof(err)) < 0) {
        reply(j->rep, DC_RESULT_DENIED, "%s", err);
        return;
    }
    /* The service manager needs the user: it is part of the runtime's command line. */
    if (have_env == 0)
        j->ctx.user = env.user;
    rc = j->n->sm->stop(&j->ctx, &st);
    snprintf(j->rep->state, sizeof(j->rep->state), "%s", dc_svc_state_name(st.state));
    j->rep->pid = st.pid;
    if (st.state == DC_SVC_STOPPED) {
        /* Only once nothing runs: the env file is how the next stop finds the run. A ready
         * file left by a runtime that was killed would pass for the next one's readiness. */
        dc_unlink_quiet(j->files.env);
        dc_unlink_quiet(j->files.probes);
        dc_unlink_quiet(j->files.ready);
        /* Every traced job leaves a summary: a stop is where old ones go. */
        dc_summaries_prune(j->n->sys.run_dir, time(NULL), DC_SUMMARY_MAX_AGE);
    }
    reply(j->rep, rc == 0 ? DC_RESULT_OK : DC_RESULT_FAILED, "%s", st.detail);
}

/*
 * Whether the caller may see run id's state: root sees every run, a user (through sudo) only
 * runs whose env file names it. A run without an env file has nothing to show but "stopped".
 */
static bool may_see(const struct dc_nodectl *n, const struct dc_envfile *env, int have_env)
{
    return dc_caller_is_root(&n->caller) || have_env != 0 ||
           (n->caller.name[0] && strcmp(env->user, n->caller.name) == 0);
}

static void do_status(struct job *j)
{
    struct dc_svc_status st;
    struct dc_envfile env;
    char err[256];
    int have_env = dc_envfile_read(j->files.env, &env, err, sizeof(err));

    if (!may_see(j->n, &env, have_env)) {
        reply(j->rep, DC_RESULT_DENIED, "run %s belongs to another user", j->req->run_id);
        return;
    }
    if (j->n->sm->status(&j->ctx, &st) < 0) {
        reply(j->rep, DC_RESULT_FAILED, "%s", st.detail);
        return;
    }
    j->rep->pid = st.pid;
    snprintf(j->rep->state, sizeof(j->rep->state), "%s", dc_svc_state_name(st.state));
    if (have_env == 0)
        reply(j->rep, DC_RESULT_OK, "%s for %s%s%s", dc_svc_state_name(st.state), env.user,
              st.detail[0] ? ", " : "", st.detail);
    else
        reply(j->rep, DC_RESULT_OK, "%s", dc_svc_state_name(st.state));
}

void dc_nodectl_handle(struct dc_nodectl *n, const struct dc_request *req, struct dc_reply *rep)
{
    struct job j;
    char err[512];

    memset(rep, 0, sizeof(*rep));
    if (dc_request_validate(req, err, sizeof(err)) < 0) {
        reply(rep, DC_RESULT_INVALID, "%s", err);
        return;
    }
    if (req->verb == DC_VERB_STATUS && !req->run_id[0]) {
        int runs = dc_nodectl_list(n, NULL, 0);

        reply(rep, DC_RESULT_OK, "%d run%s", runs, runs == 1 ? "" : "s");
        return;
    }
    if (req->verb == DC_VERB_START || req->verb == DC_VERB_CHECK) {
        /* Before any file is touched: a caller acting for another user learns nothing. */
        struct dc_caller *c = &n->caller;

        if (dc_caller_may_act_for(c, req->user, err, sizeof(err)) < 0) {
            reply(rep, DC_RESULT_DENIED, "%s", err);
            return;
        }
    }
    if (job_open(&j, n, req, rep, req->verb == DC_VERB_START || req->verb == DC_VERB_STOP) < 0)
        return;
    switch (req->verb) {
    case DC_VERB_CHECK:
        if (authorize_user(&j) == 0)
            do_check(&j);
        break;
    case DC_VERB_START:
        if (authorize_user(&j) == 0)
            do_start(&j);
        break;
    case DC_VERB_STOP: do_stop(&j); break;
    default: do_status(&j); break;
    }
    job_close(&j);
    dc_info("%s run %s%s%s for uid %u: %s: %s", dc_verb_name(req->verb), req->run_id,
            req->user[0] ? " as " : "", req->user, (unsigned)n->caller.uid,
            dc_result_name(rep->result), rep->detail);
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Run ids with a file in run_dir ("datacrumbs-ID.env" or ".pid"), sorted, deduplicated. */
static int run_ids(const char *dir, char ids[][DC_RUNID_MAX + 1], int max)
{
    struct dirent *de;
    DIR *d = opendir(dir);
    int n = 0;

    if (!d)
        return 0;
    while ((de = readdir(d)) && n < max) {
        const char *name = de->d_name, *dot;
        char id[DC_RUNID_MAX + 1];
        size_t len;
        int dup = 0;

        if (strncmp(name, "datacrumbs-", 11) != 0)
            continue;
        dot = strrchr(name, '.');
        if (!dot || (strcmp(dot, ".env") != 0 && strcmp(dot, ".pid") != 0))
            continue;
        len = (size_t)(dot - name - 11);
        if (len == 0 || len > DC_RUNID_MAX)
            continue;
        memcpy(id, name + 11, len);
        id[len] = '\0';
        if (!dc_runid_valid(id))
            continue;
        for (int i = 0; i < n; i++)
            dup |= strcmp(ids[i], id) == 0;
        if (!dup)
            snprintf(ids[n++], DC_RUNID_MAX + 1, "%s", id);
    }
    closedir(d);
    qsort(ids, (size_t)n, DC_RUNID_MAX + 1, cmp_id);
    return n;
}

bool dc_nodectl_may_run(const struct dc_nodectl *n, const char *run_id)
{
    struct dc_runfiles f;
    struct dc_run_ctx ctx;
    struct stat st;

    if (!dc_runid_valid(run_id) || dc_runfiles_init(&f, &n->sys, run_id) < 0)
        return true; /* cannot tell: let node control decide */
    if (lstat(f.env, &st) == 0 || errno != ENOENT)
        return true;
    ctx = run_ctx(n, run_id, NULL, &f);
    return n->sm->may_run(&ctx);
}

int dc_nodectl_list(struct dc_nodectl *n, FILE *out, int protocol_lines)
{
    static char ids[1024][DC_RUNID_MAX + 1];
    int count = run_ids(n->sys.run_dir, ids, 1024), shown = 0;
    bool root = dc_caller_is_root(&n->caller);

    if (out && !protocol_lines)
        fprintf(out, "%-24s %-9s %-16s %s\n", "RUN", "STATE", "USER", "PID");
    for (int i = 0; i < count; i++) {
        struct dc_runfiles files;
        struct dc_run_ctx ctx;
        struct dc_svc_status st;
        struct dc_envfile env;
        char err[256];
        int have_env;

        if (!root && !n->caller.name[0])
            break;
        if (dc_runfiles_init(&files, &n->sys, ids[i]) < 0)
            continue;
        have_env = dc_envfile_read(files.env, &env, err, sizeof(err));
        /* A user sees its own runs only: one with no env file names nobody. */
        if (!root && (have_env != 0 || strcmp(env.user, n->caller.name) != 0))
            continue;
        shown++;
        if (!out)
            continue;
        if (have_env != 0)
            snprintf(env.user, sizeof(env.user), "?");
        ctx = run_ctx(n, ids[i], env.user, &files);
        if (n->sm->status(&ctx, &st) < 0)
            snprintf(st.detail, sizeof(st.detail), "unknown");
        if (protocol_lines)
            fprintf(out, "run=%s %s %s %ld\n", ids[i], dc_svc_state_name(st.state), env.user,
                    st.pid);
        else
            fprintf(out, "%-24s %-9s %-16s %ld\n", ids[i], dc_svc_state_name(st.state), env.user,
                    st.pid);
    }
    return shown;
}
