/* SPDX-License-Identifier: BSD-3-Clause */
/* hookrun.c - fork, exec and wait for the hook, relaying its output (see hookrun.h). */
#include "hookrun.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the child, before exec: only async-signal-safe calls. */
static void child(int out, const char *path, char *const argv[], char *const envp[])
{
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

    if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
        dup2(out, STDERR_FILENO) < 0)
        _exit(127);
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
#endif
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
    execve(path, argv, envp);
    _exit(127);
}

struct relay {
    char line[DC_HOOKRUN_LINE_MAX + 1];
    size_t len;
    int lines, dropped;
    dc_hookrun_log_fn log;
    void *ctx;
};

static void flush_line(struct relay *r)
{
    if (r->len == 0)
        return;
    r->line[r->len] = '\0';
    if (r->lines < DC_HOOKRUN_LINES) {
        r->lines++;
        if (r->log)
            r->log(r->line, r->ctx);
    } else {
        r->dropped++;
    }
    r->len = 0;
}

static void relay_bytes(struct relay *r, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)buf[i];

        if (c == '\n') {
            flush_line(r);
            continue;
        }
        if (r->len < DC_HOOKRUN_LINE_MAX)
            r->line[r->len++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
}

int dc_hookrun(const char *path, char *const argv[], char *const envp[], dc_hookrun_log_fn log,
               void *ctx, char *err, size_t errlen)
{
    struct relay r = {.log = log, .ctx = ctx};
    char buf[4096], note[64];
    int pipefd[2], status = 0;
    pid_t pid = -1, w;
    ssize_t n;

    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0)
        child(pipefd[1], path, argv, envp);
    close(pipefd[1]);
    while ((n = read(pipefd[0], buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        relay_bytes(&r, buf, (size_t)n);
    }
    flush_line(&r);
    close(pipefd[0]);
    if (r.dropped && log) {
        snprintf(note, sizeof(note), "(%d more lines not shown)", r.dropped);
        log(note, ctx);
    }
    do {
        w = waitpid(pid, &status, 0);
    } while (w < 0 && errno == EINTR);
    if (w < 0) {
        /* Reaped by the host process's own SIGCHLD handling: the outcome is unknown. */
        snprintf(err, errlen, "waitpid: %s", strerror(errno));
        return -1;
    }
    return status;
}
