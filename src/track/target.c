/* SPDX-License-Identifier: BSD-3-Clause */
/* target.c - resolve and open the file to track (see target.h). */
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
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

/* Append component c (len n) to the absolute path cur, or drop its last component for "..". */
static int step(char *cur, size_t curlen, const char *c, size_t n)
{
    size_t l = strlen(cur);

    if (n == 2 && c[0] == '.' && c[1] == '.') {
        char *slash = strrchr(cur, '/');

        if (slash == cur)
            cur[1] = '\0';
        else if (slash)
            *slash = '\0';
        return 0;
    }
    if (l + (l > 1) + n >= curlen)
        return -1;
    if (l > 1)
        cur[l++] = '/';
    memcpy(cur + l, c, n);
    cur[l + n] = '\0';
    return 0;
}

/*
 * Walk path as the kernel would and judge every symbolic link met on the way (in links'
 * targets too). With TARGET_LINKS_STRICT, a link as the last component is refused (root was
 * given a name that points elsewhere), and so is a link anywhere that root does not own: a
 * user's link would choose which root-owned file gets patched. Root's own links (/bin ->
 * usr/bin) are the system's layout. Errors are left for realpath() to report.
 */
static int check_links(const char *path, char *msg, size_t len)
{
    char cur[PATH_MAX], rest[PATH_MAX], target[PATH_MAX], tmp[PATH_MAX];
    int links = 0;

    if (path[0] == '/')
        snprintf(cur, sizeof(cur), "/");
    else if (!getcwd(cur, sizeof(cur)))
        return TRACK_EXIT_OK;
    snprintf(rest, sizeof(rest), "%s", path);
    for (char *p = rest; *p;) {
        size_t n;
        char before[PATH_MAX];
        struct stat st;
        ssize_t tl;

        while (*p == '/')
            p++;
        n = strcspn(p, "/");
        if (n == 0 || (n == 1 && *p == '.')) {
            p += n;
            continue;
        }
        snprintf(before, sizeof(before), "%s", cur);
        if (step(cur, sizeof(cur), p, n) < 0)
            return TRACK_EXIT_OK;
        p += n;
        if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
            continue;
        tl = readlink(cur, target, sizeof(target) - 1);
        if (tl < 0 || ++links > 40)
            return TRACK_EXIT_OK;
        target[tl] = '\0';
        while (*p == '/')
            p++;
        if (!*p) {
            snprintf(msg, len,
                     "%s: is a symbolic link (to %s); as root, give the file itself or --follow "
                     "to patch what the link points to",
                     cur, target);
            return TRACK_EXIT_SYMLINK;
        }
        if (st.st_uid != 0) {
            snprintf(msg, len,
                     "%s: the path goes through %s, a symbolic link (to %s) owned by uid %ld, "
                     "not root; give the real path or --follow",
                     path, cur, target, (long)st.st_uid);
            return TRACK_EXIT_SYMLINK;
        }
        if (snprintf(tmp, sizeof(tmp), "%s/%s", target, p) >= (int)sizeof(tmp))
            return TRACK_EXIT_OK;
        snprintf(rest, sizeof(rest), "%s", tmp);
        p = rest;
        if (target[0] == '/')
            snprintf(cur, sizeof(cur), "/");
        else
            snprintf(cur, sizeof(cur), "%s", before);
    }
    return TRACK_EXIT_OK;
}

/* The directory of the resolved path, opened so that no link swapped in since is followed
 * (openat2 RESOLVE_NO_SYMLINKS; plain open() where the kernel predates it). */
static int open_dir(const char *dirpath, enum target_links links)
{
    struct open_how how = {
        .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
        .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    int fd;

    if (links == TARGET_LINKS_STRICT) {
        fd = (int)syscall(SYS_openat2, AT_FDCWD, dirpath, &how, sizeof(how));
        if (fd >= 0 || errno != ENOSYS)
            return fd;
    }
    return open(dirpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int target_open(struct target *t, const char *arg, enum target_links links, char *msg, size_t len)
{
    char found[PATH_MAX];
    struct stat lst;
    int rc;

    rc = lookup(arg, found, sizeof(found), msg, len);
    if (rc != TRACK_EXIT_OK)
        return rc;
    if (links == TARGET_LINKS_STRICT) {
        rc = check_links(found, msg, len);
        if (rc != TRACK_EXIT_OK)
            return rc;
    }
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
    t->dirfd = open_dir(t->dirpath, links);
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
