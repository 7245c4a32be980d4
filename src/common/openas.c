/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * openas.c - open as a user (see openas.h).
 *
 * The kernel keeps credentials per thread. glibc's setgroups() would broadcast the change to
 * every thread of the process (POSIX semantics), so the raw system call is used; setfsuid and
 * setfsgid are never broadcast. Leaving fsuid 0 drops the file-system capabilities
 * (CAP_DAC_OVERRIDE, ...) from the effective set, so root's override does not leak into the
 * open; returning to fsuid 0 restores them from the permitted set.
 */
#include "openas.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef SYS_setgroups32
#define DC_SYS_SETGROUPS SYS_setgroups32
#define DC_SYS_GETGROUPS SYS_getgroups32
#else
#define DC_SYS_SETGROUPS SYS_setgroups
#define DC_SYS_GETGROUPS SYS_getgroups
#endif

/* setfsuid() has no error return: the getters check what the kernel really did. */
static int become(uid_t uid, gid_t gid, size_t ngroups, const gid_t *groups)
{
    if (syscall(DC_SYS_SETGROUPS, ngroups, groups) < 0)
        return -1;
    setfsgid(gid);
    if ((gid_t)setfsgid((gid_t)-1) != gid) {
        errno = EPERM;
        return -1;
    }
    setfsuid(uid);
    if ((uid_t)setfsuid((uid_t)-1) != uid) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

/* stat, open and fstat path with whatever identity the thread has now. */
static enum dc_openas open_regular(const char *path, int *fd, int *err)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        *err = errno;
        return DC_OPENAS_DENIED;
    }
    if (!S_ISREG(st.st_mode))
        return DC_OPENAS_NOT_REGULAR;
    if ((*fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0) {
        *err = errno;
        return DC_OPENAS_DENIED;
    }
    /* A FIFO or device swapped in after the stat: opened without blocking, refused here. */
    if (fstat(*fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(*fd);
        *fd = -1;
        return DC_OPENAS_NOT_REGULAR;
    }
    return DC_OPENAS_OK;
}

enum dc_openas dc_open_as(const struct dc_fsident *id, const char *path, int *fd, int *err)
{
    gid_t own[DC_FSIDENT_GROUPS_MAX];
    long nown;
    uid_t own_fsuid = (uid_t)setfsuid((uid_t)-1);
    gid_t own_fsgid = (gid_t)setfsgid((gid_t)-1);
    enum dc_openas rc;

    *fd = -1;
    *err = 0;
    if (!id)
        return open_regular(path, fd, err);
    nown = syscall(DC_SYS_GETGROUPS, DC_FSIDENT_GROUPS_MAX, own);
    if (nown < 0) {
        *err = errno;
        return DC_OPENAS_NO_IDENTITY;
    }
    if (become(id->uid, id->gid, id->ngroups, id->groups) < 0) {
        *err = errno ? errno : EPERM;
        if (become(own_fsuid, own_fsgid, (size_t)nown, own) < 0)
            abort();
        return DC_OPENAS_NO_IDENTITY;
    }
    rc = open_regular(path, fd, err);
    if (become(own_fsuid, own_fsgid, (size_t)nown, own) < 0)
        abort();
    return rc;
}

long dc_user_groups(const char *user, gid_t gid, gid_t **groups)
{
    int n = 32;

    *groups = NULL;
    /* getgrouplist says how many there are when the buffer is too small. */
    for (int tries = 0; tries < 4; tries++) {
        gid_t *g = realloc(*groups, (size_t)n * sizeof(gid_t));
        int want = n;

        if (!g)
            break;
        *groups = g;
        if (getgrouplist(user, gid, g, &want) >= 0)
            return want;
        if (want <= n || want > 65536)
            break;
        n = want;
    }
    free(*groups);
    *groups = NULL;
    return -1;
}
