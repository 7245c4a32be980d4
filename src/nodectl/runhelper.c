/* SPDX-License-Identifier: BSD-3-Clause */
/* runhelper.c - run a helper program without a shell, with a deadline (see runhelper.h). */
#include "runhelper.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "preempt.h"

const char *const dc_spawn_clean_env[] = {
    "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
    "LC_ALL=C",
    NULL,
};

/* Append a chunk (at most a read's worth, smaller than the capture) to the capture, keeping
 * the tail when it overflows. */
static void capture(struct dc_spawn_result *res, const char *buf, size_t n)
{
    if (n > DC_SPAWN_CAPTURE)
        return;
    if (res->len + n > DC_SPAWN_CAPTURE) {
        size_t drop = res->len + n - DC_SPAWN_CAPTURE;

        memmove(res->output, res->output + drop, res->len - drop);
        res->len -= drop;
    }
    memcpy(res->output + res->len, buf, n);
    res->len += n;
    res->output[res->len] = '\0';
}

/* Kill the helper's whole process group (it leads it: posix_spawn made it so). */
static void give_up(struct dc_spawn_result *res, pid_t pid, bool cancelled)
{
    if (cancelled)
        res->cancelled = true;
    else
        res->timed_out = true;
    if (pid > 1) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
    }
}

int dc_spawn_run(const char *const argv[], const char *const envp[], int timeout_ms, unsigned flags,
                 struct dc_spawn_result *res)
{
    bool cancellable = flags & DC_SPAWN_CANCELLABLE;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, all;
    long deadline = dc_now_ms() + timeout_ms;
    int pfd[2], rc;
    pid_t pid = -1;

    memset(res, 0, sizeof(*res));
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        res->failed = true;
        snprintf(res->output, sizeof(res->output), "pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
    /* Descriptors slurmd or the ssh session left open must not reach a root helper. */
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    posix_spawnattr_init(&attr);
    sigemptyset(&none);
    sigfillset(&all);
    /* Whatever node control ignores or blocks, the helper starts with defaults; in a process
     * group of its own, so that giving up on it also reaches whatever it started. */
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
    rc = posix_spawn(&pid, argv[0], &fa, &attr, (char *const *)argv, (char *const *)envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(pfd[1]);
    if (rc == 0 && pid <= 1)
        rc = ECHILD;
    if (rc != 0) {
        close(pfd[0]);
        res->failed = true;
        snprintf(res->output, sizeof(res->output), "cannot run %s: %s", argv[0], strerror(rc));
        res->len = strlen(res->output);
        return -1;
    }
    for (;;) {
        struct pollfd p = {.fd = pfd[0], .events = POLLIN};
        long left = deadline - dc_now_ms();
        char buf[4096];
        ssize_t n;

        if (left <= 0 || (cancellable && dc_cancelled())) {
            give_up(res, pid, cancellable && dc_cancelled());
            break;
        }
        rc = poll(&p, 1, left > 200 ? 200 : (int)left);
        if (rc <= 0)
            continue;
        n = read(pfd[0], buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        capture(res, buf, (size_t)n);
    }
    close(pfd[0]);
    /* Output closed: the helper is exiting (or a daemonized grandchild kept the pipe; the
     * deadline still bounds the wait). */
    for (;;) {
        pid_t w = waitpid(pid, &res->status, WNOHANG);

        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            res->failed = true;
            return -1;
        }
        if ((dc_now_ms() >= deadline || (cancellable && dc_cancelled())) && !res->timed_out &&
            !res->cancelled)
            give_up(res, pid, cancellable && dc_cancelled());
        if (w == 0)
            usleep(2000);
    }
    if (res->timed_out || res->cancelled)
        return 1;
    return WIFEXITED(res->status) && WEXITSTATUS(res->status) == 0 ? 0 : 1;
}

void dc_spawn_last_line(const struct dc_spawn_result *res, char *out, size_t outlen)
{
    size_t end = res->len;

    while (end > 0 && (res->output[end - 1] == '\n' || res->output[end - 1] == ' '))
        end--;
    size_t start = end;
    while (start > 0 && res->output[start - 1] != '\n')
        start--;
    snprintf(out, outlen, "%.*s", (int)(end - start), res->output + start);
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
}

void dc_spawn_describe(const struct dc_spawn_result *res, int timeout_ms, char *out, size_t outlen)
{
    if (res->failed)
        snprintf(out, outlen, "could not be run");
    else if (res->cancelled)
        snprintf(out, outlen, "cancelled");
    else if (res->timed_out)
        snprintf(out, outlen, "timed out after %d s", timeout_ms / 1000);
    else if (WIFEXITED(res->status))
        snprintf(out, outlen, "exit code %d", WEXITSTATUS(res->status));
    else if (WIFSIGNALED(res->status))
        snprintf(out, outlen, "killed by signal %d", WTERMSIG(res->status));
    else
        snprintf(out, outlen, "ended abnormally");
}
