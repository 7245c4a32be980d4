/* SPDX-License-Identifier: BSD-3-Clause */
/* tracefile.c - trace directory and file, created without trusting what users can write. */
#include "tracefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
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
