/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * readas.c - read a user-named file with that user's rights, never root's (see readas.h).
 *
 * A child process drops to the user (initgroups, setgid, setuid; checked, and checked that root
 * cannot be regained), opens the path without blocking on FIFOs, requires a regular file of at
 * most max bytes, and streams it back through a pipe after a header with its size. So the path
 * is resolved with the user's rights only: there is no "readable by the user" check followed by
 * a root open to race, and the bytes the caller verifies are the bytes it uses.
 */
#include "readas.h"
#include "writeall.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What the child reports before the data (or instead of it). */
struct child_hdr {
    int32_t err;   /* 0, or errno */
    int32_t what;  /* which step failed */
    uint64_t size; /* of the file, when err == 0 */
};

enum { STEP_OK, STEP_CREDS, STEP_OPEN, STEP_STAT, STEP_NOT_REGULAR, STEP_TOO_LARGE, STEP_READ };

/* The child: become the user, open, stream. Never returns. */
static void child(int out, const char *path, const char *user, uid_t uid, gid_t gid, size_t max)
{
    struct child_hdr h = {0};
    struct stat st;
    char buf[65536];
    int fd;

    /* Root switches to the user; a caller reading as itself (the unit tests) need not. */
    if (uid != geteuid()) {
        if (initgroups(user, gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0 || getuid() != uid ||
            geteuid() != uid || getegid() != gid || setuid(0) == 0) {
            h.err = errno ? errno : EPERM;
            h.what = STEP_CREDS;
            goto fail;
        }
    }
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        h.err = errno;
        h.what = STEP_OPEN;
        goto fail;
    }
    if (fstat(fd, &st) < 0) {
        h.err = errno;
        h.what = STEP_STAT;
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        h.err = EINVAL;
        h.what = STEP_NOT_REGULAR;
        goto fail;
    }
    if ((uint64_t)st.st_size > max) {
        h.err = EFBIG;
        h.what = STEP_TOO_LARGE;
        goto fail;
    }
    h.size = (uint64_t)st.st_size;
    if (dc_write_all(out, &h, sizeof(h)) < 0)
        _exit(1);
    for (uint64_t sent = 0; sent <= max;) {
        ssize_t n = read(fd, buf, sizeof(buf));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            _exit(2); /* the parent sees a short stream */
        if (n == 0)
            _exit(0);
        if (dc_write_all(out, buf, (size_t)n) < 0)
            _exit(1);
        sent += (uint64_t)n;
    }
    _exit(0);
fail:
    dc_write_all(out, &h, sizeof(h));
    _exit(1);
}

static const char *step_msg(int what)
{
    switch (what) {
    case STEP_CREDS: return "cannot switch to the user";
    case STEP_OPEN: return "cannot open";
    case STEP_STAT: return "cannot stat";
    case STEP_NOT_REGULAR: return "not a regular file";
    case STEP_TOO_LARGE: return "file too large";
    default: return "cannot read";
    }
}

static long ms_left(const struct timespec *deadline)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

int dc_read_as_user(const char *path, const char *user, uid_t uid, gid_t gid, size_t max,
                    int timeout_ms, char **bufp, size_t *lenp, char *err, size_t errlen)
{
    struct child_hdr h;
    struct timespec deadline;
    size_t got = 0, want = sizeof(h), cap = 0;
    char *data = NULL;
    int pfd[2], status, rc = -1;
    pid_t pid = -1;

    *bufp = NULL;
    *lenp = 0;
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {
        close(pfd[0]);
        child(pfd[1], path, user, uid, gid, max);
    }
    close(pfd[1]);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    /* Header first, then exactly h.size bytes (one more would mean the file grew). */
    for (;;) {
        struct pollfd p = {.fd = pfd[0], .events = POLLIN};
        long left = ms_left(&deadline);
        ssize_t n;
        char *dst;

        if (left <= 0) {
            snprintf(err, errlen, "%s: reading as %s took longer than %d s", path, user,
                     timeout_ms / 1000);
            goto out;
        }
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        if (got < sizeof(h)) {
            dst = (char *)&h + got;
        } else {
            if (!data) {
                cap = (size_t)h.size + 1;
                data = malloc(cap + 1);
                if (!data) {
                    snprintf(err, errlen, "out of memory");
                    goto out;
                }
            }
            dst = data + (got - sizeof(h));
        }
        n = read(pfd[0], dst, got < sizeof(h) ? sizeof(h) - got : want - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        got += (size_t)n;
        if (got == sizeof(h)) {
            if (h.err) {
                snprintf(err, errlen, "%s: %s as user %s: %s", path, step_msg(h.what), user,
                         h.what == STEP_NOT_REGULAR ? "not a regular file"
                         : h.what == STEP_TOO_LARGE ? "larger than the limit"
                                                    : strerror(h.err));
                goto out;
            }
            want = sizeof(h) + (size_t)h.size + 1;
            if (h.size == 0) {
                snprintf(err, errlen, "%s: the file is empty", path);
                goto out;
            }
        }
        if (got >= want) {
            snprintf(err, errlen, "%s: the file changed while it was read", path);
            goto out;
        }
    }
    if (got < sizeof(h)) {
        snprintf(err, errlen, "%s: the reader exited without an answer", path);
        goto out;
    }
    if (got - sizeof(h) != h.size) {
        snprintf(err, errlen, "%s: the file changed or could not be read to the end", path);
        goto out;
    }
    *bufp = data;
    *lenp = (size_t)h.size;
    data = NULL;
    rc = 0;
out:
    close(pfd[0]);
    if (rc < 0 && pid > 1)
        kill(pid, SIGKILL);
    while (pid > 1 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    free(data);
    return rc;
}
