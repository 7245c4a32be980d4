/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * path.c - munge-style path security (see path.h).
 *
 * The file is checked with lstat (a symlink is never followed), then every directory from its
 * parent up to "/" is checked: owned by root (or the trusted euid) and not writable by group or
 * others unless the sticky bit is set. Symlinked parent directories are resolved with
 * realpath(3) and the resolved chain is checked as well, since either path can be swapped.
 */
#include "path.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const reasons[] = {
    [DC_PATH_OK] = "secure",
    [DC_PATH_MISSING] = "does not exist",
    [DC_PATH_SYMLINK] = "is a symbolic link",
    [DC_PATH_NOT_REGULAR] = "is not a regular file",
    [DC_PATH_BAD_OWNER] = "is not owned by root",
    [DC_PATH_GROUP_WRITABLE] = "is group-writable",
    [DC_PATH_WORLD_WRITABLE] = "is world-writable",
    [DC_PATH_GROUP_READABLE] = "is group-readable",
    [DC_PATH_WORLD_READABLE] = "is world-readable",
    [DC_PATH_PARENT_INSECURE] = "has an insecure parent directory",
    [DC_PATH_CHECK_FAILED] = "could not be checked",
};

const char *dc_path_reason_str(enum dc_path_reason r)
{
    if ((unsigned)r >= sizeof(reasons) / sizeof(reasons[0]))
        return "unknown";
    return reasons[r];
}

static int verdict(struct dc_path_verdict *v, enum dc_path_reason r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int verdict(struct dc_path_verdict *v, enum dc_path_reason r, const char *fmt, ...)
{
    va_list ap;

    v->reason = r;
    va_start(ap, fmt);
    vsnprintf(v->message, sizeof(v->message), fmt, ap);
    va_end(ap);
    return r == DC_PATH_OK ? 1 : r == DC_PATH_CHECK_FAILED ? -1 : 0;
}

static int owner_ok(uid_t uid, unsigned flags)
{
    return uid == 0 || ((flags & DC_PATH_TRUST_EUID) && uid == geteuid());
}

/* Check one directory (already stat'ed); returns 1 when fine, else fills v. */
static int dir_ok(const char *dir, const struct stat *st, unsigned flags, struct dc_path_verdict *v)
{
    if (!S_ISDIR(st->st_mode))
        return verdict(v, DC_PATH_PARENT_INSECURE, "%s: not a directory", dir);
    if (!owner_ok(st->st_uid, flags))
        return verdict(v, DC_PATH_PARENT_INSECURE, "parent directory %s is owned by uid %u", dir,
                       (unsigned)st->st_uid);
    if ((st->st_mode & S_IWGRP) && !(st->st_mode & S_ISVTX))
        return verdict(v, DC_PATH_PARENT_INSECURE,
                       "parent directory %s is group-writable without the sticky bit", dir);
    if ((st->st_mode & S_IWOTH) && !(st->st_mode & S_ISVTX))
        return verdict(v, DC_PATH_PARENT_INSECURE,
                       "parent directory %s is world-writable without the sticky bit", dir);
    return 1;
}

/* Walk the directories of an absolute path (not its last component) from the top. */
static int walk_parents(const char *path, unsigned flags, int depth, struct dc_path_verdict *v)
{
    char buf[PATH_MAX];
    size_t len = strlen(path);
    struct stat st;
    int rc;

    if (len >= sizeof(buf))
        return verdict(v, DC_PATH_CHECK_FAILED, "%s: path too long", path);
    if (depth > 8)
        return verdict(v, DC_PATH_PARENT_INSECURE, "%s: too many symbolic links", path);
    memcpy(buf, path, len + 1);
    /* "/" first, then each prefix ending before a '/' (the last component is the file). */
    for (size_t i = 0; i < len; i++) {
        char saved;

        if (buf[i] != '/' || (i > 0 && buf[i - 1] == '/'))
            continue;
        saved = buf[i + (i == 0)];
        buf[i + (i == 0)] = '\0';
        if (lstat(buf, &st) < 0) {
            int e = errno;

            rc = verdict(v, e == ENOENT ? DC_PATH_MISSING : DC_PATH_CHECK_FAILED, "%s: %s", buf,
                         strerror(e));
            errno = e;
            return rc;
        }
        if (S_ISLNK(st.st_mode)) {
            char real[PATH_MAX];

            /* The link lives in the directory checked just before, so it cannot be swapped
             * by others; what it points to must be secure too. */
            if (!realpath(buf, real))
                return verdict(v, DC_PATH_CHECK_FAILED, "%s: %s", buf, strerror(errno));
            if (stat(real, &st) < 0)
                return verdict(v, DC_PATH_CHECK_FAILED, "%s: %s", real, strerror(errno));
            if ((rc = dir_ok(real, &st, flags, v)) != 1)
                return rc;
            /* Check the chain above the link's target as well. */
            strncat(real, "/x", sizeof(real) - strlen(real) - 1);
            if ((rc = walk_parents(real, flags, depth + 1, v)) != 1)
                return rc;
        } else if ((rc = dir_ok(buf, &st, flags, v)) != 1) {
            return rc;
        }
        buf[i + (i == 0)] = saved;
    }
    return 1;
}

int dc_path_is_secure(const char *path, unsigned flags, struct dc_path_verdict *v)
{
    struct stat st;
    int rc;

    if (!path || path[0] != '/')
        return verdict(v, DC_PATH_CHECK_FAILED, "%s: not an absolute path", path ? path : "");
    if (lstat(path, &st) < 0) {
        int e = errno;

        rc = verdict(v, e == ENOENT ? DC_PATH_MISSING : DC_PATH_CHECK_FAILED, "%s: %s", path,
                     strerror(e));
        errno = e;
        return rc;
    }
    if (S_ISLNK(st.st_mode))
        return verdict(v, DC_PATH_SYMLINK, "%s is a symbolic link", path);
    if ((flags & DC_PATH_REGULAR) && !S_ISREG(st.st_mode))
        return verdict(v, DC_PATH_NOT_REGULAR, "%s is not a regular file", path);
    if (!owner_ok(st.st_uid, flags))
        return verdict(v, DC_PATH_BAD_OWNER, "%s is owned by uid %u, not root", path,
                       (unsigned)st.st_uid);
    if (st.st_mode & S_IWOTH)
        return verdict(v, DC_PATH_WORLD_WRITABLE, "%s is world-writable (mode %04o)", path,
                       (unsigned)(st.st_mode & 07777));
    if (st.st_mode & S_IWGRP)
        return verdict(v, DC_PATH_GROUP_WRITABLE, "%s is group-writable (mode %04o)", path,
                       (unsigned)(st.st_mode & 07777));
    if ((flags & DC_PATH_SECRET) && (st.st_mode & S_IROTH))
        return verdict(v, DC_PATH_WORLD_READABLE, "%s is world-readable (mode %04o)", path,
                       (unsigned)(st.st_mode & 07777));
    if ((flags & DC_PATH_SECRET) && (st.st_mode & S_IRGRP))
        return verdict(v, DC_PATH_GROUP_READABLE, "%s is group-readable (mode %04o)", path,
                       (unsigned)(st.st_mode & 07777));
    if ((rc = walk_parents(path, flags, 0, v)) != 1)
        return rc;
    return verdict(v, DC_PATH_OK, "%s is secure", path);
}
