/* SPDX-License-Identifier: BSD-3-Clause */
/* patchelf.c - find, run and quote patchelf command lines (see patchelf.h). */
#include "patchelf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "which.h"

extern char **environ;

int patchelf_find(char *out, size_t outlen)
{
    char found[PATH_MAX], *abs;

    if (dc_which("patchelf", found, sizeof(found)) < 0)
        return -1;
    /* A relative PATH entry gives a relative hit; pin it down so later chdirs cannot matter. */
    abs = realpath(found, NULL);
    if (!abs)
        return -1;
    if (strlen(abs) >= outlen) {
        free(abs);
        errno = ENAMETOOLONG;
        return -1;
    }
    snprintf(out, outlen, "%s", abs);
    free(abs);
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read the child's output until EOF or the deadline; keep the first len-1 bytes. */
static int drain(int fd, long deadline, char *out, size_t len)
{
    size_t used = 0;

    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        long left = deadline - now_ms();
        char chunk[512];
        ssize_t n;
        int r;

        if (left <= 0)
            return -1;
        r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (used + 1 < len) {
            size_t take = (size_t)n < len - 1 - used ? (size_t)n : len - 1 - used;

            memcpy(out + used, chunk, take);
            used += take;
        }
    }
    out[used] = '\0';
    return 0;
}

int patchelf_run(char *const argv[], int timeout_s, char *err, size_t errlen)
{
    posix_spawn_file_actions_t fa;
    char output[1024] = "";
    int pipefd[2], status = 0, ret = -1, timed_out;
    pid_t pid;

    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
    errno = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (errno) {
        snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(errno));
        close(pipefd[0]);
        return -1;
    }
    timed_out = drain(pipefd[0], now_ms() + (long)timeout_s * 1000, output, sizeof(output)) < 0;
    close(pipefd[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    output[strcspn(output, "\n")] = '\0';
    if (timed_out)
        snprintf(err, errlen, "%s did not finish within %d seconds and was killed", argv[0],
                 timeout_s);
    else if (WIFSIGNALED(status))
        snprintf(err, errlen, "%s was killed by signal %d%s%s", argv[0], WTERMSIG(status),
                 output[0] ? ": " : "", output);
    else if (WEXITSTATUS(status) != 0)
        snprintf(err, errlen, "%s failed (exit status %d)%s%s", argv[0], WEXITSTATUS(status),
                 output[0] ? ": " : "", output);
    else
        ret = 0;
    return ret;
}

/* Append s to buf, single-quoted when it holds anything a shell would interpret. */
static void put_word(const char *s, char *buf, size_t len, size_t *pos)
{
    int plain = *s != '\0';

    for (const char *p = s; *p; p++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-", *p))
            plain = 0;
#define PUT(c)                                                                                     \
    do {                                                                                           \
        if (*pos + 1 < len)                                                                        \
            buf[(*pos)++] = (c);                                                                   \
    } while (0)
    if (plain) {
        for (const char *p = s; *p; p++)
            PUT(*p);
        return;
    }
    PUT('\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            PUT('\'');
            PUT('\\');
            PUT('\'');
        }
        PUT(*p);
    }
    PUT('\'');
#undef PUT
}

void patchelf_format_argv(char *const argv[], char *buf, size_t len)
{
    size_t pos = 0;

    if (!len)
        return;
    for (size_t i = 0; argv[i]; i++) {
        if (i && pos + 1 < len)
            buf[pos++] = ' ';
        put_word(argv[i], buf, len, &pos);
    }
    buf[pos] = '\0';
    if (pos + 1 >= len && len > 4)
        memcpy(buf + len - 4, "...", 4);
}
