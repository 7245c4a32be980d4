/* SPDX-License-Identifier: BSD-3-Clause */
/* readas.c - a child with the user's credentials reads the file into a pipe (see readas.h). */
#include "readas.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's exit codes: 0 done, otherwise 100 + the step that failed; errno goes first. */
enum { STEP_GROUPS = 1, STEP_GID, STEP_UID, STEP_OPEN, STEP_STAT, STEP_TYPE };

static const char *const step_what[] = {
    [STEP_GROUPS] = "cannot take the user's groups",
    [STEP_GID] = "cannot switch group",
    [STEP_UID] = "cannot switch user",
    [STEP_OPEN] = "cannot open",
    [STEP_STAT] = "cannot stat",
    [STEP_TYPE] = "not a regular file",
};

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Report (step, errno) in the first 8 bytes, then stream the file. Never returns. */
static void child(int out, const char *path, const char *user, uid_t uid, gid_t gid)
{
    int hdr[2] = {0, 0}, fd = -1;
    char buf[65536];
    struct stat st;
    ssize_t n;

    /* Only root switches; anyone else can read as itself (the unit tests do). */
    if (geteuid() == 0 || uid != geteuid()) {
        if (initgroups(user, gid) < 0)
            hdr[0] = STEP_GROUPS;
        else if (setresgid(gid, gid, gid) < 0)
            hdr[0] = STEP_GID;
        else if (setresuid(uid, uid, uid) < 0)
            hdr[0] = STEP_UID;
    }
    if (!hdr[0]) {
        /* O_NONBLOCK: a FIFO planted at the path must not hang the daemon. */
        if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0)
            hdr[0] = STEP_OPEN;
        else if (fstat(fd, &st) < 0)
            hdr[0] = STEP_STAT;
        else if (!S_ISREG(st.st_mode))
            hdr[0] = STEP_TYPE, errno = 0;
    }
    if (hdr[0])
        hdr[1] = errno;
    if (write_all(out, hdr, sizeof(hdr)) < 0 || hdr[0])
        _exit(1);
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            _exit(2);
        if (write_all(out, buf, (size_t)n) < 0)
            _exit(1); /* the parent stopped reading: too large */
    }
    _exit(0);
}

int rt_read_as_user(const char *path, const char *user, uid_t uid, gid_t gid, size_t max,
                    unsigned char **buf, size_t *len, char *err, size_t errlen)
{
    unsigned char *data = NULL;
    size_t have = 0, cap = 0;
    int p[2], hdr[2], status, rc = -1, too_large = 0, oom = 0;
    size_t hdr_have = 0;
    pid_t pid;

    *buf = NULL;
    *len = 0;
    if (pipe2(p, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        signal(SIGPIPE, SIG_DFL);
        child(p[1], path, user, uid, gid);
    }
    close(p[1]);
    for (;;) {
        unsigned char tmp[65536];
        ssize_t n = read(p[0], tmp, sizeof(tmp));
        size_t off = 0;

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        while (hdr_have < sizeof(hdr) && off < (size_t)n)
            ((unsigned char *)hdr)[hdr_have++] = tmp[off++];
        if (off == (size_t)n)
            continue;
        if (have + ((size_t)n - off) > max) {
            too_large = 1;
            break;
        }
        if (have + ((size_t)n - off) > cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            unsigned char *nd;

            while (ncap < have + ((size_t)n - off))
                ncap *= 2;
            nd = realloc(data, ncap);
            if (!nd) {
                oom = 1;
                break;
            }
            data = nd;
            cap = ncap;
        }
        memcpy(data + have, tmp + off, (size_t)n - off);
        have += (size_t)n - off;
    }
    /* Closing the pipe first ends a child still writing (SIGPIPE) when we stopped early. */
    close(p[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (oom) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    if (too_large) {
        snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
        goto cleanup;
    }
    if (hdr_have < sizeof(hdr)) {
        snprintf(err, errlen, "%s: the reader as %s failed", path, user);
        goto cleanup;
    }
    if (hdr[0]) {
        const char *what = hdr[0] > 0 && hdr[0] <= STEP_TYPE ? step_what[hdr[0]] : "failed";

        if (hdr[1])
            snprintf(err, errlen, "%s: %s as %s: %s", path, what, user, strerror(hdr[1]));
        else
            snprintf(err, errlen, "%s: %s", path, what);
        goto cleanup;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "%s: cannot read as %s", path, user);
        goto cleanup;
    }
    *buf = data;
    *len = have;
    data = NULL;
    rc = 0;
cleanup:
    free(data);
    return rc;
}
