/* SPDX-License-Identifier: BSD-3-Clause */
/* atomic.c - temp file, fsync, rename (see atomic.h). */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void release(struct dc_atomic *a)
{
    if (a->fd >= 0)
        close(a->fd);
    free(a->tmp_path);
    free(a->dest_path);
    a->tmp_path = a->dest_path = NULL;
    a->fd = -1;
}

/* Directory part of path ("." when none, "/" for a file in the root). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

int dc_atomic_open(struct dc_atomic *a, const char *path, mode_t mode, uid_t uid, gid_t gid)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char *dir = dir_of(path);
    size_t n;
    int e;

    a->fd = -1;
    a->tmp_path = NULL;
    a->dest_path = strdup(path);
    if (!dir || !a->dest_path || !*base)
        goto fail_errno;
    /* ".<name>.XXXXXX" beside the destination, so the rename never crosses filesystems. */
    n = strlen(dir) + strlen(base) + 10;
    a->tmp_path = malloc(n);
    if (!a->tmp_path)
        goto fail_errno;
    snprintf(a->tmp_path, n, "%s/.%s.XXXXXX", dir, base);
    free(dir);
    dir = NULL;
    a->fd = mkostemp(a->tmp_path, O_CLOEXEC);
    if (a->fd < 0)
        goto fail;
    if (fchmod(a->fd, mode) < 0 ||
        ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(a->fd, uid, gid) < 0)) {
        e = errno;
        unlink(a->tmp_path);
        errno = e;
        goto fail;
    }
    return 0;
fail_errno:
    if (!*base)
        errno = EISDIR;
    else
        errno = ENOMEM;
fail:
    e = errno;
    free(dir);
    release(a);
    errno = e;
    return -1;
}

int dc_atomic_write(struct dc_atomic *a, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(a->fd, p, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int dc_atomic_commit(struct dc_atomic *a)
{
    char *dir;
    int dfd, e;

    if (fsync(a->fd) < 0 || close(a->fd) < 0) {
        a->fd = -1;
        goto fail;
    }
    a->fd = -1;
    if (rename(a->tmp_path, a->dest_path) < 0)
        goto fail;
    /* The rename itself must survive a crash too. */
    dir = dir_of(a->dest_path);
    if (dir) {
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    release(a);
    return 0;
fail:
    e = errno;
    unlink(a->tmp_path);
    release(a);
    errno = e;
    return -1;
}

void dc_atomic_abort(struct dc_atomic *a)
{
    if (a->tmp_path) {
        int e = errno;

        unlink(a->tmp_path);
        errno = e;
    }
    release(a);
}

int dc_atomic_write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
    struct dc_atomic a;

    if (dc_atomic_open(&a, path, mode, (uid_t)-1, (gid_t)-1) < 0)
        return -1;
    if (dc_atomic_write(&a, buf, len) < 0) {
        dc_atomic_abort(&a);
        return -1;
    }
    return dc_atomic_commit(&a);
}
