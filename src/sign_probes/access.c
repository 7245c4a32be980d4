/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * access.c - readability checks as the caller (see access.h).
 *
 * Why this method: mode bits (upstream's check) ignore ACLs, directory search permission,
 * LSMs and root-squashed NFS, so only the kernel can answer "could this user read it". We make
 * the kernel answer by opening the file with the caller's credentials:
 *
 *  - fsuid/fsgid and the group list are switched on THIS THREAD only. The kernel keeps
 *    credentials per thread; glibc's setgroups() would broadcast the change to every thread
 *    of the process (POSIX semantics), so the raw system call is used, and setfsuid/setfsgid
 *    are never broadcast. Other worker threads keep running as root undisturbed, and no fork
 *    per path is needed (a fork of a multi-threaded daemon per request is slow and fragile).
 *  - Leaving fsuid 0 clears the file-system capabilities (CAP_DAC_OVERRIDE, ...) from the
 *    effective set, so root's override does not leak into the check; returning to fsuid 0
 *    restores them from the permitted set.
 *  - open(O_RDONLY|O_NONBLOCK) then fstat() on the same descriptor is free of races: the
 *    permission check and the "regular file" test concern the very same inode, whatever
 *    happens to the path meanwhile. A stat as the caller first keeps us from opening device
 *    nodes or FIFOs at all; O_NONBLOCK covers one swapped in between (harmless anyway: the
 *    open runs with the caller's rights, so it can do nothing the caller could not).
 *  - If the thread cannot return to root's credentials we abort(): a worker stuck with a
 *    user's identity would answer later checks for other users wrongly.
 */
#include "access.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

#ifdef SYS_setgroups32
#define DC_SYS_SETGROUPS SYS_setgroups32
#define DC_SYS_GETGROUPS SYS_getgroups32
#else
#define DC_SYS_SETGROUPS SYS_setgroups
#define DC_SYS_GETGROUPS SYS_getgroups
#endif

#define MAX_OWN_GROUPS 64

/* Per-thread switch; each returns 0 or -1. The getters check what the kernel really did, since
 * setfsuid() has no error return. */
static int thread_setgroups(size_t n, const gid_t *g)
{
    return (int)syscall(DC_SYS_SETGROUPS, n, g);
}

static int become(uid_t uid, gid_t gid, size_t ngroups, const gid_t *groups)
{
    if (thread_setgroups(ngroups, groups) < 0)
        return -1;
    setfsgid(gid);
    if ((gid_t)setfsgid((gid_t)-1) != gid)
        return -1;
    setfsuid(uid);
    if ((uid_t)setfsuid((uid_t)-1) != uid)
        return -1;
    return 0;
}

enum dc_access dc_access_readable(const struct dc_peer *p, const char *path, char *why,
                                  size_t whylen)
{
    gid_t own[MAX_OWN_GROUPS];
    long nown;
    uid_t own_fsuid = (uid_t)setfsuid((uid_t)-1);
    gid_t own_fsgid = (gid_t)setfsgid((gid_t)-1);
    struct stat st, st2;
    int fd = -1, err = 0, stat_rc;

    nown = syscall(DC_SYS_GETGROUPS, MAX_OWN_GROUPS, own);
    if (nown < 0) {
        snprintf(why, whylen, "cannot read the signer's groups: %s", strerror(errno));
        return DC_ACCESS_FAILED;
    }
    if (become(p->uid, p->gid, (size_t)p->ngroups, p->groups) < 0) {
        err = errno;
        if (become(own_fsuid, own_fsgid, (size_t)nown, own) < 0)
            abort();
        snprintf(why, whylen, "cannot take the identity of uid %u: %s", (unsigned)p->uid,
                 err ? strerror(err) : "refused");
        return DC_ACCESS_FAILED;
    }
    stat_rc = stat(path, &st);
    if (stat_rc < 0)
        err = errno;
    else if (S_ISREG(st.st_mode)) {
        fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
            err = errno;
    }
    if (become(own_fsuid, own_fsgid, (size_t)nown, own) < 0)
        abort();

    if (stat_rc < 0 || fd < 0) {
        if (stat_rc == 0 && !err)
            snprintf(why, whylen, "%s is not a regular file", path);
        else
            snprintf(why, whylen, "%s is not readable by %s: %s", path,
                     p->user[0] ? p->user : "the caller", strerror(err));
        return DC_ACCESS_DENIED;
    }
    if (fstat(fd, &st2) < 0 || !S_ISREG(st2.st_mode)) {
        close(fd);
        snprintf(why, whylen, "%s is not a regular file", path);
        return DC_ACCESS_DENIED;
    }
    close(fd);
    return DC_ACCESS_OK;
}
