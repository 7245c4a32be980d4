/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svc_direct.c - the "direct" service manager: node control supervises the runtime itself.
 *
 * start: double fork and setsid (the runtime outlives node control and the ssh session and has
 * no terminal), stdin /dev/null, stdout and stderr appended to <log_dir>/datacrumbs-ID.log,
 * a clean environment, then the pid file, then wait for the ready file the runtime writes.
 * The runtime leads a process group of its own, so that a runtime_daemon that is a script or
 * starts helpers is stopped whole, as systemd stops the unit's cgroup.
 * stop: the pid must still be our runtime (command line and executable, or the leader of its
 * group started before the pid file was written), then SIGTERM to its group, wait up to
 * stop_timeout, SIGKILL as a last resort (like systemd's TimeoutStopSec).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "clock.h"
#include "preempt.h"
#include "proc.h"
#include "runhelper.h"
#include "service.h"

#define KILL_GRACE_MS 5000 /* after SIGKILL */

/* What the two forked children tell the parent through the status pipe. */
struct launch_msg {
    int kind; /* 1: the runtime's pid, 2: exec failed */
    int value;
};

/* The runtime's argv: daemon [--config F] SNAPSHOT RUN_ID USER. The last three identify it. */
static void build_argv(const struct dc_run_ctx *ctx, const char *argv[7])
{
    int i = 0;

    argv[i++] = ctx->sys->runtime_daemon;
    if (ctx->config_path) {
        argv[i++] = "--config";
        argv[i++] = ctx->config_path;
    }
    argv[i++] = ctx->files->probes;
    argv[i++] = ctx->run_id;
    argv[i++] = ctx->user;
    argv[i] = NULL;
}

/* The snapshot path and the run id identify the runtime; the user need not be known (a stop
 * without an env file, the status list). */
static void tail_args(const struct dc_run_ctx *ctx, const char *args[3])
{
    args[0] = ctx->files->probes;
    args[1] = ctx->run_id;
    args[2] = NULL;
}

/* The last line of the run's log, for error messages. */
static void log_tail(const char *path, char *out, size_t outlen)
{
    struct dc_spawn_result r;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    off_t size;
    ssize_t n;

    out[0] = '\0';
    if (fd < 0)
        return;
    memset(&r, 0, sizeof(r));
    size = lseek(fd, 0, SEEK_END);
    if (size > 0) {
        off_t from = size > 2048 ? size - 2048 : 0;

        n = pread(fd, r.output, 2048, from);
        r.len = n > 0 ? (size_t)n : 0;
        r.output[r.len] = '\0';
        dc_spawn_last_line(&r, out, outlen);
    }
    close(fd);
}

/* Append to the log, never through a symlink, never into someone else's file or a FIFO. */
static int open_log(const char *path, struct dc_svc_status *st)
{
    struct stat s;
    int fd = open(
        path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600);

    if (fd < 0) {
        dc_svc_detail(st, "cannot open the log %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &s) < 0 || !S_ISREG(s.st_mode) || s.st_uid != geteuid() || s.st_nlink != 1) {
        close(fd);
        dc_svc_detail(st, "the log %s is not a regular file of ours with one link", path);
        return -1;
    }
    fcntl(fd, F_SETFL, O_WRONLY | O_APPEND);
    return fd;
}

/* In the grandchild: become the runtime. Never returns. */
static void exec_runtime(const char *exe, const char *const argv[], int logfd, int status_fd)
{
    struct launch_msg m = {.kind = 2};
    int devnull = open("/dev/null", O_RDONLY);
    sigset_t none;

    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0 ||
        dup2(status_fd, 3) < 0 || fcntl(3, F_SETFD, FD_CLOEXEC) < 0)
        goto fail;
    /* Nothing of node control's (locks, the ssh session's pipes) may leak into the runtime. */
    close_range(4, ~0U, 0);
    for (int s = 1; s < NSIG; s++)
        signal(s, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    umask(022);
    if (chdir("/") < 0 || setpgid(0, 0) < 0)
        goto fail;
    execve(exe, (char *const *)argv, (char *const *)dc_spawn_clean_env);
fail:
    m.value = errno;
    if (write(3, &m, sizeof(m)) < 0)
        _exit(127);
    _exit(127);
}

/* Double fork; returns the runtime's pid, or -1 with st->detail set. */
static pid_t launch(const char *exe, const char *const argv[], int logfd, struct dc_svc_status *st)
{
    struct launch_msg m;
    pid_t child = -1, runtime = -1;
    int p[2], status, exec_errno = 0;
    ssize_t n;

    if (pipe2(p, O_CLOEXEC) < 0) {
        dc_svc_detail(st, "pipe: %s", strerror(errno));
        return -1;
    }
    child = fork();
    if (child < 0) {
        dc_svc_detail(st, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (child == 0) {
        pid_t gc;

        close(p[0]);
        if (setsid() < 0)
            _exit(1);
        gc = fork();
        if (gc < 0)
            _exit(1);
        if (gc == 0)
            exec_runtime(exe, argv, logfd, p[1]);
        m.kind = 1;
        m.value = (int)gc;
        _exit(write(p[1], &m, sizeof(m)) == sizeof(m) ? 0 : 1);
    }
    close(p[1]);
    /* End of file comes when the runtime has exec'ed (close-on-exec) or died, and the
     * intermediate child has exited. */
    while ((n = read(p[0], &m, sizeof(m))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n != (ssize_t)sizeof(m))
            break;
        if (m.kind == 1)
            runtime = (pid_t)m.value;
        else if (m.kind == 2)
            exec_errno = m.value;
    }
    close(p[0]);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (exec_errno) {
        dc_svc_detail(st, "cannot run %s: %s", exe, strerror(exec_errno));
        return -1;
    }
    if (runtime <= 1) {
        dc_svc_detail(st, "could not start the runtime");
        return -1;
    }
    return runtime;
}

static int write_pidfile(const char *path, pid_t pid)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);

    return dc_atomic_write_file(path, buf, (size_t)n, 0644);
}

/* Until no process of group pgid runs, or timeout_ms. 0: gone, -1: not. */
static int wait_group_gone(pid_t pgid, long timeout_ms)
{
    long deadline = dc_now_ms() + timeout_ms;

    while (dc_proc_group_alive(pgid)) {
        if (dc_now_ms() >= deadline)
            return -1;
        usleep(20000);
    }
    return 0;
}

/* SIGTERM, wait up to stop_ms, then SIGKILL: to the runtime's process group when it leads one
 * (what it started goes with it), else (a run started by an older version) to the runtime.
 * 0: gone in time; 1: gone after SIGKILL; -1: not. */
static int terminate(pid_t pid, int pidfd, long stop_ms)
{
    long deadline = dc_now_ms() + stop_ms;

    if (dc_proc_pgrp(pid) != pid) {
        if (dc_proc_signal(pid, pidfd, SIGTERM) < 0 && errno == ESRCH)
            return 0;
        if (dc_proc_wait_gone(pid, pidfd, stop_ms) == 0)
            return 0;
        dc_proc_signal(pid, pidfd, SIGKILL);
        return dc_proc_wait_gone(pid, pidfd, KILL_GRACE_MS) == 0 ? 1 : -1;
    }
    if (dc_proc_signal_group(pid, SIGTERM) < 0 && errno == ESRCH)
        return 0;
    if (dc_proc_wait_gone(pid, pidfd, stop_ms) == 0 &&
        wait_group_gone(pid, deadline - dc_now_ms()) == 0)
        return 0;
    dc_proc_signal_group(pid, SIGKILL);
    return wait_group_gone(pid, KILL_GRACE_MS) == 0 ? 1 : -1;
}

/* Is the run's runtime alive? Sets *pid and *pidfd (-1 if none) when it is ours. */
static enum dc_proc_match find_runtime(const struct dc_run_ctx *ctx, pid_t *pid, int *pidfd,
                                       struct dc_svc_status *st)
{
    char exe[PATH_MAX];
    const char *args[3];
    enum dc_proc_match m;
    struct timespec written;

    *pidfd = -1;
    *pid = dc_pidfile_read(ctx->files->pid, &written);
    if (*pid == 0)
        return DC_PROC_GONE;
    if (*pid < 0) {
        dc_svc_detail(st, "the pid file %s is malformed or not root's", ctx->files->pid);
        return DC_PROC_WRONG_EXE;
    }
    /* The pidfd first: from here on the pid cannot be recycled under us. */
    *pidfd = dc_pidfd_open(*pid);
    if (!realpath(ctx->sys->runtime_daemon, exe))
        snprintf(exe, sizeof(exe), "%s", ctx->sys->runtime_daemon);
    tail_args(ctx, args);
    m = dc_proc_is(*pid, exe, args, 3, st->detail, sizeof(st->detail));
    if ((m == DC_PROC_OTHER || m == DC_PROC_WRONG_EXE) && dc_proc_leads_run(*pid, &written)) {
        st->detail[0] = '\0';
        m = DC_PROC_OURS; /* a script, or a runtime that exec'ed another program */
    }
    if (m != DC_PROC_OURS && *pidfd >= 0) {
        close(*pidfd);
        *pidfd = -1;
    }
    return m;
}

static int direct_status(const struct dc_run_ctx *ctx, struct dc_svc_status *st)
{
    enum dc_proc_match m;
    pid_t pid = -1;
    int pidfd = -1;

    memset(st, 0, sizeof(*st));
    m = find_runtime(ctx, &pid, &pidfd, st);
    if (pidfd >= 0)
        close(pidfd);
    switch (m) {
    case DC_PROC_OURS:
        st->pid = pid;
        st->state = access(ctx->files->ready, F_OK) == 0 ? DC_SVC_RUNNING : DC_SVC_STARTING;
        dc_svc_detail(st, "pid %d", (int)pid);
        return 0;
    case DC_PROC_WRONG_EXE: return -1;
    default:
        st->state = DC_SVC_STOPPED;
        st->detail[0] = '\0';
        return 0;
    }
}

static bool direct_may_run(const struct dc_run_ctx *ctx)
{
    struct stat st;

    return lstat(ctx->files->pid, &st) == 0 || errno != ENOENT;
}

static int direct_stop(const struct dc_run_ctx *ctx, struct dc_svc_status *st)
{
    enum dc_proc_match m;
    pid_t pid = -1;
    int pidfd = -1, rc;

    memset(st, 0, sizeof(*st));
    m = find_runtime(ctx, &pid, &pidfd, st);
    if (m == DC_PROC_WRONG_EXE) {
        st->state = DC_SVC_RUNNING;
        return -1; /* unsure what runs there: touch nothing, keep every file */
    }
    if (m != DC_PROC_OURS) {
        st->state = DC_SVC_STOPPED;
        dc_svc_detail(st, "was not running");
    } else {
        rc = terminate(pid, pidfd, ctx->sys->stop_timeout * 1000L);
        if (pidfd >= 0)
            close(pidfd);
        st->pid = pid;
        if (rc < 0) {
            st->state = DC_SVC_RUNNING;
            dc_svc_detail(st, "pid %d survived SIGTERM and SIGKILL", (int)pid);
            return -1;
        }
        st->state = DC_SVC_STOPPED;
        if (rc > 0) {
            dc_svc_detail(
                st,
                "pid %d did not stop within stop_timeout (%ld s) and was killed; its trace "
                "may be incomplete",
                (int)pid, ctx->sys->stop_timeout);
            dc_unlink_quiet(ctx->files->pid);
            dc_unlink_quiet(ctx->files->ready);
            return -1;
        }
        dc_svc_detail(st, "stopped (pid %d)", (int)pid);
    }
    dc_unlink_quiet(ctx->files->pid);
    dc_unlink_quiet(ctx->files->ready);
    return 0;
}

/* Wait for the ready file while the runtime lives. 0 ready, -1 died, -2 timed out (or the
 * request was cancelled: preempt.h). */
static int wait_ready(const struct dc_run_ctx *ctx, pid_t pid, int pidfd)
{
    long deadline = dc_now_ms() + ctx->sys->ready_timeout * 1000L;
    int step = 5;

    for (;;) {
        long left = deadline - dc_now_ms();

        if (access(ctx->files->ready, F_OK) == 0)
            return 0;
        if (!dc_proc_alive(pid))
            return access(ctx->files->ready, F_OK) == 0 ? 0 : -1;
        if (left <= 0 || dc_cancelled())
            return -2;
        if (pidfd >= 0) {
            struct pollfd p = {.fd = pidfd, .events = POLLIN};

            poll(&p, 1, step < left ? step : (int)left);
        } else {
            usleep((useconds_t)(step < left ? step : left) * 1000);
        }
        step = step < 100 ? step * 2 : 100;
    }
}

static int direct_start(const struct dc_run_ctx *ctx, struct dc_svc_status *st)
{
    char exe[PATH_MAX], last[256];
    const char *argv[7];
    enum dc_proc_match m;
    pid_t pid = -1;
    int pidfd = -1, logfd, rc;

    memset(st, 0, sizeof(*st));
    m = find_runtime(ctx, &pid, &pidfd, st);
    if (m == DC_PROC_WRONG_EXE)
        return -1;
    if (m == DC_PROC_OURS) {
        if (pidfd >= 0)
            close(pidfd);
        st->state = DC_SVC_RUNNING;
        st->pid = pid;
        dc_svc_detail(st, "already running (pid %d)", (int)pid);
        return 0;
    }
    /* Leftovers of a run that died: a stale ready file would pass for readiness. */
    if (dc_unlink_quiet(ctx->files->pid) < 0 || dc_unlink_quiet(ctx->files->ready) < 0) {
        dc_svc_detail(st, "cannot remove stale files of the run: %s", strerror(errno));
        return -1;
    }
    if (dc_runtime_resolve(ctx->sys, exe, st->detail, sizeof(st->detail)) < 0)
        return -1;
    if ((logfd = open_log(ctx->files->log, st)) < 0)
        return -1;
    build_argv(ctx, argv);
    dprintf(logfd, "datacrumbs_nodectl: starting run %s for %s\n", ctx->run_id, ctx->user);
    pid = launch(exe, argv, logfd, st);
    close(logfd);
    if (pid < 0)
        return -1;
    if (write_pidfile(ctx->files->pid, pid) < 0) {
        dc_svc_detail(st, "cannot write %s: %s", ctx->files->pid, strerror(errno));
        dc_proc_signal(pid, -1, SIGKILL);
        return -1;
    }
    pidfd = dc_pidfd_open(pid);
    rc = wait_ready(ctx, pid, pidfd);
    if (rc == 0) {
        if (pidfd >= 0)
            close(pidfd);
        st->state = DC_SVC_RUNNING;
        st->pid = pid;
        dc_svc_detail(st, "started (pid %d)", (int)pid);
        return 0;
    }
    /* A cancelled start gives way within a second or so: preempt.h. */
    if (rc == -2)
        terminate(pid, pidfd,
                  dc_cancelled()                ? 1000L
                  : ctx->sys->stop_timeout < 10 ? ctx->sys->stop_timeout * 1000L
                                                : 10000L);
    if (pidfd >= 0)
        close(pidfd);
    dc_unlink_quiet(ctx->files->pid);
    dc_unlink_quiet(ctx->files->ready);
    log_tail(ctx->files->log, last, sizeof(last));
    st->state = DC_SVC_STOPPED;
    if (rc == -2)
        dc_svc_detail(st,
                      "the runtime was not ready within ready_timeout (%ld s) and was stopped (log "
                      "%s%s%s)",
                      ctx->sys->ready_timeout, ctx->files->log, last[0] ? ": " : "", last);
    else
        dc_svc_detail(st, "the runtime exited before it was ready (log %s%s%s)", ctx->files->log,
                      last[0] ? ": " : "", last);
    return -1;
}

const struct dc_service_manager dc_svc_direct = {
    .name = "direct",
    .start = direct_start,
    .stop = direct_stop,
    .status = direct_status,
    .may_run = direct_may_run,
};
