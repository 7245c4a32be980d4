/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * access.c - readability checks as the caller (see access.h).
 *
 * Why this method: mode bits (upstream's check) ignore ACLs, directory search permission,
 * LSMs and root-squashed NFS, so only the kernel can answer "could this user read it". We make
 * the kernel answer by opening the file with the caller's credentials on this worker thread
 * only (dc_open_as): other workers keep running as root undisturbed, and no fork per path is
 * needed (a fork of a multi-threaded daemon per request is slow and fragile).
 */
#include "access.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "openas.h"

enum dc_access dc_access_readable(const struct dc_peer *p, const char *path, char *why,
                                  size_t whylen)
{
    struct dc_fsident id = {.uid = p->uid,
                            .gid = p->gid,
                            .ngroups = p->ngroups > 0 ? (size_t)p->ngroups : 0,
                            .groups = p->groups};
    int fd, err;

    switch (dc_open_as(&id, path, &fd, &err)) {
    case DC_OPENAS_OK: close(fd); return DC_ACCESS_OK;
    case DC_OPENAS_NOT_REGULAR:
        snprintf(why, whylen, "%s is not a regular file", path);
        return DC_ACCESS_DENIED;
    case DC_OPENAS_DENIED:
        snprintf(why, whylen, "%s is not readable by %s: %s", path,
                 p->user[0] ? p->user : "the caller", strerror(err));
        return DC_ACCESS_DENIED;
    case DC_OPENAS_NO_IDENTITY: break;
    }
    snprintf(why, whylen, "cannot take the identity of uid %u: %s", (unsigned)p->uid,
             err ? strerror(err) : "refused");
    return DC_ACCESS_FAILED;
}
