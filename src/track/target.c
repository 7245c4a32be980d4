/* SPDX-License-Identifier: BSD-3-Clause */
/* target.c - resolve and open the file to track (see target.h). */
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "track.h"
#include "which.h"

static const char *type_str(mode_t m)
{
    return S_ISDIR(m)    ? "a directory"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISSOCK(m) ? "a socket"
           : S_ISLNK(m)  ? "a symbolic link"
                         : "not a regular file";
}

/* Look a bare name up in PATH, as the shell would run it; a name with a '/' is kept. */
static int lookup(const char *arg, char *out, size_t outlen, char *msg, size_t len)
{
    if (strchr(arg, '/')) {
        if (strlen(arg) >= outlen) {
            snprintf(msg, len, "%s: path too long", arg);
            return TRACK_EXIT_NOT_FOUND;
        }
        snprintf(out, outlen, "%s", arg);
        return TRACK_EXIT_OK;
    }
    if (dc_which(arg, out, outlen) == 0)
        return TRACK_EXIT_OK;
    if (errno == EISDIR) {
        snprintf(msg, len, "%s: found in PATH as a directory, not an executable", arg);
        return TRACK_EXIT_NOT_REGULAR;
    }
    if (errno == EACCES)
        snprintf(msg, len, "%s: found in PATH but not executable; give its path instead", arg);
    else
        snprintf(msg, len,
                 "%s: not found in PATH (a name without '/' is looked up in PATH; use ./%s for "
                 "a file in the current directory)",
                 arg, arg);
    return TRACK_EXIT_NOT_FOUND;
}

static int split(struct target *t, char *msg, size_t len)
{
    char *slash = strrchr(t->path, '/');

    if (!slash || !slash[1]) { /* "/" itself */
        snprintf(msg, len, "%s: is a directory, not an executable", t->path);
        return TRACK_EXIT_NOT_REGULAR;
    }
    if (strlen(slash + 1) > NAME_MAX) {
        snprintf(msg, len, "%s: file name too long", t->path);
        return TRACK_EXIT_FAILED;
    }
    snprintf(t->name, sizeof(t->name), "%s", slash + 1);
    if (slash == t->path)
        snprintf(t->dirpath, sizeof(t->dirpath), "/");
    else
        snprintf(t->dirpath, sizeof(t->dirpath), "%.*s", (int)(slash - t->path), t->path);
    return TRACK_EXIT_OK;
}

int target_open(struct target *t, const char *arg, char *msg, size_t len)
{
    char found[PATH_MAX];
    struct stat lst;
    int rc;

    rc = lookup(arg, found, sizeof(found), msg, len);
    if (rc != TRACK_EXIT_OK)
        return rc;
    if (!realpath(found, t->path)) {
        int e = errno;

        snprintf(msg, len, "%s: %s", found, strerror(e));
        return e == ENOENT || e == ENOTDIR || e == ELOOP ? TRACK_EXIT_NOT_FOUND
               : e == EACCES                             ? TRACK_EXIT_NOT_WRITABLE
                                                         : TRACK_EXIT_FAILED;
    }
    rc = split(t, msg, len);
    if (rc != TRACK_EXIT_OK)
        return rc;
    t->dirfd = open(t->dirpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (t->dirfd < 0) {
        snprintf(msg, len, "%s: cannot open its directory: %s", t->path, strerror(errno));
        return TRACK_EXIT_FAILED;
    }
    if (fstatat(t->dirfd, t->name, &lst, AT_SYMLINK_NOFOLLOW) < 0) {
        snprintf(msg, len, "%s: %s", t->path, strerror(errno));
        return errno == ENOENT ? TRACK_EXIT_NOT_FOUND : TRACK_EXIT_FAILED;
    }
    if (!S_ISREG(lst.st_mode)) {
        snprintf(msg, len, "%s: is %s; give the executable file itself", t->path,
                 type_str(lst.st_mode));
        return S_ISLNK(lst.st_mode) ? TRACK_EXIT_FAILED : TRACK_EXIT_NOT_REGULAR;
    }
    /* O_NONBLOCK: should a FIFO be swapped in after the check, opening it must not hang. */
    t->fd = openat(t->dirfd, t->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (t->fd < 0) {
        int e = errno;

        snprintf(msg, len, "%s: cannot read it: %s", t->path, strerror(e));
        return e == EACCES || e == EPERM ? TRACK_EXIT_NOT_WRITABLE : TRACK_EXIT_FAILED;
    }
    if (fstat(t->fd, &t->st) < 0 || t->st.st_dev != lst.st_dev || t->st.st_ino != lst.st_ino ||
        !S_ISREG(t->st.st_mode)) {
        snprintf(msg, len, "%s: changed while it was being opened; try again", t->path);
        return TRACK_EXIT_FAILED;
    }
    return TRACK_EXIT_OK;
}

void target_close(struct target *t)
{
    if (t->fd >= 0)
        close(t->fd);
    if (t->dirfd >= 0)
        close(t->dirfd);
    t->fd = t->dirfd = -1;
}
