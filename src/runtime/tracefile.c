/* SPDX-License-Identifier: BSD-3-Clause */
/* tracefile.c - trace directory and file, created without trusting what users can write. */
#include "tracefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int rt_trace_dir_expand(const char *pattern, time_t t, char *out, size_t outlen)
{
    struct tm tm;
    size_t n;

    if (!localtime_r(&t, &tm))
        return -1;
        /* The pattern is the administrator's trace_dir: a format by design (datacrumbs.conf(5)). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    n = strftime(out, outlen, pattern, &tm);
#pragma GCC diagnostic pop
    if (n == 0 || n >= outlen || out[0] != '/')
        return -1;
    return 0;
}

static int is_symlink(int dirfd, const char *name)
{
    struct stat st;

    return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

/* May a symlink named name in dirfd be followed? Only root's: dirfd itself has passed
 * dir_trusted, so nobody else could have put it there or changed it since. */
static int link_trusted(int dirfd, const char *name)
{
    struct stat lst;

    return fstatat(dirfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode) &&
           lst.st_uid == 0;
}

/* Only root may change what a trace directory holds: root's, and not writable by others
 * unless sticky (as /tmp). Else another user could delete or replace other users' traces. */
static int dir_trusted(int fd, const char *path, const char *comp, char *err, size_t errlen)
{
    struct stat st;

    if (fstat(fd, &st) < 0) {
        snprintf(err, errlen, "%s: %s: %s", path, comp, strerror(errno));
        return 0;
    }
    if (st.st_uid == 0 && (!(st.st_mode & (S_IWGRP | S_IWOTH)) || (st.st_mode & S_ISVTX)))
        return 1;
    snprintf(err, errlen, "%s: %s is %s (uid %u, mode %04o): others could replace the traces in it",
             path, comp, st.st_uid != 0 ? "not root's" : "writable by others", (unsigned)st.st_uid,
             (unsigned)(st.st_mode & 07777));
    return 0;
}

int rt_open_dir_secure(const char *path, int create, char *err, size_t errlen)
{
    const int dflags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    char comp[256];
    const char *p = path;
    int fd, next;

    if (!path || path[0] != '/') {
        snprintf(err, errlen, "%s: not an absolute path", path ? path : "");
        return -1;
    }
    fd = open("/", dflags);
    if (fd < 0) {
        snprintf(err, errlen, "/: %s", strerror(errno));
        return -1;
    }
    if (!dir_trusted(fd, path, "/", err, errlen))
        goto fail;
    while (*p) {
        size_t n;

        while (*p == '/')
            p++;
        if (!*p)
            break;
        n = strcspn(p, "/");
        if (n >= sizeof(comp)) {
            snprintf(err, errlen, "%s: a path component is too long", path);
            goto fail;
        }
        memcpy(comp, p, n);
        comp[n] = '\0';
        p += n;
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            snprintf(err, errlen, "%s: '..' is not allowed", path);
            goto fail;
        }
        next = openat(fd, comp, dflags | O_NOFOLLOW);
        if (next < 0 && errno == ENOENT && create) {
            if (mkdirat(fd, comp, 0755) < 0 && errno != EEXIST) {
                snprintf(err, errlen, "%s: cannot create %s: %s", path, comp, strerror(errno));
                goto fail;
            }
            next = openat(fd, comp, dflags | O_NOFOLLOW);
        }
        if (next < 0 && (errno == ELOOP || errno == ENOTDIR) && is_symlink(fd, comp)) {
            if (!link_trusted(fd, comp)) {
                snprintf(err, errlen, "%s: %s is a symbolic link others could change", path, comp);
                goto fail;
            }
            next = openat(fd, comp, dflags);
        }
        if (next < 0) {
            snprintf(err, errlen, "%s: %s: %s", path, comp, strerror(errno));
            goto fail;
        }
        close(fd);
        fd = next;
        if (!dir_trusted(fd, path, comp, err, errlen))
            goto fail;
    }
    return fd;
fail:
    close(fd);
    return -1;
}

void rt_file_token(const char *in, char *out, size_t outlen)
{
    size_t o = 0;

    if (outlen == 0)
        return;
    for (; *in && o + 1 < outlen; in++) {
        char c = *in;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || (c == '.' && o > 0);

        out[o++] = ok ? c : '_';
    }
    if (o == 0 && outlen > 1)
        out[o++] = '_';
    out[o] = '\0';
}

