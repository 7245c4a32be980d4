/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fanout.c - a small process pool: posix_spawn, one poll(2) loop over every pipe, deadlines.
 *
 * Children inherit our environment (ssh needs the user's agent and HOME) and our process
 * group, so ^C reaches them too.
 */
#include "fanout.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "writeall.h"

extern char **environ;

#define KILL_AFTER_TERM_MS 1000

struct slot {
    struct dc_job *job;
    pid_t pid;
    int out_fd, err_fd;
    long started, deadline;
    int term_sent; /* 0 none, 1 SIGTERM, 2 SIGKILL */
    size_t out_cap, err_cap;
};

/* Start one job; the slot holds its pid and pipes. -1 when it could not be started. */
static int start(struct slot *s, struct dc_job *job, long timeout_ms)
{
    posix_spawn_file_actions_t fa;
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    int rc;

    memset(s, 0, sizeof(*s));
    s->job = job;
    s->pid = -1;
    s->out_fd = s->err_fd = -1;
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
        rc = errno;
        goto fail;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    rc = posix_spawn(&s->pid, job->argv[0], &fa, NULL, (char *const *)job->argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc == 0 && s->pid <= 1)
        rc = ECHILD; /* never signal or wait for anything but a child we started */
    if (rc != 0) {
        s->pid = -1;
        goto fail;
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    /* A request is far smaller than a pipe buffer: this does not block. A child that died
     * at once gives EPIPE (SIGPIPE is ignored while the pool runs); its exit says why. */
    if (job->input_len)
        dc_write_all(in[1], job->input, job->input_len);
    close(in[1]);
    s->out_fd = out[0];
    s->err_fd = err[0];
    s->started = dc_now_ms();
    s->deadline = s->started + timeout_ms;
    return 0;
fail:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (out[i] >= 0)
            close(out[i]);
        if (err[i] >= 0)
            close(err[i]);
    }
    job->spawn_failed = true;
    job->spawn_errno = rc;
    s->job = NULL;
    return -1;
}

/* Read what is there into the job's stdout (head kept) or stderr (tail kept) buffer. */
static void drain(struct slot *s, int is_err, size_t cap)
{
    int *fd = is_err ? &s->err_fd : &s->out_fd;
    char **buf = is_err ? &s->job->err : &s->job->out;
    size_t *len = is_err ? &s->job->err_len : &s->job->out_len;
    char tmp[8192];
    ssize_t n = read(*fd, tmp, sizeof(tmp));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        close(*fd);
        *fd = -1;
        return;
    }
    if (!*buf) {
        *buf = calloc(1, cap + 1);
        if (!*buf)
            return;
    }
    if (!is_err) {
        size_t take = *len + (size_t)n > cap ? cap - *len : (size_t)n;

        memcpy(*buf + *len, tmp, take);
        *len += take;
    } else if ((size_t)n >= cap) {
        memcpy(*buf, tmp + (size_t)n - cap, cap);
        *len = cap;
    } else {
        if (*len + (size_t)n > cap) {
            size_t drop = *len + (size_t)n - cap;

            memmove(*buf, *buf + drop, *len - drop);
            *len -= drop;
        }
        memcpy(*buf + *len, tmp, (size_t)n);
        *len += (size_t)n;
    }
    (*buf)[*len] = '\0';
}

/* Reap a job whose pipes are closed; 1 when it is done. */
static int reap(struct slot *s)
{
    pid_t w = waitpid(s->pid, &s->job->status, WNOHANG);

    if (w == 0)
        return 0;
    s->job->elapsed_ms = dc_now_ms() - s->started;
    s->job = NULL;
    return 1;
}

int dc_fanout_run(struct dc_job *jobs, size_t n, size_t parallel, long timeout_ms,
                  size_t capture_max)
{
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    struct slot *slots;
    struct pollfd *pfds;
    size_t next = 0, running = 0;
    int rc = 0;

    if (parallel == 0)
        parallel = 1;
    if (parallel > n)
        parallel = n ? n : 1;
    slots = calloc(parallel, sizeof(*slots));
    pfds = calloc(parallel * 2, sizeof(*pfds));
    if (!slots || !pfds) {
        for (size_t i = 0; i < n; i++) {
            jobs[i].spawn_failed = true;
            jobs[i].spawn_errno = ENOMEM;
        }
        free(slots);
        free(pfds);
        return -1;
    }
    sigaction(SIGPIPE, &ign, &old);
    while (next < n || running > 0) {
        long now, wait_ms = 1000;
        size_t np = 0;

        for (size_t i = 0; i < parallel && next < n; i++) {
            if (slots[i].job)
                continue;
            if (start(&slots[i], &jobs[next++], timeout_ms) == 0)
                running++;
        }
        now = dc_now_ms();
        for (size_t i = 0; i < parallel; i++) {
            struct slot *s = &slots[i];

            if (!s->job)
                continue;
            if (now >= s->deadline && s->term_sent == 0) {
                s->job->timed_out = true;
                if (s->pid > 1)
                    kill(s->pid, SIGTERM);
                s->term_sent = 1;
                s->deadline = now + KILL_AFTER_TERM_MS;
            } else if (now >= s->deadline && s->term_sent == 1) {
                if (s->pid > 1)
                    kill(s->pid, SIGKILL);
                s->term_sent = 2;
                s->deadline = now + 60000;
            }
            if (s->out_fd < 0 && s->err_fd < 0) {
                if (reap(s)) {
                    running--;
                    continue;
                }
                wait_ms = wait_ms > 5 ? 5 : wait_ms;
            }
            if (s->deadline - now < wait_ms)
                wait_ms = s->deadline - now > 0 ? s->deadline - now : 0;
            if (s->out_fd >= 0)
                pfds[np++] = (struct pollfd){.fd = s->out_fd, .events = POLLIN};
            if (s->err_fd >= 0)
                pfds[np++] = (struct pollfd){.fd = s->err_fd, .events = POLLIN};
        }
        if (running == 0)
            continue;
        if (poll(pfds, np, (int)wait_ms) < 0 && errno != EINTR) {
            rc = -1;
            break;
        }
        for (size_t k = 0; k < np; k++) {
            if (!pfds[k].revents)
                continue;
            for (size_t i = 0; i < parallel; i++) {
                if (slots[i].job && slots[i].out_fd == pfds[k].fd)
                    drain(&slots[i], 0, capture_max);
                else if (slots[i].job && slots[i].err_fd == pfds[k].fd)
                    drain(&slots[i], 1, capture_max);
            }
        }
    }
    sigaction(SIGPIPE, &old, NULL);
    free(slots);
    free(pfds);
    return rc;
}

void dc_fanout_free(struct dc_job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(jobs[i].out);
        free(jobs[i].err);
        jobs[i].out = jobs[i].err = NULL;
    }
}
