/* SPDX-License-Identifier: BSD-3-Clause */
/* peer.c - kernel-attested identity of a socket peer (see peer.h). */
#include "peer.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

static int peer_groups(struct dc_peer *p, int fd)
{
    socklen_t len = 64 * sizeof(gid_t);

    for (int tries = 0; tries < 3; tries++) {
        gid_t *g = realloc(p->groups, len ? len : sizeof(gid_t));

        if (!g)
            return -1;
        p->groups = g;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0) {
            p->ngroups = (int)(len / sizeof(gid_t));
            return 0;
        }
        if (errno != ERANGE)
            return -1;
        /* len now holds the size needed. */
    }
    errno = ERANGE;
    return -1;
}

int dc_peer_from_socket(struct dc_peer *p, int fd)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    memset(p, 0, sizeof(*p));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
        return -1;
    if (len != sizeof(cred)) {
        errno = EINVAL;
        return -1;
    }
    p->uid = cred.uid;
    p->gid = cred.gid;
    p->pid = cred.pid;
    /* Without SO_PEERGROUPS (Linux < 4.13) we know no supplementary group: checks run with
     * fewer rights than the caller has, never more. */
    if (peer_groups(p, fd) < 0 && errno != ENOPROTOOPT) {
        int e = errno;

        dc_peer_clear(p);
        errno = e;
        return -1;
    }
    return 0;
}

int dc_peer_lookup_user(struct dc_peer *p)
{
    struct passwd pw, *res = NULL;
    char buf[4096];

    p->user[0] = '\0';
    if (getpwuid_r(p->uid, &pw, buf, sizeof(buf), &res) != 0 || !res)
        return -1;
    if (strlen(pw.pw_name) >= sizeof(p->user))
        return -1;
    snprintf(p->user, sizeof(p->user), "%s", pw.pw_name);
    return 0;
}

int dc_peer_in_group(const struct dc_peer *p, gid_t gid)
{
    if (p->gid == gid)
        return 1;
    for (int i = 0; i < p->ngroups; i++)
        if (p->groups[i] == gid)
            return 1;
    return 0;
}

void dc_peer_clear(struct dc_peer *p)
{
    free(p->groups);
    p->groups = NULL;
    p->ngroups = 0;
}