int rt_create_trace_file(int dirfd, const char *stem, uid_t uid, gid_t gid, char *name_out,
                         size_t outlen, char *err, size_t errlen)
{
    for (int i = 0; i < 100; i++) {
        int fd, n;

        n = i ? snprintf(name_out, outlen, "%s.%d.pfw.gz", stem, i)
              : snprintf(name_out, outlen, "%s.pfw.gz", stem);
        if (n < 0 || (size_t)n >= outlen) {
            snprintf(err, errlen, "trace file name too long");
            return -1;
        }
        fd = openat(dirfd, name_out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0) {
            snprintf(err, errlen, "%s: %s", name_out, strerror(errno));
            return -1;
        }
        /* Mode first: once the file is the user's, changing it would need CAP_FOWNER. */
        if (fchmod(fd, 0600) < 0 || fchown(fd, uid, gid) < 0) {
            snprintf(err, errlen, "%s: cannot give it to uid %u: %s", name_out, (unsigned)uid,
                     strerror(errno));
            unlinkat(dirfd, name_out, 0);
            close(fd);
            return -1;
        }
        return fd;
    }
    snprintf(err, errlen, "%s.pfw.gz and 99 numbered names exist already", stem);
    return -1;
}

int rt_dir_shared(int dirfd)
{
    struct stat st;

    return fstat(dirfd, &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
}

/* Open name in dirfd as the user's directory: a real directory (no link followed), the user's
 * or root's, and not writable by others. Returns the descriptor, or -1 with errno set
 * (EPERM: it is there, but somebody else's or not safe). */
static int open_own_dir(int dirfd, const char *name, uid_t uid)
{
    struct stat st;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0) {
        if (errno == ELOOP || errno == ENOTDIR)
            errno = EPERM; /* a symlink or a file took the name */
        return -1;
    }
    if (fstat(fd, &st) < 0 || (st.st_uid != uid && st.st_uid != 0) ||
        (st.st_mode & (S_IWGRP | S_IWOTH))) {
        close(fd);
        errno = EPERM;
        return -1;
    }
    return fd;
}

/* Create name in dirfd as root, then open it and hand it to the user, mode 0700. Nobody else
 * can have replaced it meanwhile: a sticky directory only lets its owner (root) move it. */
static int make_own_dir(int dirfd, const char *name, uid_t uid, gid_t gid)
{
    struct stat st;
    int fd, e;

    if (mkdirat(dirfd, name, 0700) < 0)
        return -1;
    fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || st.st_uid != 0) {
        /* Not the one just made (cannot happen in root's sticky directory): leave it. */
        close(fd);
        errno = EPERM;
        return -1;
    }
    if (fchmod(fd, 0700) < 0 || fchown(fd, uid, gid) < 0) {
        e = errno;
        close(fd);
        unlinkat(dirfd, name, AT_REMOVEDIR);
        errno = e;
        return -1;
    }
    return fd;
}

int rt_open_user_dir(int dirfd, const char *user_token, uid_t uid, gid_t gid, char *name_out,
                     size_t outlen, int *taken, char *err, size_t errlen)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    int n, fd;

    *taken = 0;
    n = snprintf(name_out, outlen, "datacrumbs-%s-%u", user_token, (unsigned)uid);
    if (n < 0 || (size_t)n >= outlen) {
        snprintf(err, errlen, "per-user directory name too long");
        return -1;
    }
    fd = open_own_dir(dirfd, name_out, uid);
    if (fd < 0 && errno == ENOENT) {
        fd = make_own_dir(dirfd, name_out, uid, gid);
        if (fd < 0 && errno == EEXIST) /* somebody was quicker */
            fd = open_own_dir(dirfd, name_out, uid);
    }
    if (fd >= 0)
        return fd;
    if (errno != EPERM && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", name_out, strerror(errno));
        return -1;
    }
    /* Taken by somebody else: a name with a random part, which nobody can take in advance. */
    *taken = 1;
    for (int i = 0; i < 100; i++) {
        unsigned char r[8];
        char suffix[sizeof(r) + 1];

        if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
            snprintf(err, errlen, "no random bytes: %s", strerror(errno));
            return -1;
        }
        for (size_t k = 0; k < sizeof(r); k++)
            suffix[k] = alphabet[r[k] % (sizeof(alphabet) - 1)];
        suffix[sizeof(r)] = '\0';
        n = snprintf(name_out, outlen, "datacrumbs-%s-%u.%s", user_token, (unsigned)uid, suffix);
        if (n < 0 || (size_t)n >= outlen) {
            snprintf(err, errlen, "per-user directory name too long");
            return -1;
        }
        fd = make_own_dir(dirfd, name_out, uid, gid);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST) {
            snprintf(err, errlen, "cannot create %s: %s", name_out, strerror(errno));
            return -1;
        }
    }
    snprintf(err, errlen, "cannot find a free name for a per-user directory");
    return -1;
}
